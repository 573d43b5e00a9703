using System.Security.Cryptography;
using System.Text;
using Cloak.Attacks;
using Cloak.Chip.Security;
using Cloak.Elf;
using Cloak.Kernel;
using Cloak.Kernel.Adversaries;
using Cloak.Os;
using Cloak.Sdk;
using Cloak.Sealing;

namespace Cloak.Demo;

/// <summary>The patent's sharing methods (SPEC section 4).</summary>
public enum ShareMethod { M1, M2, M3, M4, M5 }

/// <summary>What the OS does to the processes while they share.</summary>
public enum Attack { None, Snoop, Mitm, Remap, Tamper, Replay, Context }

/// <summary>How a scenario ended.</summary>
public enum Verdict
{
    /// <summary>The region was shared and every check passed; the OS saw only ciphertext.</summary>
    SharedCorrectly,
    /// <summary>The chip or the protocol detected the attack and refused to go on.</summary>
    AttackDetected,
    /// <summary>The attack worked, because the method or memory mode does not defend against it (documented).</summary>
    AttackSucceeded,
    /// <summary>Something else went wrong (a bug, not an attack).</summary>
    Failed,
}

public sealed record ScenarioOptions
{
    public ShareMethod Method { get; init; } = ShareMethod.M4;
    /// <summary>Clients of the owner: 1-32 for M1, 2-32 for M4 and M5 (default 3); M2 and M3 have exactly one (the default there).</summary>
    public int? Clients { get; init; }

    /// <summary>The number of clients this scenario runs.</summary>
    public int ClientCount => Clients ?? (Method is ShareMethod.M2 or ShareMethod.M3 ? 1 : 3);
    public Attack Attack { get; init; } = Attack.Snoop;
    /// <summary>Authenticated memory (MACs and counters) instead of confidentiality only.</summary>
    public bool Authenticated { get; init; }
    /// <summary>M4/M5 with signed pairwise exchanges (M3 inside M4).</summary>
    public bool Signed { get; init; }
    /// <summary>Where the guest programs are (guest/build/share); found from the repository by default.</summary>
    public string? ProgramDirectory { get; init; }
    /// <summary>Live narration (each claim step as it happens); null for none.</summary>
    public TextWriter? Narration { get; init; }
    public ulong RamSize { get; init; } = 64UL << 20;
    /// <summary>More adversaries to attach after the attack's own (passive observers in tests, say).</summary>
    public IReadOnlyList<Adversary> Observers { get; init; } = [];
    public int Seed { get; init; } = 1;
}

public sealed record ScenarioResult(
    Verdict Verdict, string Explanation, IReadOnlyList<ProcessOutcome> Processes, IReadOnlyDictionary<int, string> Output,
    IReadOnlyList<SideBySide> Views, OsRunOutcome Run)
{
    /// <summary>What it cost to set the group up (until the owner reports it), or null if it never was.</summary>
    public SetupCost? Setup { get; init; }
}

/// <summary>Host time and guest instructions (all processes) from the start of the run until the owner's group was set up.</summary>
public sealed record SetupCost(TimeSpan HostTime, ulong Instructions);

/// <summary>
/// Runs one sharing method among sealed owner and client programs on a fresh chip, under one attack,
/// and judges the outcome. The demo command and the attack-suite tests both use it.
/// </summary>
public static class ShareScenario
{
    /// <summary>The plaintext every shared record carries: if the OS ever sees it, confidentiality is lost.</summary>
    public static readonly byte[] Marker = "SECRET record"u8.ToArray();

