using System.Text;
using Cloak.Attacks;
using Cloak.Elf;
using Cloak.Kernel;
using Cloak.Kernel.Adversaries;
using Cloak.Kernel.Memory;
using Cloak.Observation;
using Cloak.Os;

namespace Cloak.Experiments;

/// <summary>How an attacked run ended, from the attacker's side.</summary>
public enum AttackVerdict
{
    /// <summary>The attack got what it wanted (the secret, keys, silently changed data).</summary>
    Succeeded,
    /// <summary>The chip or the protocol noticed and stopped (an integrity fault, a refused context, a bad signature).</summary>
    Detected,
    /// <summary>The attack struck but got nothing and nothing had to be stopped (the OS saw only ciphertext).</summary>
    Held,
    /// <summary>The attack never found its moment or its target (the run ended first, the victim never ran).</summary>
    NotStruck,
    /// <summary>Nothing to judge by (a snoop with no --secret to look for).</summary>
    Unjudged,
}

/// <summary>One attack's outcome: the verdict and a sentence saying what happened and why.</summary>
public sealed record AttackOutcome(AttackSpec Spec, AttackVerdict Verdict, string Explanation);

/// <summary>
/// The attacks of one run, armed on an <see cref="OsMachine"/> before its processes start and judged
/// after it ends, from structured outcomes only (exit codes, the trap that killed a process, the
/// chip's context refusals, TRP statuses, what the adversaries themselves saw), never from the
/// programs' printed prose. The demo's judging applied to anyone's programs.
/// </summary>
public sealed class AttackSession
{
    private readonly List<(AttackSpec Spec, Func<OsRunOutcome, RunStatistics?, AttackOutcome> Judge)> _armed = [];
    private readonly byte[]? _secret;

    private AttackSession(byte[]? secret) => _secret = secret;

    /// <summary>The name Cloak's own spy runs under (remap without into=).</summary>
    public const string SpyName = "spy";

    /// <summary>
    /// Arms <paramref name="attacks"/> on <paramref name="machine"/>. <paramref name="secret"/> is what
    /// snoop, remap and mitm look for (none: they report what they saw without a verdict).
    /// <paramref name="spy"/> is Cloak's spy program (guest/build/share/share_spy.elf), needed by
    /// remap without into=. Call before starting the processes; start the spy with <see cref="StartSpy"/>.
    /// </summary>
    public static AttackSession Arm(OsMachine machine, IReadOnlyList<AttackSpec> attacks, string? secret, ElfImage? spy)
    {
        var session = new AttackSession(secret is null ? null : Encoding.UTF8.GetBytes(secret));
        foreach (var spec in attacks) session.ArmOne(machine, spec, spy);
        return session;
    }

    /// <summary>True if one of the attacks needs Cloak's spy process started.</summary>
    public bool NeedsSpy { get; private set; }

    /// <summary>Starts Cloak's spy (after the user's processes), if an attack needs it.</summary>
    public void StartSpy(OsMachine machine)
    {
        if (NeedsSpy) machine.Start(SpyName);
    }

