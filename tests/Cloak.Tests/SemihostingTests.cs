using System.Text;
using Cloak.BareMetal;
using Cloak.Tests.Support;

namespace Cloak.Tests;

/// <summary>
/// RISC-V semihosting as Cloak serves it, with tiny programs assembled in the test: each call's a0
/// lands in a result slot the test reads after the run. Expected values are QEMU 7.2's
/// (SemihostingVsQemuTests runs the same kind of programs on QEMU).
/// </summary>
public class SemihostingTests
{
    [Theory]
    [InlineData(0, "stdin")]
    [InlineData(1, "stdin")]
    [InlineData(2, "stdin")]
    [InlineData(3, "stdin")]
    [InlineData(4, "stdout")]
    [InlineData(5, "stdout")]
    [InlineData(6, "stdout")]
    [InlineData(7, "stdout")]
    [InlineData(8, "stderr")]
    [InlineData(9, "stderr")]
    [InlineData(10, "stderr")]
    [InlineData(11, "stderr")]
    public void Opening_tt_maps_read_modes_to_stdin_write_modes_to_stdout_and_append_modes_to_stderr(ulong mode, string stream)
    {
        var p = new GuestProgram();
        int handle = p.OpenFile(":tt", mode);
        ulong write = p.Words(0, p.String("written"), 7);
        p.CopyResult(handle, write);
        int wrote = p.Semihosting(Semihost.Write, write);
        ulong read = p.Words(0, p.Reserve(8), 4);
        p.CopyResult(handle, read);
        int readResult = p.Semihosting(Semihost.Read, read);
        p.ExitWithSemihosting(0);

        var run = p.Run(new MachineOptions { Stdin = new MemoryStream("typed"u8.ToArray()) });

        Assert.True(run.Outcome.End == RunEnd.Exited, run.Describe());
        Assert.Equal(1UL, GuestProgram.Result(run, handle));
        Assert.Equal(stream == "stdout" ? "written" : "", run.StdoutText);
        Assert.Equal(stream == "stderr" ? "written" : "", run.StderrText);
        // SYS_WRITE and SYS_READ return the number of bytes NOT transferred.
        Assert.Equal(stream == "stdin" ? 7UL : 0UL, GuestProgram.Result(run, wrote));
        Assert.Equal(stream == "stdin" ? 0UL : 4UL, GuestProgram.Result(run, readResult));
        Assert.Equal(stream == "stdin" ? "type" : "", Encoding.ASCII.GetString(run.Machine.Dram.Read(ReadBuffer(run, read), 4)).TrimEnd('\0'));
    }

    [Fact]
    public void The_semihosting_features_file_reads_back_SHFB_and_the_feature_byte_3()
    {
        var p = new GuestProgram();
        int handle = p.OpenFile(":semihosting-features", Semihost.ModeRead);
        ulong flen = p.Words(0);
        p.CopyResult(handle, flen);
        int length = p.Semihosting(Semihost.Flen, flen);
        ulong buffer = p.Reserve(8);
        ulong read = p.Words(0, buffer, 8);
        p.CopyResult(handle, read);
        int notRead = p.Semihosting(Semihost.Read, read);
        ulong close = p.Words(0);
        p.CopyResult(handle, close);
        int closed = p.Semihosting(Semihost.Close, close);
        p.ExitWithSemihosting(0);

        var run = p.Run();

        Assert.True(run.Outcome.End == RunEnd.Exited, run.Describe());
        Assert.Equal(5UL, GuestProgram.Result(run, length));
        Assert.Equal(3UL, GuestProgram.Result(run, notRead)); // 8 asked, 5 there
        Assert.Equal("SHFB\x03\0\0\0"u8.ToArray(), run.Machine.Dram.Read(buffer, 8).ToArray());
        Assert.Equal(0UL, GuestProgram.Result(run, closed));
    }