    public static ScenarioResult Run(ScenarioOptions options)
    {
        string directory = options.ProgramDirectory ?? DefaultProgramDirectory();
        var owner = LoadProgram(directory, "share_owner");
        var client = LoadProgram(directory, "share_client");
        var spy = LoadProgram(directory, "share_spy");
        int clients = options.ClientCount;
        if (clients < 1 || clients > 32) throw new ArgumentOutOfRangeException(nameof(options), "1-32 clients");
        if (options.Method is ShareMethod.M2 or ShareMethod.M3 && clients != 1)
            throw new ArgumentOutOfRangeException(nameof(options), "M2 and M3 are between two processes: one client");
        if (options.Method is ShareMethod.M4 or ShareMethod.M5 && clients < 2)
            throw new ArgumentOutOfRangeException(nameof(options), "M4 and M5 need at least 2 clients");

        using var identity = ChipIdentity.Generate();
        var (ownerProvision, clientProvision) = Provision(options);
        var sealedOwner = SealedImage.Parse(ElfSealer.Seal(owner, identity.PublicKey, ownerProvision));
        var sealedClient = SealedImage.Parse(ElfSealer.Seal(client, identity.PublicKey, clientProvision));
        Narrate(options, $"chip {Convert.ToHexString(identity.Fingerprint, 0, 6).ToLowerInvariant()}: new identity; owner and client programs sealed for it" +
            (options.Method == ShareMethod.M1 ? " (the common key provisioned inside both images)" :
             options.Method == ShareMethod.M3 || options.Signed ? " (signing keys and the peer's verification key inside the images)" : ""));

        var outputs = new Dictionary<int, StringBuilder>();
        var clock = new System.Diagnostics.Stopwatch();
        SetupCost? setup = null;
        OsMachine? running = null;
        var machine = new OsMachine(new OsMachineOptions
        {
            RamSize = options.RamSize,
            Identity = identity,
            Security = new SecurityOptions { Mode = options.Authenticated ? MemoryProtectionMode.Authenticated : MemoryProtectionMode.Confidentiality },
            Kernel = new KernelOptions
            {
                Quantum = 20_000,
                Seed = options.Seed,
                MaxInstructions = 2_000_000_000,
                OutputFor = (pid, name) =>
                {
                    var text = outputs[pid] = new StringBuilder();
                    return new LineCapture(line =>
                    {
                        text.Append(line).Append('\n');
                        if (setup is null && name == "owner" && line.Contains(" set up;", StringComparison.Ordinal))
                            setup = new SetupCost(clock.Elapsed, running!.Kernel.Processes.Aggregate(0UL, (sum, p) => sum + p.Statistics.Instructions));
                        if (options.Narration is not null && line.StartsWith("[claim", StringComparison.Ordinal))
                            options.Narration.WriteLine($"  {name,-8} {line}");
                    });
                },
            },
        });
        machine.Register("owner", sealedOwner);
        machine.Register("client", sealedClient);
        machine.Register("spy", spy);

        var views = new ViewObserver();
        machine.Attach(views);
        var describe = Arm(machine, options);
        foreach (var observer in options.Observers) machine.Attach(observer);

        string method = options.Method.ToString().ToLowerInvariant();
        string[] extra = options.Signed ? ["signed"] : [];
        machine.Start("owner", ["owner", method, clients.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra]);
        int lastClient = 0;
        for (int i = 1; i <= clients; i++)
            lastClient = machine.Start("client", ["client", method, i.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra]).Pid;
        if (options.Attack == Attack.Remap) machine.Start("spy");

        running = machine;
        clock.Start();
        var run = machine.Run();
        clock.Stop();
        var texts = outputs.ToDictionary(o => o.Key, o => o.Value.ToString());
        // M5 removes the last client, which then tries the re-keyed region with its old key.
        int? removed = options.Method == ShareMethod.M5 ? lastClient : null;
        var (verdict, explanation) = Judge(options, run, texts, describe(), removed);
        return new ScenarioResult(verdict, explanation, run.Processes, texts, views.Views, run) { Setup = setup };
    }

    /// <summary>Keys the vendor provisions into the images: a common key (M1) or signing keys (M3, signed M4/M5).</summary>
    private static (Dictionary<string, byte[]> Owner, Dictionary<string, byte[]> Client) Provision(ScenarioOptions options)
    {
        var owner = new Dictionary<string, byte[]>();
        var client = new Dictionary<string, byte[]>();
        if (options.Method == ShareMethod.M1)
        {
            byte[] common = RandomNumberGenerator.GetBytes(32);
            owner["cloak_common_key"] = common;
            client["cloak_common_key"] = common;
        }
        if (options.Method == ShareMethod.M3 || options.Signed)
        {
            using var ownerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var o = ownerKey.ExportParameters(true);
            var c = clientKey.ExportParameters(true);
            owner["cloak_signing_key"] = o.D!;
            owner["cloak_peer_verification_key"] = [.. c.Q.X!, .. c.Q.Y!];
            client["cloak_signing_key"] = c.D!;
            client["cloak_peer_verification_key"] = [.. o.Q.X!, .. o.Q.Y!];
        }
        return (owner, client);
    }

