namespace Cloak.Tests.Support;

/// <summary>What the reference machine left behind: its semihosting console, its UART and its exit status.</summary>
internal sealed record QemuRun(byte[] Console, byte[] Serial, int ExitCode);

/// <summary>
/// The reference machine: qemu-system-riscv64 -M virt with semihosting, its console captured through
/// a file chardev exactly as guest/Makefile's <c>check</c> target does, so QEMU's own messages stay apart.
/// </summary>
internal static class Qemu
{
    public const string Program = "qemu-system-riscv64";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Runs <paramref name="elfPath"/>; QEMU's exit status is the guest's exit code. With
    /// <paramref name="captureSerial"/> the UART goes to a file too (QEMU's monitor then stays on stdio).
    /// </summary>
    public static async Task<QemuRun> RunAsync(string elfPath, bool captureSerial = false)
    {
        string? qemu = ExternalProcess.FindOnPath(Program);
        if (qemu is null)
            Assert.Fail($"{Program} is not on PATH: install it with `apt-get install -y qemu-system-misc` (CI installs it); the QEMU equivalence tests need it");
        using var temp = new TempDirectory();
        string console = temp.File("console.txt"), serial = temp.File("serial.txt");
        var result = await ExternalProcess.RunAsync(qemu,
        [
            "-M", "virt", "-nographic", "-bios", "none",
            "-chardev", $"file,id=console,path={console}",
            "-semihosting-config", "enable=on,target=native,chardev=console",
            .. captureSerial ? new[] { "-serial", $"file:{serial}" } : [],
            "-kernel", elfPath,
        ], Timeout).ConfigureAwait(false);
        return new QemuRun(await ReadIfExists(console).ConfigureAwait(false), await ReadIfExists(serial).ConfigureAwait(false), result.ExitCode);
    }

    /// <summary>
    /// Runs <paramref name="elfPath"/> on QEMU's spike machine, whose HTIF ends the run when the program
    /// writes tohost (as guest/tests/isa/Makefile's check-qemu does); returns the exit status (0 = pass).
    /// </summary>
    public static async Task<int> RunSpikeAsync(string elfPath)
    {
        string? qemu = ExternalProcess.FindOnPath(Program);
        if (qemu is null)
            Assert.Fail($"{Program} is not on PATH: install it with `apt-get install -y qemu-system-misc` (CI installs it); the QEMU equivalence tests need it");
        var result = await ExternalProcess.RunAsync(qemu, ["-M", "spike", "-nographic", "-bios", "none", "-kernel", elfPath], Timeout).ConfigureAwait(false);
        return result.ExitCode;
    }

    private static async Task<byte[]> ReadIfExists(string path) =>
        File.Exists(path) ? await File.ReadAllBytesAsync(path).ConfigureAwait(false) : [];
}