    [Fact]
    public void The_semihosting_features_file_cannot_be_opened_for_writing()
    {
        var p = new GuestProgram();
        int opened = p.OpenFile(":semihosting-features", Semihost.ModeWrite);
        int errno = p.Semihosting(Semihost.Errno);
        p.ExitWithSemihosting(0);

        var run = p.Run();

        Assert.Equal(ulong.MaxValue, GuestProgram.Result(run, opened));
        Assert.Equal(Semihost.Eacces, GuestProgram.Result(run, errno));
    }

    [Fact]
    public void SYS_WRITE_returns_0_when_everything_was_written_and_the_length_when_nothing_was()
    {
        var p = new GuestProgram();
        int stdout = p.OpenFile(":tt", Semihost.ModeWrite);
        int stdin = p.OpenFile(":tt", Semihost.ModeRead);
        ulong good = p.Words(0, p.String("hello"), 5);
        p.CopyResult(stdout, good);
        int allWritten = p.Semihosting(Semihost.Write, good);
        ulong readOnly = p.Words(0, p.String("hello"), 5);
        p.CopyResult(stdin, readOnly);
        int noneWritten = p.Semihosting(Semihost.Write, readOnly);
        ulong badBuffer = p.Words(0, 0x10, 6); // address 0x10 is not memory
        p.CopyResult(stdout, badBuffer);
        int unreadable = p.Semihosting(Semihost.Write, badBuffer);
        p.ExitWithSemihosting(0);

        var run = p.Run();

        Assert.Equal("hello", run.StdoutText);
        Assert.Equal(0UL, GuestProgram.Result(run, allWritten));
        Assert.Equal(5UL, GuestProgram.Result(run, noneWritten));
        Assert.Equal(6UL, GuestProgram.Result(run, unreadable));
    }

    [Fact]
    public void SYS_WRITE_and_SYS_READ_on_a_handle_that_is_not_open_transfer_nothing_and_say_so()
    {
        var p = new GuestProgram();
        int wrote = p.Semihosting(Semihost.Write, p.Words(99, p.String("abc"), 3));
        int read = p.Semihosting(Semihost.Read, p.Words(99, p.Reserve(8), 4));
        int errno = p.Semihosting(Semihost.Errno);
        p.ExitWithSemihosting(0);

        var run = p.Run();

        Assert.Equal(3UL, GuestProgram.Result(run, wrote));
        Assert.Equal(4UL, GuestProgram.Result(run, read));
        Assert.Equal(0UL, GuestProgram.Result(run, errno));
    }

    [Fact]
    public void SYS_WRITE0_prints_a_string_up_to_its_NUL_and_SYS_WRITEC_one_character()
    {
        var p = new GuestProgram();
        p.Semihosting(Semihost.Write0, p.String("zero-terminated\n"));
        p.Semihosting(Semihost.WriteC, p.String("Z"));
        p.Semihosting(Semihost.WriteC, p.String("\n"));
        p.ExitWithSemihosting(0);

        var run = p.Run();

        Assert.True(run.Outcome.End == RunEnd.Exited, run.Describe());
        Assert.Equal("zero-terminated\nZ\n", run.StdoutText);
        Assert.Equal("", run.StderrText);
    }

    [Fact]
    public void SYS_WRITEC_and_SYS_WRITE0_leave_0xdeadbeef_in_a0_as_QEMU_does()
    {
        var p = new GuestProgram();
        int afterWritec = p.Semihosting(Semihost.WriteC, p.String("c"));
        int afterWrite0 = p.Semihosting(Semihost.Write0, p.String("0"));
        p.ExitWithSemihosting(0);

        var run = p.Run();

        Assert.Equal(0xdeadbeefUL, GuestProgram.Result(run, afterWritec));
        Assert.Equal(0xdeadbeefUL, GuestProgram.Result(run, afterWrite0));
    }

