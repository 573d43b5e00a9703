using System.Buffers.Binary;
using System.Globalization;
using Cloak.Chip;
using Cloak.Chip.Cpu;
using Cloak.Chip.Security;
using Cloak.Isa;
using Cloak.Security.Tests.Support;

namespace Cloak.Security.Tests;

/// <summary>
/// SPEC 2.4: the TRP instructions' results and faults. guest/tests/secure/trp_paths checks every
/// status a protected program can get (one line per check); guest/tests/secure/trp_outside makes each
/// instruction trap: in plain mode (a TRP mode fault, cause 26, tval 0) and, sealed, with an operand in
/// plain memory (a TRP fault whose tval is the first byte outside protected memory). The hart is also
/// driven directly, to see the architectural trap values themselves.
/// </summary>
public class TrpInstructionTests
{
    private static readonly string[] TrpPathsChecks =
    [
        "mode", "enter-again", "random", "bad-descriptor-random-length", "hidden", "random-into-hidden",
        "bad-region-unaligned", "bad-region-empty", "private", "overlap", "overlap-hidden", "no-such-region-inside", "earclear",
        "no-such-region-cleared", "ear-full", "ear-full-cleared", "ear-room-again",
        "bad-descriptor-kind", "bad-descriptor-permissions", "bad-descriptor-permission-bits", "bad-region-earset", "earset",
        "earset-readback", "earset-overlap", "earset-clear", "cleared-region-is-ciphertext", "earset-again-decrypts",
        "keypair", "keypair-second", "bad-descriptor-algorithm", "agree", "bad-descriptor-key-length", "bad-descriptor-key-length-long",
        "bad-descriptor-info-length", "bad-key", "sign", "verify", "bad-signature-message", "bad-signature-key", "bad-signature-bits",
        "bad-descriptor-sign-length", "bad-descriptor-verify-length",
    ];

    private static ProcessRun RunOne(string program, bool sealed_, MemoryProtectionMode mode = MemoryProtectionMode.Confidentiality,
        params string[] arguments)
    {
        var scenario = new Scenario(new ScenarioOptions { Mode = mode });
        if (sealed_) scenario.AddSealed(program);
        else scenario.AddPlain(program);
        scenario.Start(program, arguments);
        return scenario.Run()[program];
    }

    // SPEC 2.4: the TRP instructions and their status codes.
    [Theory]
    [InlineData(MemoryProtectionMode.Confidentiality)]
    [InlineData(MemoryProtectionMode.Authenticated)]
    public void Every_TRP_status_a_protected_program_can_get_comes_back_as_documented(MemoryProtectionMode mode)
    {
        var run = RunOne("trp_paths", sealed_: true, mode);

        string[] expected = [.. TrpPathsChecks.Select(c => $"{c}: ok"), "trp_paths: 0 failures"];
        Assert.Equal(expected, run.Output.TrimEnd('\n').Split('\n'));
        Assert.True(run is { ExitCode: 0, Killed: false }, run.ToString());
    }

    // SPEC 2.3-2.4: execution mode per process, plain here.
    [Fact]
    public void Trp_mode_reads_zero_in_a_plain_process()
    {
        Assert.Equal("trp_paths: not protected (mode 0)\n", RunOne("trp_paths", sealed_: false).Output);
        Assert.Equal("returned 0\n", RunOne("trp_outside", sealed_: false, arguments: "plain-mode").Output);
    }

    // SPEC 2.4: entering encrypted mode from a bad image fails with a status.
    [Fact]
    public void Trp_enter_from_a_plain_process_on_a_bad_image_returns_bad_image_without_trapping()
    {
        var run = RunOne("trp_outside", sealed_: false, arguments: "plain-enter");

        Assert.Equal($"returned {(int)TrpStatus.BadImage}\n", run.Output);
        Assert.Equal(0, run.ExitCode);
    }

    // SPEC 2.4: any of these in plain mode faults.
    [Theory]
    [InlineData("hidden")]
    [InlineData("private")]
    [InlineData("earset")]
    [InlineData("earclear")]
    [InlineData("random")]
    [InlineData("keypair")]
    [InlineData("agree")]
    [InlineData("sign")]
    [InlineData("verify")]
    public void A_TRP_instruction_in_a_plain_process_is_a_TRP_fault_with_tval_zero(string op)
    {
        var run = RunOne("trp_outside", sealed_: false, arguments: $"plain-{op}");

        Assert.True(run.Killed, run.ToString());
        Assert.Equal("operand at 0x0\n", run.Output);
        Assert.StartsWith("TRP instruction outside encrypted execution mode at pc 0x", run.KillReason, StringComparison.Ordinal);
        Assert.EndsWith(", address 0x0", run.KillReason, StringComparison.Ordinal);
        Assert.Equal(128 + 4, run.ExitCode);
    }

