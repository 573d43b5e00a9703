using System.Buffers.Binary;
using System.Diagnostics;
using Cloak.BareMetal;
using Cloak.Elf;
using Cloak.Isa;
using Cloak.Tests.Cli;
using Cloak.Tests.Support;

namespace Cloak.Tests;

/// <summary>
/// A bare-metal trap storm (issue 8: a handler that faults itself retires nothing, so a limit that
/// counted only retired instructions never ended the run; the hart fuzz target found it again,
/// fuzz/corpora/hart/crash-trap-storm-handler-overwritten): <c>--max-instructions</c> bounds traps too.
/// </summary>
public sealed class TrapStormTests
{
    /// <summary>mtvec points at an illegal instruction; an ecall enters it, and every trap traps again.</summary>
    private static byte[] StormElf()
    {
        uint[] code =
        [
            Encoder.Encode(Op.Auipc, (int)Reg.T0, imm: 0),
            Encoder.Encode(Op.Addi, (int)Reg.T0, (int)Reg.T0, imm: 16),
            Encoder.Encode(Op.Csrrw, 0, (int)Reg.T0, imm: CsrAddress.Mtvec),
            Encoder.Encode(Op.Ecall),
            0, // the "handler": an illegal instruction
        ];
        var bytes = new byte[code.Length * 4];
        for (int i = 0; i < code.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4 * i), code[i]);
        return new ElfBuilder().Load(0x8000_0000, bytes, ElfBuilder.PfR | ElfBuilder.PfX).Build();
    }

    [Fact]
    public void A_trap_storm_ends_at_the_instruction_limit_in_under_a_second()
    {
        var machine = new BareMetalMachine(new MachineOptions { RamSize = 1 << 20 });
        machine.Load(ElfImage.Parse(StormElf()));
        var clock = Stopwatch.StartNew();

        var outcome = machine.Run(maxInstructions: 1000);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"the storm ran for {clock.Elapsed}");
        Assert.Equal(RunEnd.InstructionLimit, outcome.End);
        Assert.True(outcome.InstructionsRetired < 10, $"{outcome.InstructionsRetired} instructions retired");
        Assert.Contains("trap storm", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cloak_run_stops_a_trap_storm_with_exit_code_124_and_says_why()
    {
        using var folder = new TempDirectory();
        string storm = folder.Write("storm.elf", StormElf());

        var result = await CliRunner.RunAsync("run", "--max-instructions", "1000", storm);

        CliAssert.ExitCode(124, result);
        CliAssert.OneErrorLine(result, "1000 traps", "trap storm");
    }
}