    [Theory]
    [InlineData(Semihost.Exit, Semihost.ApplicationExit, 0, 0)]
    [InlineData(Semihost.Exit, Semihost.ApplicationExit, 42, 42)]
    [InlineData(Semihost.Exit, Semihost.ApplicationExit, 255, 255)]
    [InlineData(Semihost.Exit, Semihost.RunTimeErrorUnknown, 7, 1)]
    [InlineData(Semihost.Exit, 0x20024UL, 0, 1)]                  // ADP_Stopped_InternalError
    [InlineData(Semihost.ExitExtended, Semihost.ApplicationExit, 0, 0)]
    [InlineData(Semihost.ExitExtended, Semihost.ApplicationExit, 9, 9)]
    [InlineData(Semihost.ExitExtended, Semihost.RunTimeErrorUnknown, 9, 1)]
    public void An_exit_passes_the_subcode_only_for_an_application_exit(ulong operation, ulong reason, ulong subcode, int expected)
    {
        var p = new GuestProgram();
        p.Code.Li(Isa.Reg.A0, (long)operation);
        p.Code.La(Isa.Reg.A1, p.Words(reason, subcode));
        p.Code.SemihostingCall();
        p.Code.Spin();

        var run = p.Run();

        Assert.True(run.Outcome.End == RunEnd.Exited, run.Describe());
        Assert.Equal(expected, run.Outcome.ExitCode);
    }

    [Fact]
    public void SYS_ERRNO_reports_the_error_of_the_last_failed_call()
    {
        var p = new GuestProgram();
        int initially = p.Semihosting(Semihost.Errno);
        int closed = p.Semihosting(Semihost.Close, p.Words(99));
        int afterClose = p.Semihosting(Semihost.Errno);
        int opened = p.OpenFile(":tt", 12); // modes stop at 11
        int afterOpen = p.Semihosting(Semihost.Errno);
        int isError = p.Semihosting(Semihost.IsError, p.Words(ulong.MaxValue));
        p.ExitWithSemihosting(0);

        var run = p.Run();

        Assert.Equal(0UL, GuestProgram.Result(run, initially));
        Assert.Equal(ulong.MaxValue, GuestProgram.Result(run, closed));
        Assert.Equal(Semihost.Ebadf, GuestProgram.Result(run, afterClose));
        Assert.Equal(ulong.MaxValue, GuestProgram.Result(run, opened));
        Assert.Equal(Semihost.Einval, GuestProgram.Result(run, afterOpen));
        Assert.Equal(1UL, GuestProgram.Result(run, isError));
    }

    [Fact]
    public void Host_files_are_refused_when_no_host_file_root_is_given()
    {
        using var temp = new TempDirectory();
        string file = temp.Write("data.txt", "secret"u8.ToArray());
        var p = new GuestProgram();
        int relative = p.OpenFile("data.txt", Semihost.ModeRead);
        int relativeErrno = p.Semihosting(Semihost.Errno);
        int absolute = p.OpenFile(file, Semihost.ModeRead);
        int created = p.OpenFile(Path.Combine(temp.Path, "created.txt"), Semihost.ModeWrite);
        p.ExitWithSemihosting(0);

        var run = p.Run();

        Assert.True(run.Outcome.End == RunEnd.Exited, run.Describe());
        Assert.Equal(ulong.MaxValue, GuestProgram.Result(run, relative));
        Assert.Equal(Semihost.Eacces, GuestProgram.Result(run, relativeErrno));
        Assert.Equal(ulong.MaxValue, GuestProgram.Result(run, absolute));
        Assert.Equal(ulong.MaxValue, GuestProgram.Result(run, created));
        Assert.False(File.Exists(temp.File("created.txt")));
    }

