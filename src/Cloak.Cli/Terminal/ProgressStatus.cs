using System.Diagnostics;
using System.Globalization;
using Cloak.Chip;
using Cloak.Observation;

namespace Cloak.Cli.Terminal;

/// <summary>The text of the progress line: instructions, MIPS, simulated time, processes alive, the protocol step reached.</summary>
internal sealed class ProgressStatus
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Reads the machine's counters from the timer thread (plain reads of 64-bit values: at worst a frame is slightly stale).</summary>
    public string Describe(Processor processor, RunRecorder? recorder, string? prefix = null)
    {
        var c = CultureInfo.InvariantCulture;
        ulong instructions = processor.Hart.InstructionsRetired;
        double seconds = _clock.Elapsed.TotalSeconds;
        double simulatedMs = processor.Hart.Cycles * 1000.0 / processor.ClockHz;
        var text = new System.Text.StringBuilder("cloak: ");
        if (prefix is not null) text.Append(prefix).Append(", ");
        text.Append(c, $"{instructions / 1e6:F1} M instructions, {(seconds > 0 ? instructions / seconds / 1e6 : 0):F0} MIPS, {simulatedMs:F3} ms simulated");
        if (recorder is not null && recorder.Statistics.Mode == "os") text.Append(c, $", {recorder.Alive} process(es) alive");
        if (recorder?.LastStep is { } step) text.Append(", step: ").Append(step);
        return text.ToString();
    }
}
