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

/// <summary>Whose protocol steps the demo narrates.</summary>
public enum NarrationLevel { All, Owner, None }

/// <summary>What the OS does to the processes while they share.</summary>
public enum Attack
{
    None, Snoop, Mitm, Remap, Tamper, Replay, Context,
    /// <summary>Attested exchanges only: the OS runs another program (the separate share_client, sealed for the chip) in the client's place.</summary>
    Impostor,
    /// <summary>Attested exchanges only: the OS runs a debuggable sealing of the program in the client's place.</summary>
    Debuggable,
    /// <summary>Attested exchanges only: the OS replays the owner's HELLO and report from an earlier run of the same programs on the same chip.</summary>
    ReportReplay,
}

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

public sealed record ScenarioResult(
    Verdict Verdict, string Explanation, IReadOnlyList<ProcessOutcome> Processes, IReadOnlyDictionary<int, string> Output,
    IReadOnlyList<SideBySide> Views, OsRunOutcome Run)
{
    /// <summary>How each process is called everywhere (narration, verdict, output): "owner", "client 2", "spy", by pid.</summary>
    public IReadOnlyDictionary<int, string> Labels { get; init; } = new Dictionary<int, string>();

    /// <summary>"client 2 (pid 3)": the label, with the pid in brackets.</summary>
    public string Who(int pid) => Labels.TryGetValue(pid, out var label) ? $"{label} (pid {pid})" : $"pid {pid}";

    /// <summary>What it cost to set the group up (until the owner reports it), or null if it never was.</summary>
    public SetupCost? Setup { get; init; }

    /// <summary>Attestation reports the processes sent each other, as they left the sender (attested runs).</summary>
    public IReadOnlyList<SentReport> Reports { get; init; } = [];

    /// <summary>The chip's public key (64 bytes X || Y): the trust anchor for <see cref="Reports"/>.</summary>
    public byte[] ChipPublicKey { get; init; } = [];

    /// <summary>The measurement the owner's reports carry (the digest of its sealed image).</summary>
    public byte[] OwnerMeasurement { get; init; } = [];
}

/// <summary>One attestation report crossing the OS: who sent it, on which channel, and its bytes.</summary>
public sealed record SentReport(string Sender, string Channel, byte[] Report);

/// <summary>
/// Host time and guest instructions (all processes) from the start of the run until the owner's group
/// was set up, and the host processor time this process used meanwhile (all threads, the JIT's
/// included): on a loaded machine the wall time stretches with the load, the processor time barely.
/// </summary>
public sealed record SetupCost(TimeSpan HostTime, ulong Instructions)
{
    public TimeSpan ProcessorTime { get; init; }
}

/// <summary>
/// Runs one sharing method among sealed owner and client programs on a fresh chip, under one attack,
/// and judges the outcome. The demo command and the attack-suite tests both use it.
/// </summary>
public static class ShareScenario
{
    /// <summary>The plaintext every shared record carries: if the OS ever sees it, confidentiality is lost.</summary>
    public static readonly byte[] Marker = ShareExample.RecordMarker.ToArray();

    /// <summary>
    /// The largest group the example programs run (MAX_CLIENTS in guest/share/common.h). Not a limit of
    /// the chip: the owner holds one notification region at a time, so its EAR table does not grow with
    /// the group (docs/claims.md, claim 8(d)).
    /// </summary>
    public const int MaxClients = ShareExample.MaxClients;