    private void ArmOne(OsMachine machine, AttackSpec spec, ElfImage? spy)
    {
        switch (spec.Kind)
        {
            case AttackKind.Snoop:
            {
                var snoop = new SnoopAdversary(snapshotEveryNthSwitch: 1);
                var bus = new BusRecorder();
                machine.Attach(snoop);
                machine.Kernel.Port.AttachBusTap(bus);
                _armed.Add((spec, (_, _) => JudgeSnoop(spec, snoop, bus)));
                break;
            }
            case AttackKind.Mitm:
            {
                var mitm = new KeyExchangeMitm();
                machine.Attach(mitm);
                var reader = new StolenReader(mitm, _secret);
                machine.Attach(reader);
                _armed.Add((spec, (outcome, stats) => JudgeMitm(spec, mitm, reader, stats)));
                break;
            }
            case AttackKind.Remap:
            {
                string into = spec.Into ?? SpyName;
                if (spec.Into is null)
                {
                    if (spy is null) throw new ArgumentException("remap needs Cloak's spy program (guest/build/share/share_spy.elf: make -C guest share) or into=PROCESS");
                    if (!NeedsSpy) machine.Register(SpyName, spy);
                    NeedsSpy = true;
                }
                var kinds = spec.Target?.Area is { } area ? new[] { area } : [AreaKind.Shared, AreaKind.Data, AreaKind.Heap, AreaKind.Stack];
                var remap = new RemapAdversary(spec.Victim!, into, 0x30_0000_0000, kinds);
                var output = new OutputWatch(into);
                machine.Attach(remap);
                machine.Attach(output);
                _armed.Add((spec, (_, _) => JudgeRemap(spec, remap, output)));
                break;
            }
            case AttackKind.Tamper:
            {
                var tamper = new MemoryTamper(spec.Victim!, spec.Target!, spec.At ?? Trigger.AtSwitch(5));
                machine.Attach(tamper);
                _armed.Add((spec, (outcome, _) => JudgeTamper(spec, tamper, outcome)));
                break;
            }
            case AttackKind.Replay:
            {
                var replay = new MemoryReplay(spec.Victim!, spec.Target!, spec.Capture ?? Trigger.AtSwitch(3), spec.Restore ?? Trigger.AtSwitch(8));
                machine.Attach(replay);
                _armed.Add((spec, (outcome, _) => JudgeReplay(spec, replay, outcome)));
                break;
            }
            case AttackKind.Context:
            {
                var tamper = new ContextTamper(spec.Victim!, spec.At?.Switch ?? 6);
                machine.Attach(tamper);
                _armed.Add((spec, (outcome, _) => JudgeContext(spec, tamper, outcome)));
                break;
            }
        }
    }

    /// <summary>Judges every attack; <paramref name="statistics"/> (from a <see cref="RunRecorder"/>) supplies TRP statuses.</summary>
    public IReadOnlyList<AttackOutcome> Judge(OsRunOutcome outcome, RunStatistics? statistics) =>
        [.. _armed.Select(a => a.Judge(outcome, statistics))];

    /// <summary>One verdict for the whole run: any success wins, then any detection, then held, then not struck.</summary>
    public static AttackVerdict Overall(IReadOnlyList<AttackOutcome> outcomes) =>
        outcomes.Count == 0 ? AttackVerdict.Unjudged
        : outcomes.Any(o => o.Verdict == AttackVerdict.Succeeded) ? AttackVerdict.Succeeded
        : outcomes.Any(o => o.Verdict == AttackVerdict.Detected) ? AttackVerdict.Detected
        : outcomes.Any(o => o.Verdict == AttackVerdict.Held) ? AttackVerdict.Held
        : outcomes.Any(o => o.Verdict == AttackVerdict.NotStruck) ? AttackVerdict.NotStruck
        : AttackVerdict.Unjudged;

    public static string Describe(AttackVerdict verdict) => verdict switch
    {
        AttackVerdict.Succeeded => "attack succeeded",
        AttackVerdict.Detected => "attack detected",
        AttackVerdict.Held => "protection held",
        AttackVerdict.NotStruck => "attack never struck",
        _ => "no verdict (nothing to judge by)",
    };

    private string SecretText => _secret is null ? "" : $"\"{Encoding.UTF8.GetString(_secret)}\"";

    private AttackOutcome JudgeSnoop(AttackSpec spec, SnoopAdversary snoop, BusRecorder bus)
    {
        string watched = $"{snoop.Snapshots} DRAM snapshots ({snoop.DistinctPages} distinct pages), swap, every message and {bus.Transfers} bus transfers";
        if (_secret is null) return new(spec, AttackVerdict.Unjudged, $"snoop: kept {watched}; give --secret TEXT to search them");
        var seen = snoop.Find(_secret);
        int onBus = bus.Containing(_secret).Count;
        return seen.Count + onBus > 0
            ? new(spec, AttackVerdict.Succeeded, $"snoop: the secret {SecretText} appeared {seen.Count} time(s) in DRAM/swap/messages{(seen.Count > 0 ? $" (first: {seen[0].Where})" : "")} and {onBus} time(s) on the bus")
            : new(spec, AttackVerdict.Held, $"snoop: {watched} searched for {SecretText}: never seen");
    }

