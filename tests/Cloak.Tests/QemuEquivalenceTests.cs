using Cloak.BareMetal;
using Cloak.Elf;
using Cloak.Isa;
using Cloak.Tests.Support;

namespace Cloak.Tests;

/// <summary>
/// Cloak must reproduce the reference machine: for every C test program and every example, the
/// console bytes and the exit code under qemu-system-riscv64 -M virt (semihosting console captured
/// through a file chardev, as guest/Makefile's check target does) equal Cloak's. The fault programs
/// are left out: QEMU loops forever on a trap with mtvec = 0.
/// </summary>
public class QemuEquivalenceTests
{
    public static TheoryData<string> Programs() => GuestPrograms.Rows(
    [
        .. GuestPrograms.CTests.Select(n => $"tests/c/{n}"),
        .. GuestPrograms.Examples.Select(n => $"examples/{n}"),
    ]);

    [Theory]
    [MemberData(nameof(Programs))]
    public async Task Cloak_prints_the_same_console_bytes_and_exits_with_the_same_code_as_QEMU(string program)
    {
        string elf = GuestPrograms.Elf($"{program}.elf");

        // One stream for stdout and stderr: QEMU's semihosting console is one stream too. Cloak runs
        // while QEMU does.
        var cloakRun = Task.Run(() => GuestRunner.Run(ElfImage.Load(elf), sharedConsole: true));
        var qemu = await Qemu.RunAsync(elf);
        var cloak = await cloakRun;

        Assert.True(cloak.Outcome.End == RunEnd.Exited, $"{program}: {cloak.Describe()}");
        Assert.Equal(Latin1(qemu.Console), Latin1(cloak.Stdout));
        Assert.True(cloak.Outcome.ExitCode == qemu.ExitCode, $"{program}: Cloak exited with {cloak.Outcome.ExitCode}, QEMU with {qemu.ExitCode}");
    }

    private static string Latin1(byte[] bytes) => System.Text.Encoding.Latin1.GetString(bytes);

    /// <summary>
    /// A program written in the test: prints "Hi!\n" on the UART at 0x1000_0000, then writes
    /// <paramref name="finisherValue"/> to the SiFive test finisher at 0x10_0000.
    /// </summary>
    [Theory]
    [InlineData(0x5555)]                  // pass
    [InlineData(0x3333 | 5 << 16)]        // fail with code 5
    [InlineData(0x3333 | 255 << 16)]      // fail with code 255
    public async Task The_UART_and_the_test_finisher_behave_as_on_QEMU(int finisherValue)
    {
        using var temp = new TempDirectory();
        string elf = temp.Write("uart.elf", UartProgram(finisherValue));

        var qemu = await Qemu.RunAsync(elf, captureSerial: true);
        var cloak = GuestRunner.Run(ElfImage.Load(elf), maxInstructions: 10_000);

        Assert.Equal(RunEnd.Exited, cloak.Outcome.End);
        Assert.Equal("Hi!\n", Latin1(qemu.Serial));
        Assert.Equal(Latin1(qemu.Serial), Latin1(cloak.Stdout));
        Assert.Equal(qemu.ExitCode, cloak.Outcome.ExitCode);
    }

    /// <summary>
    /// QEMU's ELF loader (include/hw/elf_ops.h) starts a program whose executable segment has
    /// p_vaddr != p_paddr at the physical copy of the entry point (e_entry - p_vaddr + p_paddr).
    /// </summary>
    [Fact]
    public async Task An_entry_point_in_a_segment_linked_at_another_virtual_address_starts_at_its_physical_copy_as_on_QEMU()
    {
        byte[] code = UartCode(0x3333 | 5 << 16);
        var builder = new ElfBuilder { Entry = 0x4000_0000 };
        builder.Segments.Add(new ProgramHeader(ElfBuilder.PtLoad, ElfBuilder.PfR | ElfBuilder.PfX, 0x4000_0000, 0x8000_0000, code, (ulong)code.Length));
        using var temp = new TempDirectory();
        string elf = temp.Write("split.elf", builder.Build());

        var qemu = await Qemu.RunAsync(elf, captureSerial: true);
        var cloak = GuestRunner.Run(ElfImage.Load(elf), maxInstructions: 10_000);

        Assert.Equal(5, qemu.ExitCode);
        Assert.True(cloak.Outcome.End == RunEnd.Exited, cloak.Describe());
        Assert.Equal(qemu.ExitCode, cloak.Outcome.ExitCode);
        Assert.Equal(Latin1(qemu.Serial), Latin1(cloak.Stdout));
    }

    /// <summary>
    /// QEMU's ELF loader maps a PT_LOAD segment whatever its p_flags (the upstream riscv-test-env
    /// links its tests into one segment with p_flags = 0): Cloak loads and runs it the same way.
    /// </summary>
    [Fact]
    public async Task A_program_whose_only_segment_has_no_flags_runs_as_on_QEMU()
    {
        var builder = new ElfBuilder().Load(0x8000_0000, UartCode(0x3333 | 6 << 16), 0);
        using var temp = new TempDirectory();
        string elf = temp.Write("noflags.elf", builder.Build());

        var qemu = await Qemu.RunAsync(elf, captureSerial: true);
        var cloak = GuestRunner.Run(ElfImage.Load(elf), maxInstructions: 10_000);

        Assert.Equal(6, qemu.ExitCode);
        Assert.True(cloak.Outcome.End == RunEnd.Exited, cloak.Describe());
        Assert.Equal(qemu.ExitCode, cloak.Outcome.ExitCode);
        Assert.Equal(Latin1(qemu.Serial), Latin1(cloak.Stdout));
    }

    public static TheoryData<string> IsaPrograms() => GuestPrograms.Rows(GuestPrograms.IsaPrograms);

    /// <summary>
    /// The ISA conformance programs report through HTIF, which QEMU's spike machine has: each must end
    /// the same way on both (0 = every case passed; the programs accept both where QEMU 7.2 departs
    /// from the spec, and say so).
    /// </summary>
    [Theory]
    [MemberData(nameof(IsaPrograms))]
    public async Task A_conformance_program_ends_with_the_same_status_on_QEMU_and_on_Cloak(string name)
    {
        string elf = GuestPrograms.IsaElf(name);

        var cloakRun = Task.Run(() => GuestRunner.RunFile(elf, 50_000_000));
        int qemu = await Qemu.RunSpikeAsync(elf);
        var cloak = await cloakRun;

        Assert.True(cloak.Outcome.End == RunEnd.Exited, $"{name}: {cloak.Describe()}");
        Assert.Equal(0, qemu);
        Assert.Equal(qemu, cloak.Outcome.ExitCode);
    }

    private static byte[] UartProgram(int finisherValue) =>
        new ElfBuilder().Load(0x8000_0000, UartCode(finisherValue), ElfBuilder.PfR | ElfBuilder.PfX).Build();

    private static byte[] UartCode(int finisherValue)
    {
        var code = new GuestCode(0x8000_0000).Li(Reg.T0, (long)MemoryMap.UartBase);
        foreach (char c in "Hi!\n") code.Li(Reg.T1, c).Emit("sb t1,0(t0)");
        return code.Li(Reg.T0, (long)MemoryMap.TestFinisherBase).Li(Reg.T1, finisherValue).Emit("sw t1,0(t0)").Spin().ToArray();
    }
}