    // Issue 8: an operand at address 0 was reported as "TRP instruction outside encrypted execution mode".
    [Fact]
    public void A_TRP_operand_at_address_0_from_a_sealed_process_is_an_operand_fault_not_a_mode_fault()
    {
        var run = RunOne("trp_outside", sealed_: true, arguments: "outside-null");

        Assert.True(run.Killed, run.ToString());
        Assert.Equal("TRP operand outside protected memory at a protected pc (hidden), address 0x0", run.KillReason);
        Assert.Equal(128 + 4, run.ExitCode);
    }

    // SPEC 2.4: any of these with operands outside the caller's protected memory faults.
    [Theory]
    [InlineData("random")]
    [InlineData("straddle")]
    [InlineData("earset")]
    [InlineData("keypair")]
    [InlineData("keypair-public")]
    [InlineData("agree")]
    [InlineData("agree-key")]
    [InlineData("sign")]
    [InlineData("sign-message")]
    [InlineData("verify")]
    [InlineData("verify-signature")]
    public void A_TRP_operand_outside_protected_memory_is_a_TRP_fault_naming_its_address(string operand)
    {
        var run = RunOne("trp_outside", sealed_: true, arguments: $"outside-{operand}");

        Assert.True(run.Killed, run.ToString());
        Assert.StartsWith("operand at 0x", run.Output, StringComparison.Ordinal);
        ulong address = ulong.Parse(run.Output.Split('\n')[0]["operand at 0x".Length..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.NotEqual(0UL, address);
        Assert.Equal($"TRP operand outside protected memory at a protected pc (hidden), address 0x{address:x}", run.KillReason);
        Assert.Equal(128 + 4, run.ExitCode);
        Assert.DoesNotContain("returned", run.Output, StringComparison.Ordinal);
    }

    // ---- the hart itself ----------------------------------------------------------------------------

    public static TheoryData<Op> OperandOps => [Op.TrpHidden, Op.TrpPrivate, Op.TrpEarSet, Op.TrpEarClear, Op.TrpRandom, Op.TrpKeyPair, Op.TrpAgree, Op.TrpSign, Op.TrpVerify];

    private static (Processor Processor, RunResult Result) Execute(Op op, bool tamperResistant)
    {
        var processor = new Processor(new ChipOptions
        {
            RamSize = 1 << 20,
            Identity = tamperResistant ? ChipIdentity.Generate() : null,
            Hart = new HartOptions { HostHandlesTraps = true },
        });
        var info = OpcodeTable.ByOp(op);
        uint bits = info.Format == Format.R
            ? Encoder.Encode(op, rd: (int)Reg.A0, rs1: (int)Reg.A1, rs2: (int)Reg.A2)
            : Encoder.Encode(op, rd: (int)Reg.A0, rs1: (int)Reg.A1);
        var code = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(code, bits);
        processor.Dram.Write(ChipOptions.DefaultRamBase, code);
        var hart = processor.Hart;
        hart.Pc = ChipOptions.DefaultRamBase;
        hart.SetRegister(Reg.A0, 0x1234);
        hart.SetRegister(Reg.A1, ChipOptions.DefaultRamBase + 0x1_0000);
        hart.SetRegister(Reg.A2, 64);
        return (processor, hart.Run(1));
    }

    // SPEC 2.4: plain mode faults (the architectural trap: cause 26, tval 0).
    [Theory]
    [MemberData(nameof(OperandOps))]
    public void On_the_hart_a_TRP_instruction_outside_encrypted_mode_traps_with_cause_26_and_tval_0(Op op)
    {
        var (processor, result) = Execute(op, tamperResistant: true);

        Assert.Equal(StopReason.Trap, result.Reason);
        Assert.Equal(new Trap(TrapCause.TrpModeFault, 0), processor.Hart.LastTrap);
        Assert.Equal(26UL, (ulong)processor.Hart.LastTrap!.Value.Cause);
        Assert.Equal(ChipOptions.DefaultRamBase, processor.Hart.Mepc);
        Assert.Equal(0x1234UL, processor.Hart.GetRegister(Reg.A0));
    }

    // SPEC 2.1 R1: a chip without the TRP extension traps on it as an illegal instruction.
    [Theory]
    [MemberData(nameof(OperandOps))]
    public void On_a_chip_without_the_protection_unit_a_TRP_instruction_is_illegal(Op op)
    {
        var (processor, result) = Execute(op, tamperResistant: false);

        Assert.Equal(StopReason.Trap, result.Reason);
        Assert.Equal(TrapCause.IllegalInstruction, processor.Hart.LastTrap!.Value.Cause);
    }

    // SPEC 2.3: execution mode per process (trp.mode works in plain mode).
    [Fact]
    public void On_the_hart_trp_mode_reads_zero_outside_encrypted_mode_without_trapping()
    {
        var (processor, result) = Execute(Op.TrpMode, tamperResistant: true);

        Assert.Equal(StopReason.InstructionLimit, result.Reason);
        Assert.Equal(0UL, processor.Hart.GetRegister(Reg.A0));
        Assert.Equal(ChipOptions.DefaultRamBase + 4, processor.Hart.Pc);
    }
}