    private AttackOutcome JudgeMitm(AttackSpec spec, KeyExchangeMitm mitm, StolenReader reader, RunStatistics? statistics)
    {
        ulong badSignatures = statistics?.Processes.Values.Sum(p => p.Trp.TryGetValue("verify", out var v) ? (long)v.GetValueOrDefault("bad-signature") : 0) is { } n ? (ulong)n : 0;
        if (mitm.PublicKeysReplaced == 0)
            return new(spec, AttackVerdict.NotStruck, "mitm: no key exchange crossed the OS, so there was nothing to replace");
        if (badSignatures > 0)
            return new(spec, AttackVerdict.Detected, $"mitm: the OS replaced {mitm.PublicKeysReplaced} public key(s); the signatures did not verify ({badSignatures} trp.verify refused), so no key was agreed with the OS");
        int stolen = mitm.StolenKeys.Count;
        if (stolen == 0)
            return new(spec, AttackVerdict.Held, $"mitm: the OS replaced {mitm.PublicKeysReplaced} public key(s), but no exchange completed with keys it knows");
        if (reader.Found is { } found)
            return new(spec, AttackVerdict.Succeeded, $"mitm: the OS holds the keys of {stolen} exchange(s) and decrypted the secret {SecretText} out of DRAM ({found})");
        return new(spec, AttackVerdict.Succeeded, $"mitm: the OS replaced {mitm.PublicKeysReplaced} public key(s) and holds the keys of {stolen} exchange(s): the exchange is not authenticated" +
            (_secret is null ? "" : $" (the secret {SecretText} was not in the regions it could read)"));
    }

    private AttackOutcome JudgeRemap(AttackSpec spec, RemapAdversary remap, OutputWatch output)
    {
        string who = spec.Into ?? "Cloak's spy";
        if (remap.PagesMapped == 0)
            return new(spec, AttackVerdict.NotStruck, $"remap: {spec.Victim} had no resident pages to map when {who} ran");
        string what = $"remap: the OS mapped {remap.PagesMapped} frame(s) of {spec.Victim} into {who}";
        if (_secret is null) return new(spec, AttackVerdict.Unjudged, $"{what}; it printed: {output.FirstLine ?? "(nothing)"}; give --secret TEXT to judge");
        return output.Text.Contains(Encoding.UTF8.GetString(_secret), StringComparison.Ordinal)
            ? new(spec, AttackVerdict.Succeeded, $"{what}, which printed the secret {SecretText}")
            : new(spec, AttackVerdict.Held, $"{what}; it read only ciphertext (its output never held {SecretText})");
    }

    private static string Deaths(OsRunOutcome outcome, Func<ProcessOutcome, bool> which) =>
        string.Join("; ", outcome.Processes.Where(which).Select(p => $"{p.Name} {p.Pid}: {p.KillReason}"));

    private static bool IntegrityFault(ProcessOutcome p) => p.End == ProcessEnd.Fault && p.FatalTrap?.Cause == Isa.TrapCause.IntegrityFault;

    private static AttackOutcome JudgeTamper(AttackSpec spec, MemoryTamper tamper, OsRunOutcome outcome)
    {
        if (tamper.Struck is not { } struck)
            return new(spec, AttackVerdict.NotStruck, $"tamper: never struck ({spec.Victim} {tamper.Trigger} did not happen, or the target {tamper.Target} was never resident)");
        string what = $"tamper: the OS flipped a bit of {struck.Victim.Name} {struck.Victim.Pid}'s memory at 0x{struck.VirtualAddress:x} {tamper.Trigger}";
        if (outcome.Processes.Any(IntegrityFault))
            return new(spec, AttackVerdict.Detected, $"{what}. Detected: {Deaths(outcome, IntegrityFault)}");
        return outcome.Processes.Any(p => p.End != ProcessEnd.Exited || p.ExitCode != 0)
            ? new(spec, AttackVerdict.Succeeded, $"{what}. Not detected by the chip; the programs failed on the changed data: {Deaths(outcome, p => p.End != ProcessEnd.Exited || p.ExitCode != 0)}")
            : new(spec, AttackVerdict.Succeeded, $"{what}. Not detected: every process ended normally (confidentiality mode does not check integrity; --auth does)");
    }

