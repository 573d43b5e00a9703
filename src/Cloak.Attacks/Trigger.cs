using System.Globalization;
using Cloak.Kernel;
using Cloak.Kernel.Adversaries;

namespace Cloak.Attacks;

/// <summary>
/// When an attack strikes, in terms an OS can observe: a protocol step a guest announced (a note
/// whose topic or text contains <see cref="Step"/>), an instruction count of the victim, or its Nth
/// time on the hart. Written <c>step:TEXT</c>, <c>instructions:N</c> or <c>switch:N</c>; plain text
/// without a prefix means a step.
/// </summary>
public sealed record Trigger
{
    public string? Step { get; init; }
    public ulong? Instructions { get; init; }
    public int? Switch { get; init; }

    public static Trigger AtSwitch(int n) => new() { Switch = n };

    public static Trigger Parse(string text)
    {
        string t = text.Trim();
        if (t.StartsWith("step:", StringComparison.OrdinalIgnoreCase)) return Steps(t[5..]);
        if (t.StartsWith("instructions:", StringComparison.OrdinalIgnoreCase))
            return ulong.TryParse(t[13..].Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out ulong n)
                ? new Trigger { Instructions = n }
                : throw new FormatException($"'{text}': instructions:N needs a whole number");
        if (t.StartsWith("switch:", StringComparison.OrdinalIgnoreCase))
            return int.TryParse(t[7..], NumberStyles.None, CultureInfo.InvariantCulture, out int s) && s > 0
                ? new Trigger { Switch = s }
                : throw new FormatException($"'{text}': switch:N needs a number from 1");
        return Steps(t);

        static Trigger Steps(string step) => step.Trim().Length > 0 ? new Trigger { Step = step.Trim() } : throw new FormatException("an empty step");
    }

    public override string ToString() =>
        Step is not null ? $"at step \"{Step}\"" : Instructions is { } n ? $"after {n:N0} instructions of the victim" : $"at the victim's run {Switch}";
}

/// <summary>Watches the kernel's events for a <see cref="Trigger"/> concerning one victim process.</summary>
internal sealed class TriggerWatch(Trigger trigger, string victim)
{
    private int _switches;

    public bool Fired { get; private set; }

    /// <summary>The victim's process once the trigger fired.</summary>
    public Process? Victim { get; private set; }

    public bool OnNote(GuestNoteEvent e, AdversaryPowers powers)
    {
        if (Fired || trigger.Step is not { } step) return false;
        if (!e.Topic.Contains(step, StringComparison.OrdinalIgnoreCase) && !e.Text.Contains(step, StringComparison.OrdinalIgnoreCase)) return false;
        return Fire(e.Process.Name == victim ? e.Process : powers.Find(victim));
    }

    public bool OnSwitch(ContextSwitchEvent e)
    {
        if (Fired || e.To.Name != victim || trigger.Switch is not { } n || ++_switches < n) return false;
        return Fire(e.To);
    }

    public bool OnSlice(RunSliceEvent e)
    {
        if (Fired || e.Process.Name != victim || trigger.Instructions is not { } n || e.Process.Statistics.Instructions < n) return false;
        return Fire(e.Process);
    }

    private bool Fire(Process? process)
    {
        if (process is null || process.State is ProcessState.Zombie or ProcessState.Reaped) return false;
        Fired = true;
        Victim = process;
        return true;
    }
}
