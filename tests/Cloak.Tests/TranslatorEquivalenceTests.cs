using Cloak.Chip.Cpu;
using Cloak.Tests.Support;

namespace Cloak.Tests;

/// <summary>
/// The interpreter is the reference for the block translator (issue 11, item 1): every guest program
/// the repository builds (examples, C tests, the fault programs, the ISA conformance programs; the
/// QEMU-equivalence programs are among them) runs both ways and must end the same way, print the same
/// bytes, retire the same number of instructions in the same simulated cycles and leave the same
/// registers. The translating run uses a threshold of 1 so that nearly every block is translated, not
/// only the hot ones, and it must actually have run translated code.
/// </summary>
public class TranslatorEquivalenceTests
{
    public static TheoryData<string> Programs() => GuestPrograms.Rows(GuestPrograms.AllElfs);

    [Theory]
    [MemberData(nameof(Programs))]
    public void A_program_runs_the_same_translated_as_interpreted(string program)
    {
        string elf = GuestPrograms.Elf($"{program}.elf");
        var interpreted = Run(elf, new HartOptions { Engine = ExecutionEngine.Interpret });
        var translated = Run(elf, new HartOptions { Engine = ExecutionEngine.Translate, TranslationThreshold = 1 });

        Assert.Equal(0UL, interpreted.Machine.Hart.TranslatedInstructions);
        Assert.True(translated.Machine.Hart.TranslatedInstructions > 0, $"{program}: no instruction ran translated");
        Assert.Equal(interpreted.Outcome.End, translated.Outcome.End);
        Assert.Equal(interpreted.Outcome.ExitCode, translated.Outcome.ExitCode);
        Assert.Equal(interpreted.Outcome.Fault, translated.Outcome.Fault);
        Assert.Equal(interpreted.Outcome.FaultPc, translated.Outcome.FaultPc);
        Assert.Equal(interpreted.Outcome.InstructionsRetired, translated.Outcome.InstructionsRetired);
        Assert.Equal(interpreted.Outcome.Cycles, translated.Outcome.Cycles);
        Assert.Equal(interpreted.Stdout, translated.Stdout);
        Assert.Equal(interpreted.Stderr, translated.Stderr);
        for (int r = 1; r < 32; r++)
            Assert.True(interpreted.Machine.Hart.GetRegister(r) == translated.Machine.Hart.GetRegister(r), $"{program}: x{r} differs");
        Assert.Equal(interpreted.Machine.Hart.Pc, translated.Machine.Hart.Pc);
    }

    private static GuestRun Run(string elf, HartOptions hart) =>
        GuestRunner.RunFile(elf, options: new MachineOptions { Hart = hart });
}