    /// <summary>Attaches the adversary for the attack; returns a function describing what it achieved.</summary>
    private static Func<(bool Succeeded, string Text)> Arm(OsMachine machine, ScenarioOptions options)
    {
        switch (options.Attack)
        {
            case Attack.Snoop:
            {
                var snoop = new SnoopAdversary(snapshotEveryNthSwitch: 8);
                var bus = new BusRecorder();
                machine.Attach(snoop);
                machine.Kernel.Port.AttachBusTap(bus);
                return () =>
                {
                    int seen = snoop.Find(Marker).Count, onBus = bus.Containing(Marker).Count;
                    return (seen + onBus > 0, seen + onBus > 0
                        ? $"snoop: the shared plaintext appeared {seen} times in DRAM/swap/messages and {onBus} times on the bus"
                        : $"snoop: {snoop.Snapshots} DRAM snapshots ({snoop.DistinctPages} distinct pages), swap, every message and {bus.Transfers} bus transfers searched for \"SECRET record\": never seen");
                };
            }
            case Attack.Mitm:
            {
                var mitm = new KeyExchangeMitm();
                machine.Attach(mitm);
                // The OS tries its stolen keys while the processes still map the region: on every message
                // it relays (the owner's "filled" signals among them), until it reads a record.
                (bool Succeeded, string Text)? stolen = null;
                machine.Attach(new MessageProbe(() =>
                {
                    if (stolen is { Succeeded: true }) return;
                    stolen = StolenPlaintext(machine, mitm, options);
                }));
                return () => stolen ?? (false, "mitm: no exchange happened");
            }
            case Attack.Remap:
            {
                var remap = new RemapAdversary("client", "spy", 0x30_0000_0000, [Kernel.Memory.AreaKind.Shared]);
                machine.Attach(remap);
                return () => (false, $"remap: the OS mapped {remap.PagesMapped} frames of client 1's shared region into a spy process");
            }
            case Attack.Tamper or Attack.Replay:
            {
                var tamper = new SharedRegionTamper(options.Attack == Attack.Tamper ? SharedRegionTamper.Mode.Flip : SharedRegionTamper.Mode.Replay);
                machine.Attach(tamper);
                return () => (false, options.Attack == Attack.Tamper
                    ? "tamper: the OS flipped a bit of the shared region in DRAM after round 1"
                    : "replay: the OS put back round 1's ciphertext of the shared region (and its counters and MACs) after round 2");
            }
            case Attack.Context:
            {
                var tamper = new ContextTamper("client");
                machine.Attach(tamper);
                return () => (false, tamper.VictimPid is { } pid
                    ? $"context: the OS flipped a bit of the saved context of client process {pid} during the protocol"
                    : "context: the OS found no client context to change");
            }
            default:
                return () => (false, "no attack");
        }
    }

    /// <summary>With the keys a man in the middle got, reads the shared records straight out of DRAM.</summary>
    private static (bool Succeeded, string Text) StolenPlaintext(OsMachine machine, KeyExchangeMitm mitm, ScenarioOptions options)
    {
        var owner = machine.Kernel.Processes.FirstOrDefault(p => p.Name == "owner");
        if (owner is null) return (false, "mitm: the owner is gone");
        var stolen = mitm.StolenKeys;
        if (mitm.PublicKeysReplaced == 0) return (false, "mitm: no key exchange crossed the OS (the key was provisioned inside the sealed images), so it had nothing to replace");
        if (stolen.Count == 0) return (false, $"mitm: the OS replaced {mitm.PublicKeysReplaced} public key(s), but no exchange completed with keys it knows");
        byte[]? plaintext = null;
        if (options.Method is ShareMethod.M2 && mitm.Announcements.TryGetValue("share.1", out var region))
        {
            plaintext = mitm.ReadRegion(owner, region.Segment, region.RegionId, stolen["share.1"].InitiatorKey, 64);
        }
        else if (options.Method is ShareMethod.M4 or ShareMethod.M5 && mitm.LearnedKeys.TryGetValue("share.1", out var common))
        {
            // The notification region gave away the common key and where the shared region is.
            plaintext = mitm.ReadRegion(owner, common.Segment, common.RegionId, common.Key, 64);
        }
        if (plaintext is not null && plaintext.AsSpan().IndexOf(Marker) >= 0)
        {
            int end = Array.IndexOf(plaintext, (byte)0, 16);
            string text = Encoding.ASCII.GetString(plaintext, 16, (end < 0 ? 48 : end) - 16);
            string relay = options.Method is ShareMethod.M4 or ShareMethod.M5
                ? mitm.NotificationsRelayed > 0
                    ? $", read the common key out of the owner's notification regions and re-encrypted {mitm.NotificationsRelayed} of them for the clients,"
                    : ", read the common key out of the owner's notification regions (authenticated memory kept it from forging the clients' copies, so they never got the key),"
                : "";
            return (true, $"mitm: the OS replaced both public keys, holds the {stolen.Count} key(s) the processes derived{relay} and decrypted the shared region from DRAM: \"{text}\"");
        }
        return (false, $"mitm: the OS replaced the public keys of {stolen.Count} exchange(s) but could not read the shared data");
    }