    /// <summary>Runs the scenario; options that cannot run (<see cref="ScenarioOptions.Problem"/>) are an <see cref="ArgumentOutOfRangeException"/> naming the problem.</summary>
    public static ScenarioResult Run(ScenarioOptions options)
    {
        if (options.Problem is { } problem) throw new ArgumentOutOfRangeException(nameof(options), problem);
        string directory = options.ProgramDirectory ?? DefaultProgramDirectory();
        var owner = LoadProgram(directory, "share_owner");
        var client = LoadProgram(directory, "share_client");
        var spy = LoadProgram(directory, "share_spy");
        using var identity = ChipIdentity.Generate();
        SealedImage sealedOwner, sealedClient;
        if (options.Attested)
        {
            // One program for both roles: each side expects the peer's measurement to be its own.
            var member = LoadProgram(directory, "share_member");
            sealedOwner = SealedImage.Parse(ElfSealer.Seal(member, identity.PublicKey, new Dictionary<string, byte[]>()));
            sealedClient = options.Attack switch
            {
                Attack.Impostor => SealedImage.Parse(ElfSealer.Seal(client, identity.PublicKey, new Dictionary<string, byte[]>())),
                Attack.Debuggable => SealedImage.Parse(ElfSealer.Seal(member, identity.PublicKey, new Dictionary<string, byte[]>(), (ushort)SealedImageFlags.Debuggable)),
                _ => sealedOwner,
            };
            Narrate(options, $"chip {Convert.ToHexString(identity.Fingerprint, 0, 6).ToLowerInvariant()}: new identity; the member program (owner and client in one) sealed for it, " +
                $"measurement {Convert.ToHexString(sealedOwner.Digest, 0, 8).ToLowerInvariant()}...; no key provisioned" +
                (options.Attack == Attack.Impostor ? "; the OS runs the separate share_client program as the client" :
                 options.Attack == Attack.Debuggable ? "; the OS runs a debuggable sealing of it as the client" : ""));
        }
        else
        {
            var (ownerProvision, clientProvision) = Provision(options);
            sealedOwner = SealedImage.Parse(ElfSealer.Seal(owner, identity.PublicKey, ownerProvision));
            sealedClient = SealedImage.Parse(ElfSealer.Seal(client, identity.PublicKey, clientProvision));
            Narrate(options, $"chip {Convert.ToHexString(identity.Fingerprint, 0, 6).ToLowerInvariant()}: new identity; owner and client programs sealed for it" +
                (options.Method == ShareMethod.M1 ? " (the common key provisioned inside both images)" :
                 options.Method == ShareMethod.M3 || options.Signed ? " (signing keys and the peer's verification key inside the images)" : ""));
        }
        ReportReplay? recording = null;
        if (options.Attack == Attack.ReportReplay)
        {
            // An earlier run of the same images on the same chip, whose exchange the OS records.
            recording = new ReportReplay();
            RunOnce(options with { Attack = Attack.None, Narration = null, Instrument = null, Observers = [recording] }, identity, sealedOwner, sealedClient, spy, null);
            Narrate(options, $"an earlier run of the same programs on this chip: the OS recorded {recording.Messages} of the owner's exchange messages (HELLO and report)");
        }
        return RunOnce(options, identity, sealedOwner, sealedClient, spy, recording);
    }

    private static ScenarioResult RunOnce(ScenarioOptions options, ChipIdentity identity, SealedImage sealedOwner, SealedImage sealedClient, ElfImage spy,
        ReportReplay? recording)
    {
        int clients = options.ClientCount;

        var outputs = new Dictionary<int, StringBuilder>();
        var clock = new System.Diagnostics.Stopwatch();
        var processorAtStart = TimeSpan.Zero;
        SetupCost? setup = null;
        OsMachine? running = null;
        var machineOptions = new OsMachineOptions
        {
            RamSize = options.RamSize,
            Identity = identity,
            Security = new SecurityOptions
            {
                Mode = options.Authenticated ? MemoryProtectionMode.Authenticated : MemoryProtectionMode.Confidentiality,
                EarEntries = options.EarEntries ?? new SecurityOptions().EarEntries,
            },
            Kernel = new KernelOptions
            {
                Quantum = 20_000,
                Seed = options.Seed,
                MaxInstructions = options.MaxInstructions,
                OutputFor = (pid, name) =>
                {
                    var text = outputs[pid] = new StringBuilder();
                    return new LineCapture(line =>
                    {
                        text.Append(line).Append('\n');
                        if (setup is null && name == "owner" && line.Contains(" set up;", StringComparison.Ordinal))
                            setup = new SetupCost(clock.Elapsed, running!.Kernel.Processes.Aggregate(0UL, (sum, p) => sum + p.Statistics.Instructions))
                            {
                                ProcessorTime = Environment.CpuUsage.TotalTime - processorAtStart,
                            };
                    });
                },
            },
        };
        var machine = new OsMachine(machineOptions);
        options.Instrument?.Invoke(machine, machineOptions);
        machine.Register("owner", sealedOwner);
        machine.Register("client", sealedClient);
        machine.Register("spy", spy);

        var views = new ViewObserver();
        machine.Attach(views);
        var labels = new Dictionary<int, string>();
        var notes = new NoteWatch(labels, options);
        machine.Kernel.AttachObserver(notes);
        var describe = Arm(machine, options, recording);
        foreach (var observer in options.Observers) machine.Attach(observer);

        string method = options.Method.ToString().ToLowerInvariant();
        string[] extra = options.Signed ? [ShareExample.SignedArgument] : options.Attested ? [ShareExample.AttestedArgument] : [];
        labels[machine.Start("owner", ["owner", method, clients.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra]).Pid] = "owner";
        int lastClient = 0;
        for (int i = 1; i <= clients; i++)
        {
            lastClient = machine.Start("client", ["client", method, i.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra]).Pid;
            labels[lastClient] = $"client {i}";
        }
        if (options.Attack == Attack.Remap) labels[machine.Start("spy").Pid] = "spy";

        running = machine;
        processorAtStart = Environment.CpuUsage.TotalTime;
        clock.Start();
        var run = machine.Run(options.Cancellation);
        clock.Stop();
        var texts = outputs.ToDictionary(o => o.Key, o => o.Value.ToString());
        // M5 removes the last client, which then tries the re-keyed region with its old key.
        int? removed = options.Method == ShareMethod.M5 ? lastClient : null;
        var (verdict, explanation) = Judge(options, run, labels, notes, describe(), removed);
        return new ScenarioResult(verdict, explanation, run.Processes, texts, views.Views, run)
        {
            Setup = setup, Labels = labels, Reports = notes.Reports, ChipPublicKey = identity.PublicKey, OwnerMeasurement = sealedOwner.Digest,
        };
    }

