using Cloak.BareMetal;
using Cloak.Isa;
using Cloak.Tests.Support;

namespace Cloak.Tests;

/// <summary>
/// Spike's host-target interface through the <c>tohost</c>/<c>fromhost</c> symbols of a program
/// written in the test: exit with <c>(code &lt;&lt; 1) | 1</c>, the console device (1, command 1) and the
/// syscall-block form (write = 64, exit = 93).
/// </summary>
public class HtifTests
{
    private const ulong ToHost = GuestProgram.DataBase + 0x800, FromHost = ToHost + 0x40;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(255)]
    public void Writing_code_shifted_left_with_bit_0_set_to_tohost_exits_with_code(int code)
    {
        var p = Program();
        p.Code.Li(Reg.T0, (code << 1) | 1);
        p.Code.La(Reg.T1, ToHost);
        p.Code.Emit("sd t0,0(t1)");
        int after = p.StoreResult(Reg.T0); // must not run: the write stops the machine
        p.Code.Spin();

        var run = p.Run();

        Assert.True(run.Outcome.End == RunEnd.Exited, run.Describe());
        Assert.Equal(code, run.Outcome.ExitCode);
        Assert.Equal(0UL, GuestProgram.Result(run, after));
    }

    [Fact]
    public void A_program_without_a_tohost_symbol_does_not_exit_through_it()
    {
        var p = new GuestProgram();
        p.Code.Li(Reg.T0, 1);
        p.Code.La(Reg.T1, ToHost);
        p.Code.Emit("sd t0,0(t1)");
        p.ExitWithSemihosting(3);

        var run = p.Run();

        Assert.True(run.Outcome.End == RunEnd.Exited, run.Describe());
        Assert.Equal(3, run.Outcome.ExitCode);
    }

    [Fact]
    public void Device_1_command_1_prints_the_low_byte_and_acknowledges_through_fromhost()
    {
        var p = Program();
        p.Code.La(Reg.T1, ToHost);
        p.Code.La(Reg.T2, FromHost);
        foreach (char c in "HTIF\n")
        {
            p.Code.Li(Reg.T0, 0x101).Emit("slli t0,t0,0x30").Emit($"addi t0,t0,{(int)c}"); // device 1, command 1, payload c
            p.Code.Emit("sd t0,0(t1)");
        }
        p.Code.Emit("ld a0,0(t1)");
        int tohost = p.StoreResult(Reg.A0);
        p.Code.Emit("ld a0,0(t2)");
        int fromhost = p.StoreResult(Reg.A0);
        p.Code.Li(Reg.T0, 1).Emit("sd t0,0(t1)");

        var run = p.Run();

        Assert.True(run.Outcome.End == RunEnd.Exited, run.Describe());
        Assert.Equal(0, run.Outcome.ExitCode);
        Assert.Equal("HTIF\n", run.StdoutText);
        Assert.Equal(0UL, GuestProgram.Result(run, tohost));                        // consumed
        Assert.Equal(0x0101_0000_0000_0000UL, GuestProgram.Result(run, fromhost));  // device and command echoed
    }

    [Fact]
    public void The_syscall_block_form_writes_to_stdout_and_stderr_and_exits()
    {
        var p = Program();
        ulong stdoutBlock = p.Words(64, 1, p.String("to stdout\n"), 10, 0, 0, 0, 0);
        ulong stderrBlock = p.Words(64, 2, p.String("to stderr\n"), 10, 0, 0, 0, 0);
        ulong exitBlock = p.Words(93, 5, 0, 0, 0, 0, 0, 0);
        p.Code.La(Reg.T1, ToHost);
        p.Code.La(Reg.T2, FromHost);
        p.Code.La(Reg.T0, stdoutBlock).Emit("sd t0,0(t1)");
        p.Code.Emit("ld a0,0(t2)");
        int acknowledged = p.StoreResult(Reg.A0);
        p.Code.La(Reg.T0, stderrBlock).Emit("sd t0,0(t1)");
        p.Code.La(Reg.T0, exitBlock).Emit("sd t0,0(t1)");
        p.Code.Spin();

        var run = p.Run();

        Assert.True(run.Outcome.End == RunEnd.Exited, run.Describe());
        Assert.Equal(5, run.Outcome.ExitCode);
        Assert.Equal("to stdout\n", run.StdoutText);
        Assert.Equal("to stderr\n", run.StderrText);
        Assert.Equal(10UL, run.Machine.Dram.ReadUInt64(stdoutBlock)); // the call's result replaces the number
        Assert.Equal(1UL, GuestProgram.Result(run, acknowledged));
    }

    /// <summary>A program exporting tohost and fromhost in its data segment.</summary>
    private static GuestProgram Program()
    {
        var p = new GuestProgram();
        p.Symbols.Add(("tohost", ToHost));
        p.Symbols.Add(("fromhost", FromHost));
        return p;
    }
}
