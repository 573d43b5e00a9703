using Cloak.BareMetal;
using Cloak.Elf;

namespace Cloak.Tests.Support;

/// <summary>A finished in-process run: how it ended and what the guest wrote.</summary>
internal sealed record GuestRun(RunOutcome Outcome, byte[] Stdout, byte[] Stderr, BareMetalMachine Machine)
{
    public string StdoutText => System.Text.Encoding.UTF8.GetString(Stdout);
    public string StderrText => System.Text.Encoding.UTF8.GetString(Stderr);

    /// <summary>One line for assertion messages.</summary>
    public string Describe() =>
        $"{Outcome.End} (exit code {Outcome.ExitCode}, {Outcome.InstructionsRetired} instructions){(Outcome.Message is null ? "" : ": " + Outcome.Message)}";
}

/// <summary>Runs guest programs in-process on a <see cref="BareMetalMachine"/> with memory streams as the console.</summary>
internal static class GuestRunner
{
    /// <summary>Generous enough for every guest program (the largest example retires about 112 M instructions).</summary>
    public const long DefaultInstructionLimit = 1_000_000_000;

    public static GuestRun RunFile(string elfPath, long maxInstructions = DefaultInstructionLimit, MachineOptions? options = null) =>
        Run(ElfImage.Load(elfPath), maxInstructions, options);

    /// <summary>
    /// Runs <paramref name="image"/> with fresh memory streams for stdout and stderr (replacing any in
    /// <paramref name="options"/>); <paramref name="sharedConsole"/> sends both to one stream, as QEMU's
    /// semihosting console does.
    /// </summary>
    public static GuestRun Run(ElfImage image, long maxInstructions = DefaultInstructionLimit, MachineOptions? options = null, bool sharedConsole = false)
    {
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        var machine = new BareMetalMachine((options ?? new MachineOptions()) with
        {
            Stdout = stdout,
            Stderr = sharedConsole ? stdout : stderr,
        });
        machine.Load(image);
        var outcome = machine.Run(maxInstructions);
        return new GuestRun(outcome, stdout.ToArray(), stderr.ToArray(), machine);
    }
}
