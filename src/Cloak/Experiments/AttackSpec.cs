using Cloak.Attacks;

namespace Cloak.Experiments;

/// <summary>The attacks <c>cloak run --attack</c> and run files can aim at any run.</summary>
public enum AttackKind { Snoop, Mitm, Remap, Tamper, Replay, Context }

/// <summary>
/// One attack on a run, as written on the command line (docs/cli.md, "Attacks on any run"):
/// <code>
/// snoop                                   watch DRAM, swap, messages and the bus (judged against --secret)
/// mitm                                    man in the middle of libcloak's key exchanges
/// remap:VICTIM[@AREA][,into=PROCESS]      map VICTIM's frames into a spy (Cloak's own, or PROCESS)
/// tamper:VICTIM@TARGET[,at=TRIGGER]       flip a bit of VICTIM's memory in DRAM
/// replay:VICTIM@TARGET[,capture=TRIGGER][,restore=TRIGGER]
/// context:VICTIM[,at=switch:N]            flip a bit of VICTIM's sealed saved context
/// </code>
/// TARGET is an address (0x...) or an area (shared, heap, stack, data) with an optional +OFFSET;
/// TRIGGER is a protocol step (text a note's topic or text contains, e.g. "claim 8(c)" or
/// step:TEXT), instructions:N (of the victim) or switch:N (the victim's Nth time on the hart).
/// </summary>
public sealed record AttackSpec(AttackKind Kind)
{
    public string? Victim { get; init; }
    public MemoryTarget? Target { get; init; }
    public Trigger? At { get; init; }
    public Trigger? Capture { get; init; }
    public Trigger? Restore { get; init; }
    /// <summary>remap: the process the victim's frames are mapped into (null: Cloak's own spy).</summary>
    public string? Into { get; init; }

    /// <summary>The text it was parsed from, for messages.</summary>
    public string Text { get; init; } = Kind.ToString().ToLowerInvariant();

    /// <summary>Parses one <c>--attack</c> value; a <see cref="FormatException"/> says what is wrong with it.</summary>
    public static AttackSpec Parse(string text)
    {
        string t = text.Trim();
        int colon = t.IndexOf(':', StringComparison.Ordinal);
        string name = colon < 0 ? t : t[..colon];
        if (!Enum.TryParse<AttackKind>(name, ignoreCase: true, out var kind) || int.TryParse(name, out _))
            throw new FormatException($"'{name}' is not an attack; choose from snoop, mitm, remap, tamper, replay, context");
        var spec = new AttackSpec(kind) { Text = t };
        if (colon < 0)
        {
            return kind is AttackKind.Tamper or AttackKind.Replay or AttackKind.Context
                ? throw new FormatException($"{name} needs a victim: {Usage(kind)}")
                : spec;
        }
        if (kind is AttackKind.Snoop or AttackKind.Mitm) throw new FormatException($"{name} takes no options");

        string[] parts = t[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries);
        string head = parts[0];
        int at = head.IndexOf('@', StringComparison.Ordinal);
        spec = spec with { Victim = (at < 0 ? head : head[..at]).Trim() };
        if (spec.Victim.Length == 0) throw new FormatException($"{name}: the victim process is missing: {Usage(kind)}");
        if (at >= 0)
        {
            if (kind == AttackKind.Context) throw new FormatException($"context takes no target address: {Usage(kind)}");
            spec = spec with { Target = MemoryTarget.Parse(head[(at + 1)..]) };
        }
        foreach (string option in parts.Skip(1))
        {
            int eq = option.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0) throw new FormatException($"{name}: '{option}' should be KEY=VALUE: {Usage(kind)}");
            string key = option[..eq].Trim().ToLowerInvariant(), value = option[(eq + 1)..].Trim();
            spec = (kind, key) switch
            {
                (AttackKind.Tamper or AttackKind.Context, "at") => spec with { At = Trigger.Parse(value) },
                (AttackKind.Replay, "capture") => spec with { Capture = Trigger.Parse(value) },
                (AttackKind.Replay, "restore") => spec with { Restore = Trigger.Parse(value) },
                (AttackKind.Remap, "into") => spec with { Into = value },
                _ => throw new FormatException($"{name} has no option '{key}': {Usage(kind)}"),
            };
        }
        if (kind is AttackKind.Tamper or AttackKind.Replay && spec.Target is null)
            throw new FormatException($"{name} needs a target: {Usage(kind)}");
        return spec;
    }

    public static string Usage(AttackKind kind) => kind switch
    {
        AttackKind.Remap => "remap:VICTIM[@AREA][,into=PROCESS]",
        AttackKind.Tamper => "tamper:VICTIM@ADDRESS|AREA[+OFFSET][,at=TRIGGER]",
        AttackKind.Replay => "replay:VICTIM@ADDRESS|AREA[+OFFSET][,capture=TRIGGER][,restore=TRIGGER]",
        AttackKind.Context => "context:VICTIM[,at=switch:N]",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
