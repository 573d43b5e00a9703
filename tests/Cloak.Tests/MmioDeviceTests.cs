using Cloak.BareMetal;
using Cloak.Isa;
using Cloak.Tests.Support;

namespace Cloak.Tests;

/// <summary>
/// The devices of QEMU's virt board that bare-metal programs use without semihosting: the 16550 UART
/// at 0x1000_0000 and SiFive's test finisher at 0x10_0000.
/// </summary>
public class MmioDeviceTests
{
    [Fact]
    public void Bytes_stored_to_the_UART_transmit_register_reach_stdout()
    {
        byte[] text = [.. "UART "u8, 0xE9, 0x00, (byte)'\n']; // high and NUL bytes too: the UART is byte-transparent
        var p = new GuestProgram();
        p.Code.Li(Reg.T0, (long)MemoryMap.UartBase);
        foreach (byte b in text)
            p.Code.Li(Reg.T1, b).Emit("sb t1,0(t0)");
        p.Code.Emit("lbu a0,5(t0)");
        int lineStatus = p.StoreResult(Reg.A0);
        p.ExitWithSemihosting(0);

        var run = p.Run();

        Assert.True(run.Outcome.End == RunEnd.Exited, run.Describe());
        Assert.Equal(text, run.Stdout);
        Assert.Equal(0x60UL, GuestProgram.Result(run, lineStatus)); // transmitter empty, no data ready
    }

    [Fact]
    public void The_UART_receives_stdin_with_data_ready_in_the_line_status_register()
    {
        var p = new GuestProgram();
        p.Code.Li(Reg.T0, (long)MemoryMap.UartBase);
        p.Code.Emit("lbu a0,5(t0)");
        int statusBefore = p.StoreResult(Reg.A0);
        p.Code.Emit("lbu a0,0(t0)");
        int first = p.StoreResult(Reg.A0);
        p.Code.Emit("lbu a0,0(t0)");
        int second = p.StoreResult(Reg.A0);
        p.Code.Emit("lbu a0,5(t0)");
        int statusAfter = p.StoreResult(Reg.A0);
        p.ExitWithSemihosting(0);

        var run = p.Run(new MachineOptions { Stdin = new MemoryStream("ok"u8.ToArray()) });

        Assert.True(run.Outcome.End == RunEnd.Exited, run.Describe());
        Assert.Equal(0x61UL, GuestProgram.Result(run, statusBefore));
        Assert.Equal((ulong)'o', GuestProgram.Result(run, first));
        Assert.Equal((ulong)'k', GuestProgram.Result(run, second));
        Assert.Equal(0x60UL, GuestProgram.Result(run, statusAfter));
    }

    [Theory]
    [InlineData(0x5555, 0)]                  // FINISHER_PASS
    [InlineData(0x3333 | 1 << 16, 1)]        // FINISHER_FAIL, code 1
    [InlineData(0x3333 | 3 << 16, 3)]
    [InlineData(0x3333 | 0x1234 << 16, 0x1234)]
    public void A_test_finisher_write_stops_the_run_with_its_code(int value, int code)
    {
        var p = new GuestProgram();
        p.Code.Li(Reg.T0, (long)MemoryMap.TestFinisherBase);
        p.Code.Li(Reg.T1, value);
        p.Code.Emit("sw t1,0(t0)");
        p.Code.Li(Reg.A0, 1);
        int after = p.StoreResult(Reg.A0); // must not run
        p.ExitWithSemihosting(99);

        var run = p.Run();

        Assert.True(run.Outcome.End == RunEnd.Exited, run.Describe());
        Assert.Equal(code, run.Outcome.ExitCode);
        Assert.Equal(0UL, GuestProgram.Result(run, after));
    }

    [Fact]
    public void Other_values_written_to_the_test_finisher_do_not_stop_the_run()
    {
        var p = new GuestProgram();
        p.Code.Li(Reg.T0, (long)MemoryMap.TestFinisherBase);
        p.Code.Li(Reg.T1, 0x1234);
        p.Code.Emit("sw t1,0(t0)");
        p.ExitWithSemihosting(7);

        var run = p.Run();

        Assert.True(run.Outcome.End == RunEnd.Exited, run.Describe());
        Assert.Equal(7, run.Outcome.ExitCode);
    }
}