    private static AttackOutcome JudgeReplay(AttackSpec spec, MemoryReplay replay, OsRunOutcome outcome)
    {
        if (replay.Restored is not { } restored)
            return new(spec, AttackVerdict.NotStruck, $"replay: {(replay.Captured ? "captured the page but never put it back" : "never captured the page")} ({spec.Victim}@{replay.Target})");
        string what = $"replay: the OS put {restored.Victim.Name} {restored.Victim.Pid}'s old page at 0x{restored.VirtualAddress:x} back";
        if (outcome.Processes.Any(IntegrityFault))
            return new(spec, AttackVerdict.Detected, $"{what}. Detected: {Deaths(outcome, IntegrityFault)}");
        return new(spec, AttackVerdict.Succeeded, $"{what}. Not detected{(outcome.Processes.All(p => p.End == ProcessEnd.Exited && p.ExitCode == 0) ? ": every process ended normally" : "")} (confidentiality mode cannot tell old ciphertext from new; --auth can)");
    }

    private static AttackOutcome JudgeContext(AttackSpec spec, ContextTamper tamper, OsRunOutcome outcome)
    {
        if (tamper.VictimPid is not { } pid)
            return new(spec, AttackVerdict.NotStruck, $"context: {spec.Victim} never ran protected often enough to be attacked");
        var victim = outcome.Processes.FirstOrDefault(p => p.Pid == pid);
        return victim is { End: ProcessEnd.ContextRefused }
            ? new(spec, AttackVerdict.Detected, $"context: the OS flipped a bit of {spec.Victim} {pid}'s sealed context; the chip refused to resume it ({victim.Refusal?.ToString().ToLowerInvariant()})")
            : new(spec, AttackVerdict.Succeeded, $"context: the OS flipped a bit of {spec.Victim} {pid}'s sealed context and the chip resumed it (this should never happen)");
    }

    /// <summary>Tries the keys a mitm stole on the regions announced, while the processes still map them.</summary>
    private sealed class StolenReader(KeyExchangeMitm mitm, byte[]? secret) : Adversary
    {
        public override string Name => "mitm reader";

        public string? Found { get; private set; }

        public override void OnChannelMessage(ChannelMessageEvent e) => Probe();
        public override void OnContextSwitch(ContextSwitchEvent e) => Probe();

        private void Probe()
        {
            if (Found is not null || secret is null) return;
            var candidates = mitm.StolenKeys.SelectMany(s => mitm.Announcements.TryGetValue(s.Key, out var a)
                    ? new[] { (a.Segment, a.RegionId, s.Value.InitiatorKey) } : [])
                .Concat(mitm.LearnedKeys.Values.Select(k => (k.Segment, k.RegionId, k.Key)));
            foreach (var (segment, regionId, key) in candidates)
                foreach (var process in Powers.Processes.Where(p => p.State is not (ProcessState.Zombie or ProcessState.Reaped)))
                    if (mitm.ReadRegion(process, segment, regionId, key, 4096) is { } plaintext && plaintext.AsSpan().IndexOf(secret) >= 0)
                    {
                        Found = $"segment {segment} as {process.Name} {process.Pid} maps it";
                        return;
                    }
        }
    }

    /// <summary>Collects what one process writes to its console (as the OS sees its write calls).</summary>
    private sealed class OutputWatch(string name) : Adversary
    {
        private readonly StringBuilder _text = new();

        public override string Name => "output watch";

        public string Text => _text.ToString();
        public string? FirstLine => _text.Length == 0 ? null : Text.Split('\n')[0];

        public override void OnSyscall(SyscallEvent e)
        {
            if (e.Process.Name != name || e.Number != (ulong)Kernel.Abi.Syscall.Write || e.Arguments[2] is 0 or > 65536) return;
            var buffer = new byte[e.Arguments[2]];
            if (Powers.ReadUserMemory(e.Process, e.Arguments[1], buffer)) _text.Append(Encoding.UTF8.GetString(buffer));
        }
    }
}