    [Fact]
    public void Host_files_under_the_host_file_root_can_be_read_and_written()
    {
        using var temp = new TempDirectory();
        temp.Write("data.txt", "from the host"u8.ToArray());
        var p = new GuestProgram();
        int input = p.OpenFile("data.txt", Semihost.ModeRead);
        ulong flen = p.Words(0);
        p.CopyResult(input, flen);
        int length = p.Semihosting(Semihost.Flen, flen);
        ulong buffer = p.Reserve(16);
        ulong read = p.Words(0, buffer, 13);
        p.CopyResult(input, read);
        int notRead = p.Semihosting(Semihost.Read, read);
        int output = p.OpenFile("out.txt", Semihost.ModeWrite);
        ulong write = p.Words(0, p.String("from the guest"), 14);
        p.CopyResult(output, write);
        int notWritten = p.Semihosting(Semihost.Write, write);
        ulong close = p.Words(0);
        p.CopyResult(output, close);
        int closed = p.Semihosting(Semihost.Close, close);
        int missing = p.OpenFile("missing.txt", Semihost.ModeRead);
        int missingErrno = p.Semihosting(Semihost.Errno);
        p.ExitWithSemihosting(0);

        var run = p.Run(new MachineOptions { HostFileRoot = temp.Path });

        Assert.True(run.Outcome.End == RunEnd.Exited, run.Describe());
        Assert.NotEqual(ulong.MaxValue, GuestProgram.Result(run, input));
        Assert.Equal(13UL, GuestProgram.Result(run, length));
        Assert.Equal(0UL, GuestProgram.Result(run, notRead));
        Assert.Equal("from the host", Encoding.ASCII.GetString(run.Machine.Dram.Read(buffer, 13)));
        Assert.Equal(0UL, GuestProgram.Result(run, notWritten));
        Assert.Equal(0UL, GuestProgram.Result(run, closed));
        Assert.Equal("from the guest", File.ReadAllText(temp.File("out.txt")));
        Assert.Equal(ulong.MaxValue, GuestProgram.Result(run, missing));
        Assert.Equal(Semihost.Enoent, GuestProgram.Result(run, missingErrno));
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("inner/../../escape.txt")]
    [InlineData("/etc/hostname")]
    public void A_host_path_that_leaves_the_host_file_root_is_refused(string path)
    {
        using var outer = new TempDirectory();
        string root = Path.Combine(outer.Path, "root");
        Directory.CreateDirectory(Path.Combine(root, "inner"));
        outer.Write("escape.txt", "outside"u8.ToArray());
        var p = new GuestProgram();
        int read = p.OpenFile(path, Semihost.ModeRead);
        int errno = p.Semihosting(Semihost.Errno);
        int write = p.OpenFile(path, Semihost.ModeWrite);
        p.ExitWithSemihosting(0);

        var run = p.Run(new MachineOptions { HostFileRoot = root });

        Assert.True(run.Outcome.End == RunEnd.Exited, run.Describe());
        Assert.Equal(ulong.MaxValue, GuestProgram.Result(run, read));
        Assert.Equal(Semihost.Eacces, GuestProgram.Result(run, errno));
        Assert.Equal(ulong.MaxValue, GuestProgram.Result(run, write));
        Assert.Equal("outside", File.ReadAllText(outer.File("escape.txt")));
    }

    [Theory]
    [InlineData(0x99UL)]
    [InlineData(0x17UL)]   // SYS_ENTERSVC, not served
    [InlineData(0x100UL)]
    public void An_unsupported_call_ends_the_run_with_a_host_error_naming_it(ulong operation)
    {
        var p = new GuestProgram();
        p.Semihosting(operation, 0);
        p.ExitWithSemihosting(0);

        var run = p.Run();

        Assert.Equal(RunEnd.HostError, run.Outcome.End);
        Assert.Contains($"0x{operation:x2}", run.Outcome.Message, StringComparison.Ordinal);
    }

    /// <summary>The buffer address in a SYS_READ block.</summary>
    private static ulong ReadBuffer(GuestRun run, ulong block) => run.Machine.Dram.ReadUInt64(block + 8);
}