    private static (Verdict, string) Judge(ScenarioOptions options, OsRunOutcome run, Dictionary<int, string> outputs, (bool Succeeded, string Text) attack, int? removedClient)
    {
        string all = string.Join('\n', outputs.Values);
        // In authenticated mode the client M5 removed is stopped by an integrity fault when it reads
        // the re-keyed region with its old key: the intended outcome, not an attack being caught.
        var removedStopped = run.Processes.FirstOrDefault(p => p.Pid == removedClient && p.KillReason is not null &&
            p.KillReason.Contains("integrity", StringComparison.Ordinal) && options.Authenticated &&
            options.Attack is not (Attack.Tamper or Attack.Replay or Attack.Context));
        var killed = run.Processes.Where(p => p.KillReason is not null && p.Name != "spy" && p != removedStopped).ToList();
        bool detected = killed.Any(p => p.KillReason!.Contains("integrity", StringComparison.Ordinal) || p.KillReason.Contains("refused", StringComparison.Ordinal)) ||
                        all.Contains("did not verify", StringComparison.Ordinal);
        bool spyReadPlaintext = outputs.Values.Any(o => o.Contains("SPY", StringComparison.Ordinal) && o.Contains("SECRET", StringComparison.Ordinal));
        bool allGood = run.End == KernelRunEnd.AllExited && run.Processes.Where(p => p.Name != "spy" && p != removedStopped).All(p => p.ExitCode == 0) &&
                       all.Contains("RESULT shared correctly", StringComparison.Ordinal);
        string context = attack.Text;
        if (options.Attack == Attack.Remap)
        {
            string? spyLine = outputs.Values.SelectMany(o => o.Split('\n')).FirstOrDefault(l => l.StartsWith("SPY", StringComparison.Ordinal));
            context += spyLine is null ? "; the spy read nothing" : $"; the spy read: {spyLine[4..]}";
        }
        if (attack.Succeeded || spyReadPlaintext)
            return (Verdict.AttackSucceeded, $"{context}. The attack succeeded" + (options.Method == ShareMethod.M2 || (options.Method is ShareMethod.M4 or ShareMethod.M5 && !options.Signed)
                ? " because the key exchange is not authenticated (SPEC R5: shown, not hidden; M3 or signed M4 prevents it)." : "."));
        if (detected)
        {
            string why = killed.Count > 0 ? string.Join("; ", killed.Select(p => $"{p.Name} {p.Pid}: {p.KillReason}")) : "the signature check refused the exchange; no key, no region";
            return (Verdict.AttackDetected, $"{context}. Detected: {why}.");
        }
        if (allGood)
            return (Verdict.SharedCorrectly, $"{context}. Shared correctly: every member read every record; the OS saw only ciphertext" +
                (removedStopped is null ? "." : $"; the removed client ({removedStopped.Pid}) was stopped by an integrity fault when it tried the new data with its old key."));
        if (options.Attack is Attack.Tamper or Attack.Replay && !options.Authenticated)
            return (Verdict.AttackSucceeded, $"{context}. The attack succeeded: confidentiality mode does not check integrity, so the clients read wrong data without noticing the cause (documented weakness; use --auth).");
        string failures = string.Join("; ", run.Processes.Where(p => p.ExitCode != 0).Select(p => $"{p.Name} {p.Pid} exited {p.ExitCode}{(p.KillReason is null ? "" : ": " + p.KillReason)}"));
        return (Verdict.Failed, $"{context}. The scenario failed: {failures}.");
    }

    private static void Narrate(ScenarioOptions options, string line) => options.Narration?.WriteLine($"  {line}");

    private static ElfImage LoadProgram(string directory, string name)
    {
        string path = Path.Combine(directory, name + ".elf");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing: build the guest programs first (./setup, or make -C guest)");
        return ElfImage.Load(path);
    }

    /// <summary>
    /// guest/build/share of the guest runtime this Cloak uses (<see cref="GuestRuntime.Locate"/>:
    /// $CLOAK_GUEST_DIR, or the guest/ beside or above the assemblies), whatever the working directory.
    /// </summary>
    public static string DefaultProgramDirectory()
    {
        try
        {
            return GuestRuntime.Locate().ShareProgramDirectory;
        }
        catch (GuestBuildException)
        {
            // No guest directory at all: name the usual place, so the "is missing" error says what to build.
            return Path.Combine("guest", "build", "share");
        }
    }

    /// <summary>Calls back at every channel message the OS relays and every context switch.</summary>
    private sealed class MessageProbe(Action probe) : Adversary
    {
        public override void OnChannelMessage(ChannelMessageEvent e) => probe();
        public override void OnContextSwitch(ContextSwitchEvent e) => probe();
    }

    /// <summary>Collects a process's output line by line.</summary>
    private sealed class LineCapture(Action<string> line) : Stream
    {
        private readonly MemoryStream _pending = new();

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            foreach (byte b in buffer)
            {
                if (b == '\n')
                {
                    line(Encoding.UTF8.GetString(_pending.GetBuffer(), 0, (int)_pending.Length));
                    _pending.SetLength(0);
                }
                else
                {
                    _pending.WriteByte(b);
                }
            }
        }

        public override void Flush()
        {
            if (_pending.Length == 0) return;
            line(Encoding.UTF8.GetString(_pending.GetBuffer(), 0, (int)_pending.Length));
            _pending.SetLength(0);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
