using Cloak.Debugging;
using Cloak.Elf;
using Cloak.Sealing;
using Cloak.Tests.Cli;
using Cloak.Tests.Support;

namespace Cloak.Tests.Debugging;

/// <summary>
/// The stub's answers about a process stopped inside its protected context (after <c>trp.enter</c>),
/// checked packet by packet with no gdb binary (docs/debugging.md, "What gdb sees of a protected
/// process"). The program is guest/tests/user/canary.c with a million rounds: it plants a computed
/// 16-byte pattern in .data (canary_data), prints "planted" from main (which runs only after the
/// loader's trp.enter) and then runs for a long time. Each test lets it run until "planted" is on
/// cloak's stdout, stops it with Ctrl-C, and looks. The plain run of the same ELF is the contrast that
/// shows the checks can fail.
/// </summary>
public sealed class ProtectedContextProtocolTests : IClassFixture<ProtectedContextProtocolTests.SealedCanary>
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromSeconds(120);
    private static string CanaryElf => GuestPrograms.Elf("tests/user/canary.elf");

    /// <summary>A chip key and canary.elf sealed for it (not debuggable).</summary>
    public sealed class SealedCanary : IDisposable
    {
        private readonly TempDirectory _folder = new();

        public string Path => _folder.Path;

        public SealedImage Image { get; }

        public SealedCanary()
        {
            CliAssert.ExitCode(0, CliRunner.RunInAsync(Path, "keygen").GetAwaiter().GetResult());
            CliAssert.ExitCode(0, CliRunner.RunInAsync(Path, "seal", CanaryElf, "-o", "canary.sealed").GetAwaiter().GetResult());
            Image = SealedImage.Load(System.IO.Path.Combine(Path, "canary.sealed"));
        }

        public void Dispose() => _folder.Dispose();
    }

    private readonly SealedCanary _sealed;

    public ProtectedContextProtocolTests(SealedCanary sealedCanary) => _sealed = sealedCanary;

    /// <summary>canary.c's pattern in .data: byte i = (i * 0x3B + 0x5A) ^ 0xA7 (canary 0).</summary>
    private static byte[] DataCanary => [.. Enumerable.Range(0, 16).Select(i => (byte)((i * 0x3B + 0x5A) ^ 0xA7))];

    private const int RegisterHexDigits = 33 * 16;   // x0-x31 and pc, 8 bytes each

    /// <summary>Runs the program until main has printed "planted", then stops it with Ctrl-C; returns the stop reply.</summary>
    private static async Task<string> StopAfterPlantedAsync(RawGdbClient gdb)
    {
        Assert.StartsWith("T05thread:1;", await gdb.AskAsync("?"), StringComparison.Ordinal);
        await gdb.SendAsync("c");
        await gdb.WaitForOutputAsync("planted");
        await gdb.InterruptAsync();
        return await gdb.ReceiveAsync();
    }

    [Fact]
    public async Task Stopped_in_its_protected_context_a_sealed_process_shows_no_registers_refuses_steps_and_breakpoints_and_reads_as_ciphertext()
    {
        var elf = ElfImage.Load(CanaryElf);
        ulong canaryData = elf.Symbol("canary_data") ?? throw new InvalidOperationException("canary.elf has no canary_data");
        ulong main = elf.Symbol("main") ?? throw new InvalidOperationException("canary.elf has no main");
        Assert.Contains(_sealed.Image.Regions, r => r.Start <= canaryData && canaryData + 16 <= r.End);

        await using var gdb = await RawGdbClient.StartAsync(_sealed.Path, Watchdog, "canary.sealed", "--", "1000000");
        // Before trp.enter the process runs Cloak's plain loader stub: the OS (so gdb) sees its registers.
        string beforeEnter = await gdb.AskAsync("g");
        Assert.DoesNotContain('x', beforeEnter[..RegisterHexDigits]);

        string stop = await StopAfterPlantedAsync(gdb);
        Assert.StartsWith("T02thread:1;", stop, StringComparison.Ordinal);   // SIGINT, thread of pid 1

        Assert.Equal(new string('x', RegisterHexDigits), (await gdb.AskAsync("g"))[..RegisterHexDigits]);
        Assert.Equal(new string('x', 16), await gdb.AskAsync("p20"));   // pc
        Assert.Equal(new string('x', 16), await gdb.AskAsync("p2"));    // sp

        Assert.Equal("E01", await gdb.AskAsync("s"));
        Assert.Equal("E01", await gdb.AskAsync("vCont;s:1;c"));
        Assert.Equal("E01", await gdb.AskAsync($"Z0,{main:x},2"));
        Assert.Equal("E01", await gdb.AskAsync($"Z1,{main:x},2"));

        byte[] canary = DataCanary;
        foreach (var region in _sealed.Image.Regions)
        {
            byte[] seen = await gdb.ReadMemoryAsync(region.Start, (int)region.Size);
            Assert.True(seen.AsSpan().IndexOf(canary) < 0, $"the canary is readable in region 0x{region.Start:x}-0x{region.End:x} of a sealed process");
        }
        byte[] atCanary = await gdb.ReadMemoryAsync(canaryData, 16);
        Assert.NotEqual(canary, atCanary);
        Assert.Contains(atCanary, b => b != 0);   // ciphertext, not a blank the stub made up

        Assert.Equal(137, await gdb.KillAsync());
    }

    [Fact]
    public async Task Stopped_at_the_same_point_a_plain_run_of_the_program_shows_its_registers_steps_and_its_canary()
    {
        var elf = ElfImage.Load(CanaryElf);
        ulong canaryData = elf.Symbol("canary_data") ?? throw new InvalidOperationException("canary.elf has no canary_data");
        ulong main = elf.Symbol("main") ?? throw new InvalidOperationException("canary.elf has no main");

        await using var gdb = await RawGdbClient.StartAsync(_sealed.Path, Watchdog, CanaryElf, "--", "1000000");
        string stop = await StopAfterPlantedAsync(gdb);
        Assert.StartsWith("T02thread:1;", stop, StringComparison.Ordinal);

        Assert.DoesNotContain('x', (await gdb.AskAsync("g"))[..RegisterHexDigits]);
        ulong pc = GdbPacket.ParseRegisterHex(await gdb.AskAsync("p20"));
        var code = elf.EntrySegment;
        Assert.True(pc >= code.VirtualAddress && pc < code.VirtualEnd, $"the stop's pc 0x{pc:x} is not in the program's code");

        Assert.Equal(DataCanary, await gdb.ReadMemoryAsync(canaryData, 16));

        Assert.StartsWith("T05thread:1;", await gdb.AskAsync("s"), StringComparison.Ordinal);
        Assert.Equal("OK", await gdb.AskAsync($"Z0,{main:x},2"));

        Assert.Equal(137, await gdb.KillAsync());
    }
}
