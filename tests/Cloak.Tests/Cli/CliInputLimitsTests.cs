using System.Diagnostics;
using Cloak.Tests.Support;

namespace Cloak.Tests.Cli;

/// <summary>
/// Issue 8: inputs that are not regular files, or are larger than Cloak reads, used to abort with
/// "Out of memory" after seconds (/dev/zero, /dev/urandom, a 3 GiB sparse file) or block for ever (a
/// FIFO with no writer). Each is now refused before it is opened, in one line, with exit code 65.
/// </summary>
public sealed class CliInputLimitsTests
{
    private static async Task RefusedQuickly(string expected, params string[] arguments)
    {
        var clock = Stopwatch.StartNew();
        var result = await CliRunner.RunAsync(TimeSpan.FromSeconds(30), arguments);

        CliAssert.ExitCode(65, result);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.StderrLines);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/urandom")]
    public async Task A_device_given_as_a_program_is_refused(string device) =>
        await RefusedQuickly($"{device}: empty, or not a regular file", "run", device);

    [Fact]
    public async Task A_device_given_to_disasm_is_refused() =>
        await RefusedQuickly("/dev/zero: empty, or not a regular file", "disasm", "/dev/zero");

    [Fact]
    public async Task A_FIFO_with_no_writer_is_refused_without_blocking()
    {
        using var folder = new TempDirectory();
        string fifo = folder.File("pipe");
        var made = await ExternalProcess.RunAsync("mkfifo", [fifo], TimeSpan.FromSeconds(10));
        Assert.Equal(0, made.ExitCode);

        await RefusedQuickly("pipe: empty, or not a regular file", "run", fifo);
    }

    [Fact]
    public async Task A_sparse_file_of_3_GiB_is_refused_by_its_size_before_it_is_read()
    {
        using var folder = new TempDirectory();
        string big = folder.File("big.elf");
        using (var stream = File.Create(big)) stream.SetLength(3L << 30);

        await RefusedQuickly("bytes, more than the 268,435,456 Cloak reads from such a file", "run", big);
    }

    [Fact]
    public async Task A_device_given_as_the_chip_key_is_refused_naming_it()
    {
        await RefusedQuickly("the chip key /dev/urandom: empty, or not a regular file", "run", "--chip", "/dev/urandom", GuestPrograms.Elf("user/hello.elf"));
    }

    [Fact]
    public async Task A_device_given_as_the_chip_public_key_for_sealing_is_refused()
    {
        await RefusedQuickly("the chip public key /dev/zero: empty, or not a regular file", "seal", GuestPrograms.Elf("user/hello.elf"), "--chip", "/dev/zero", "-o", "/dev/null");
    }
}
