using Cloak.Tests.Cli;
using Cloak.Tests.Support;

namespace Cloak.Tests.Debugging;

/// <summary>
/// gdb-multiarch against <c>cloak run --gdb</c> (issue 12): break at main, step, print a variable,
/// continue to the exit, on a bare-metal program and a user process; and what it sees of the same
/// program sealed (only what the OS sees) and sealed as debuggable (everything).
/// The debuggee (guest/tests/user/debuggee.c) keeps the canary "&lt;debug-canary-07&gt;" in .data,
/// sets counter to 42 on its first two lines and exits 7.
/// </summary>
public sealed class GdbTests : IClassFixture<GdbTests.SealedDebuggee>
{
    private const string Canary = "<debug-canary-07>";
    private static string BareElf => GuestPrograms.Elf("tests/bare/debuggee.elf");
    private static string UserElf => GuestPrograms.Elf("tests/user/debuggee.elf");

    /// <summary>A chip key and the debuggee sealed for it twice: plain and --debuggable (in its own folder, same program name).</summary>
    public sealed class SealedDebuggee : IDisposable
    {
        private readonly TempDirectory _folder = new();

        public string Path => _folder.Path;

        public SealedDebuggee()
        {
            Run("keygen");
            Run("seal", UserElf, "-o", "debuggee.sealed");
            Directory.CreateDirectory(System.IO.Path.Combine(Path, "debuggable"));
            Run("seal", "--debuggable", UserElf, "-o", "debuggable/debuggee.sealed");
        }

        private void Run(params string[] arguments) => CliAssert.ExitCode(0, CliRunner.RunInAsync(Path, arguments).GetAwaiter().GetResult());

        public void Dispose() => _folder.Dispose();
    }

    private readonly SealedDebuggee _sealed;

    public GdbTests(SealedDebuggee sealedDebuggee) => _sealed = sealedDebuggee;

    private static readonly string[] BreakStepPrintContinue =
        ["info threads", "break main", "continue", "next", "next", "print counter", "print secret", "info registers pc", "continue"];

    [GdbFact]
    public async Task Gdb_breaks_at_main_steps_prints_and_sees_the_exit_code_of_a_bare_metal_program()
    {
        var outcome = await GdbSession.RunAsync(Repository.Root, BareElf, [BareElf], BreakStepPrintContinue);
        Assert.Contains("Breakpoint 1, main () at tests/user/debuggee.c", outcome.Gdb);
        Assert.Contains("$1 = 42", outcome.Gdb);
        Assert.Contains($"$2 = \"{Canary}\"", outcome.Gdb);
        Assert.Contains("bare-metal hart 0", outcome.Gdb);
        Assert.Contains("exited with code 07", outcome.Gdb);
        Assert.Equal(7, outcome.CloakExitCode);
        Assert.Contains("debuggee: counter 42", outcome.CloakStdout);
    }

    [GdbFact]
    public async Task Gdb_breaks_at_main_steps_prints_and_sees_the_exit_code_of_a_user_process()
    {
        var outcome = await GdbSession.RunAsync(Repository.Root, UserElf, [UserElf], BreakStepPrintContinue);
        Assert.Contains("Thread 1 (pid 1 debuggee)", outcome.Gdb);
        Assert.Contains("Breakpoint 1, main () at tests/user/debuggee.c", outcome.Gdb);
        Assert.Contains("$1 = 42", outcome.Gdb);
        Assert.Contains($"$2 = \"{Canary}\"", outcome.Gdb);
        Assert.Contains("exited with code 07", outcome.Gdb);
        Assert.Equal(7, outcome.CloakExitCode);
    }

    [GdbFact]
    public async Task A_sealed_process_shows_gdb_no_plaintext_and_refuses_a_breakpoint_in_its_code()
    {
        var outcome = await GdbSession.RunAsync(_sealed.Path, UserElf, ["debuggee.sealed"],
            "print secret", "x/32xb &secret", "break main", "continue", "print counter");
        Assert.DoesNotContain("debug-canary", outcome.Gdb);
        Assert.Contains("Cannot insert breakpoint 1", outcome.Gdb);
        Assert.DoesNotContain("Breakpoint 1, main", outcome.Gdb);
        // counter's bytes in DRAM are ciphertext: gdb prints some number, which must not be 42 itself
        // (a random one can start with "42": the whole value is matched).
        Assert.DoesNotMatch(@"\$2 = 42(?!\d)", outcome.Gdb);
        Assert.DoesNotContain("is debuggable", outcome.CloakStderr);
        // gdb gave up and detached: the process ran on undebugged and exited as usual.
        Assert.Equal(7, outcome.CloakExitCode);
    }

    [GdbFact]
    public async Task A_process_sealed_as_debuggable_shows_gdb_its_plaintext_and_the_run_says_so()
    {
        var outcome = await GdbSession.RunAsync(_sealed.Path, UserElf, ["--chip", "chip.key", "debuggable/debuggee.sealed"],
            "break main", "continue", "next", "next", "print counter", "print secret", "continue");
        Assert.Contains("Breakpoint 1, main () at tests/user/debuggee.c", outcome.Gdb);
        Assert.Contains("$1 = 42", outcome.Gdb);
        Assert.Contains($"$2 = \"{Canary}\"", outcome.Gdb);
        Assert.Contains("exited with code 07", outcome.Gdb);
        Assert.Contains("process 1 (debuggee) is debuggable", outcome.CloakStderr);
    }
}