    /// <summary>Keys the vendor provisions into the images: a common key (M1) or signing keys (M3, signed M4/M5).</summary>
    private static (Dictionary<string, byte[]> Owner, Dictionary<string, byte[]> Client) Provision(ScenarioOptions options)
    {
        var owner = new Dictionary<string, byte[]>();
        var client = new Dictionary<string, byte[]>();
        if (options.Method == ShareMethod.M1)
        {
            byte[] common = RandomNumberGenerator.GetBytes(ShareExample.CommonKeySize);
            owner[ShareExample.CommonKeySymbol] = common;
            client[ShareExample.CommonKeySymbol] = common;
        }
        if (options.Method == ShareMethod.M3 || options.Signed)
        {
            using var ownerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var o = ownerKey.ExportParameters(true);
            var c = clientKey.ExportParameters(true);
            owner[ShareExample.SigningKeySymbol] = o.D!;
            owner[ShareExample.PeerVerificationKeySymbol] = [.. c.Q.X!, .. c.Q.Y!];
            client[ShareExample.SigningKeySymbol] = c.D!;
            client[ShareExample.PeerVerificationKeySymbol] = [.. o.Q.X!, .. o.Q.Y!];
        }
        return (owner, client);
    }

    /// <summary>Attaches the adversary for the attack; returns a function describing what it achieved.</summary>
    private static Func<(bool Succeeded, string Text)> Arm(OsMachine machine, ScenarioOptions options, ReportReplay? recording)
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
                    : options.Authenticated
                        ? "replay: the OS put back round 1's ciphertext of the shared region, with the counters, MACs and tree nodes it hosts, after round 2 (only the counter-tree root stays on chip)"
                        : "replay: the OS put back round 1's ciphertext of the shared region after round 2 (confidentiality mode keeps no counters or MACs to replay)");
            }
            case Attack.Context:
            {
                var tamper = new ContextTamper("client");
                machine.Attach(tamper);
                return () => (false, tamper.VictimPid is { } pid
                    ? $"context: the OS flipped a bit of the saved context of a client (pid {pid}) during the protocol"
                    : "context: the OS found no client context to change");
            }
            case Attack.Impostor:
                return () => (false, "impostor: the OS ran another program (share_client, sealed for this chip) as the client");
            case Attack.Debuggable:
                return () => (false, "debuggable: the OS ran a debuggable sealing of the member program as the client");
            case Attack.ReportReplay:
            {
                var replay = new ReportReplay(recording!);
                machine.Attach(replay);
                return () => (false, $"report-replay: the OS put the owner's HELLO and attestation report from the earlier run in place of this run's ({replay.Messages} messages replaced)");
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
            plaintext = mitm.ReadRegion(owner, region.Segment, region.RegionId, stolen["share.1"].InitiatorKey, ShareExample.RecordSize);
        }
        else if (options.Method is ShareMethod.M4 or ShareMethod.M5 && mitm.LearnedKeys.TryGetValue("share.1", out var common))
        {
            // The notification region gave away the common key and where the shared region is.
            plaintext = mitm.ReadRegion(owner, common.Segment, common.RegionId, common.Key, ShareExample.RecordSize);
        }
        if (plaintext is not null && plaintext.AsSpan().IndexOf(Marker) >= 0)
        {
            // The first record's text, up to its terminating zero.
            int end = Array.IndexOf(plaintext, (byte)0, ShareExample.RecordTextOffset, ShareExample.RecordTextSize);
            string text = Encoding.ASCII.GetString(plaintext, ShareExample.RecordTextOffset, (end < 0 ? ShareExample.RecordTextOffset + ShareExample.RecordTextSize : end) - ShareExample.RecordTextOffset);
            string relay = options.Method is ShareMethod.M4 or ShareMethod.M5
                ? mitm.NotificationsRelayed > 0
                    ? $", read the common key out of the owner's notification regions and re-encrypted {mitm.NotificationsRelayed} of them for the clients,"
                    : ", read the common key out of the owner's notification regions (authenticated memory kept it from forging the clients' copies, so they never got the key),"
                : "";
            return (true, $"mitm: the OS replaced both public keys, holds the {stolen.Count} key(s) the processes derived{relay} and decrypted the shared region from DRAM: \"{text}\"");
        }
        return (false, $"mitm: the OS replaced the public keys of {stolen.Count} exchange(s) but could not read the shared data");
    }

    /// <summary>
    /// The verdict, from structured outcomes only: how each process ended (its exit code, the trap
    /// that killed it, a refused context), the spy's read as data, and what the attack reports of
    /// itself. The examples' exit codes are <see cref="ShareExampleExit"/> (guest/share/common.h).
    /// </summary>
    private static (Verdict, string) Judge(ScenarioOptions options, OsRunOutcome run, Dictionary<int, string> labels, NoteWatch notes,
        (bool Succeeded, string Text) attack, int? removedClient)
    {
        string Who(int pid) => labels.TryGetValue(pid, out var label) ? $"{label} (pid {pid})" : $"pid {pid}";
        if (run.End == KernelRunEnd.Interrupted)
            return (Verdict.Failed, $"{attack.Text}. The run was interrupted before the processes finished, so there is no verdict.");
        static bool IntegrityFault(ProcessOutcome p) => p.End == ProcessEnd.Fault && p.FatalTrap?.Cause == Isa.TrapCause.IntegrityFault;
        // In authenticated mode the client M5 removed is stopped by an integrity fault when it reads
        // the re-keyed region with its old key: the intended outcome, not an attack being caught.
        var removedStopped = run.Processes.FirstOrDefault(p => p.Pid == removedClient && IntegrityFault(p) && options.Authenticated &&
            options.Attack is not (Attack.Tamper or Attack.Replay or Attack.Context));
        var members = run.Processes.Where(p => p.Name != "spy" && p != removedStopped).ToList();
        var stopped = members.Where(p => IntegrityFault(p) || p.End == ProcessEnd.ContextRefused).ToList();
        bool signatureRefused = members.Any(p => p.End == ProcessEnd.Exited && p.ExitCode == (int)ShareExampleExit.Refused);
        bool spyReadPlaintext = notes.SpyReads.Any(read => read.AsSpan().IndexOf(Marker.AsSpan(0, 6)) >= 0);
        bool allGood = run.End == KernelRunEnd.AllExited && members.All(p => p.End == ProcessEnd.Exited && p.ExitCode == (int)ShareExampleExit.Shared);
        string context = attack.Text;
        if (options.Attack == Attack.Remap)
            context += notes.SpyReads.Count == 0 ? "; the spy read nothing"
                : $"; the spy read: {Convert.ToHexString(notes.SpyReads[0], 0, Math.Min(16, notes.SpyReads[0].Length)).ToLowerInvariant()}... \"{Printable(notes.SpyReads[0])}\"";
        if (attack.Succeeded || spyReadPlaintext)
            return (Verdict.AttackSucceeded, $"{context}. The attack succeeded" + (options.Method == ShareMethod.M2 || (options.Method is ShareMethod.M4 or ShareMethod.M5 && !options.Signed)
                ? " because the key exchange is not authenticated (SPEC R5: shown, not hidden; M3 or signed M4 prevents it)." : "."));
        if (stopped.Count > 0 || signatureRefused)
        {
            string why = stopped.Count > 0 ? string.Join("; ", stopped.Select(p => $"{Who(p.Pid)}: {p.KillReason}"))
                : options.Attested
                    ? $"the attestation check refused the exchange ({string.Join("; ", members.Where(p => p.ExitCode == (int)ShareExampleExit.Refused).Select(p => $"{Who(p.Pid)}: {notes.Refusals.GetValueOrDefault(p.Pid, "refused")}"))}); no key, no region"
                    : $"the signature check refused the exchange ({string.Join(", ", members.Where(p => p.ExitCode == (int)ShareExampleExit.Refused).Select(p => Who(p.Pid)))} stopped); no key, no region";
            return (Verdict.AttackDetected, $"{context}. Detected: {why}.");
        }
        if (allGood)
            return (Verdict.SharedCorrectly, $"{context}. Shared correctly: every member read every record; the OS saw only ciphertext" +
                (removedStopped is null ? "." : $"; the removed client, {Who(removedStopped.Pid)}, was stopped by an integrity fault when it tried the new data with its old key."));
        if (options.Attack is Attack.Tamper or Attack.Replay && !options.Authenticated && members.All(p => p.End == ProcessEnd.Exited))
            return (Verdict.AttackSucceeded, $"{context}. The attack succeeded: confidentiality mode does not check integrity, so the clients read wrong data without noticing the cause (documented weakness; use --auth).");
        string failures = string.Join("; ", run.Processes.Where(p => p.End != ProcessEnd.Exited || p.ExitCode != 0)
            .Select(p => $"{Who(p.Pid)} {(p.End == ProcessEnd.Exited ? $"exited {p.ExitCode}" : p.KillReason)}"));
        return (Verdict.Failed, $"{context}. The scenario failed: {failures}.");
    }

    private static string Printable(byte[] bytes) => new([.. bytes.Select(b => b is >= 32 and < 127 ? (char)b : '.')]);

    /// <summary>Narrates each protocol step as its guest announces it (a note), and keeps the spy's reads as data.</summary>
    private sealed class NoteWatch(IReadOnlyDictionary<int, string> labels, ScenarioOptions options) : Adversary
    {
        private readonly Dictionary<int, string> _peers = [];

        public List<byte[]> SpyReads { get; } = [];

        /// <summary>Why each process refused its peer's attestation report (its "attest-refused" note).</summary>
        public Dictionary<int, string> Refusals { get; } = [];

        public List<SentReport> Reports { get; } = [];

        public override string Name => "narrator";

        public override void OnChannelMessage(ChannelMessageEvent e)
        {
            // libcloak's report message: its header (magic, kind Report, role), then the report.
            var payload = e.Payload;
            if (payload.Length == ShareMessages.ReportOffset + Isa.AttestationReport.Size &&
                System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(payload) == ShareMessages.Magic &&
                System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(ShareMessages.KindOffset)) == (uint)ShareMessageKind.Report)
                Reports.Add(new SentReport(labels.TryGetValue(e.Sender.Pid, out var who) ? who : e.Sender.Name, e.Channel, payload[ShareMessages.ReportOffset..]));
        }

        public override void OnGuestNote(GuestNoteEvent e)
        {
            if (e.Topic == "peer")
            {
                _peers[e.Process.Pid] = e.Text; // the owner's next steps concern this client
                return;
            }
            if (e.Topic == "attest-refused")
            {
                Refusals[e.Process.Pid] = e.Text;
                return;
            }
            if (e.Topic == "spy-read")
            {
                try
                {
                    SpyReads.Add(Convert.FromHexString(e.Text));
                }
                catch (FormatException)
                {
                    // Not the spy's own note: a guest may post anything.
                }
                return;
            }
            if (!e.Topic.StartsWith("claim", StringComparison.Ordinal) || options.Narration is null || options.Narrate == NarrationLevel.None) return;
            string who = labels.TryGetValue(e.Process.Pid, out var label) ? label : e.Process.Name;
            if (options.Narrate == NarrationLevel.Owner && who != "owner") return;
            string with = _peers.TryGetValue(e.Process.Pid, out var peer) ? $" (with {peer})" : "";
            options.Narration.WriteLine($"  {who,-9} [{e.Topic}] {e.Text}{with}");
        }
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
    private sealed class LineCapture(Action<string> line) : LineSplittingStream
    {
        protected override void OnLine(ReadOnlySpan<byte> text, bool complete) =>
            line(Encoding.UTF8.GetString(complete ? text[..^1] : text));
    }
}
