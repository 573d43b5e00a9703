using System.Text;
using Cloak.Chip.Security;
using Cloak.Kernel.Adversaries;
using Cloak.Kernel.Memory;
using Cloak.Platform;
using Cloak.Security.Tests.Support;

namespace Cloak.Security.Tests;

/// <summary>
/// SPEC R3: another process, or the OS, that maps the frames of a protected region sees only
/// ciphertext (without an EAR entry) or garbage (with a wrong key), never the plaintext. A plain spy
/// gets the protected process's frames mapped into its address space and prints what its loads
/// read; two sealed processes put different keys on one shared segment under the same region id.
/// </summary>
public class RemapAndWrongKeyTests
{
    private const ulong SpyBase = 0x30_0000_0000;
    private const int SpyPages = 12, SpyRounds = 4;

    private static (ScenarioResult Result, SpyAdversary Adversary, IReadOnlyList<byte[]> Pages) RunSpy(bool sealed_, MemoryProtectionMode mode)
    {
        var scenario = new Scenario(new ScenarioOptions { Mode = mode });
        if (sealed_) scenario.AddSealed("canary");
        else scenario.AddPlain("canary");
        scenario.AddPlain("spy");
        var adversary = new SpyAdversary("canary", "spy", SpyBase, SpyPages, [AreaKind.Data, AreaKind.Anonymous, AreaKind.Heap], Canaries.All);
        scenario.Attach(adversary);
        scenario.Start("canary", "6");
        scenario.Start("spy", $"{SpyBase:x}", $"{SpyPages}", $"{SpyRounds}");
        var result = scenario.Run();
        return (result, adversary, SpyAdversary.ParseSpyOutput(result["spy"].Output));
    }

    [Theory]
    [InlineData(MemoryProtectionMode.Confidentiality)]
    [InlineData(MemoryProtectionMode.Authenticated)]
    public void R3_a_plain_spy_mapping_the_frames_of_a_protected_process_reads_ciphertext_not_canaries_and_not_zeros(MemoryProtectionMode mode)
    {
        var (result, adversary, pages) = RunSpy(sealed_: true, mode);

        Assert.True(result["canary"].ExitCode == 0, result.ToString());
        Assert.True(result["spy"].ExitCode == 0, result["spy"].ToString());
        Assert.Equal(SpyPages * SpyRounds, pages.Count);
        Assert.True(adversary.DistinctFramesMapped >= SpyPages, $"only {adversary.DistinctFramesMapped} victim frames were mapped");
        foreach (var (name, pattern) in Canaries.All)
            Assert.DoesNotContain(pages, page => page.AsSpan().IndexOf(pattern) >= 0);
        Assert.Contains(pages, page => page.AsSpan().ContainsAnyExcept((byte)0));
        // The OS's own view of the same frames (DRAM, with the chip's caches written back).
        Assert.Empty(adversary.DramSightings);
        Assert.True(adversary.SawNonZeroBytes);
    }

    [Fact]
    public void R3_control_the_spy_reads_the_canaries_of_the_same_program_unsealed()
    {
        var (result, _, pages) = RunSpy(sealed_: false, MemoryProtectionMode.Confidentiality);

        Assert.True(result["spy"].ExitCode == 0, result["spy"].ToString());
        Assert.Contains(pages, page => page.AsSpan().IndexOf(Canaries.Data) >= 0);
        Assert.Contains(pages, page => page.AsSpan().IndexOf(Canaries.Heap) >= 0);
    }

    /// <summary>Remembers the frame behind the first page of the writer's shared segment.</summary>
    private sealed class SharedFrameRecorder(string process) : Adversary
    {
        public ulong Frame { get; private set; }

        public override void OnPageMapped(PageEvent e)
        {
            if (Frame != 0 || e.Process.Name != process) return;
            if (Powers.Areas(e.Process).Any(a => a.Kind == AreaKind.Shared && a.Start == e.VirtualAddress)) Frame = e.Frame;
        }
    }

    private static (ScenarioResult Result, PatternBusTap Bus, ulong SharedFrame) RunWrongKey(MemoryProtectionMode mode)
    {
        var scenario = new Scenario(new ScenarioOptions { Mode = mode });
        scenario.AddSealed("shared_key", "writer");
        scenario.AddSealedImage("reader", Guest.Seal(Guest.Secure("shared_key"), scenario.Identity!));
        var frames = new SharedFrameRecorder("writer");
        scenario.Attach(frames);
        var bus = new PatternBusTap([("shared canary", "<shared-canary!>"u8.ToArray())]);
        scenario.Bus.Attach(bus);
        scenario.Start("writer", "writer");
        scenario.Start("reader", "reader");
        return (scenario.Run(), bus, frames.Frame);
    }

    [Fact]
    public void R3_a_process_with_the_wrong_key_for_a_region_reads_garbage_not_the_plaintext()
    {
        var (result, bus, _) = RunWrongKey(MemoryProtectionMode.Confidentiality);

        var reader = result["reader"];
        Assert.True(reader.ExitCode == 0, result.ToString());
        Assert.Contains("reader: plaintext not seen\n", reader.Output, StringComparison.Ordinal);
        string firstBytes = reader.Output.Split("first bytes ")[1].Trim();
        Assert.NotEqual(new string('0', 32), firstBytes);
        Assert.NotEqual(Convert.ToHexStringLower("<shared-canary!>"u8), firstBytes);
        Assert.Equal("writer: done\n", result["writer"].Output);
        Assert.Empty(bus.Sightings);
    }

    [Fact]
    public void R3_a_process_with_the_wrong_key_for_a_region_fails_authentication_in_authenticated_mode()
    {
        var (result, bus, _) = RunWrongKey(MemoryProtectionMode.Authenticated);

        var reader = result["reader"];
        Assert.True(reader.Killed, result.ToString());
        Assert.Contains("integrity fault", reader.KillReason, StringComparison.Ordinal);
        Assert.DoesNotContain("PLAINTEXT SEEN", reader.Output, StringComparison.Ordinal);
        Assert.Empty(bus.Sightings);
    }

    /// <summary>
    /// SPEC 2.2: "a line filled for one key is never served to an access that resolves to a different
    /// key". The writer's plaintext line is still in the data cache (dirty) when the reader touches the
    /// same physical line under its own key: the chip must write the writer's copy back (encrypted) and
    /// fill the line again for the reader, which is what the bus shows.
    /// </summary>
    [Fact]
    public void R3_the_cache_writes_back_another_keys_copy_of_a_line_before_filling_it_for_the_wrong_key()
    {
        var (result, bus, frame) = RunWrongKey(MemoryProtectionMode.Confidentiality);

        Assert.Contains("reader: plaintext not seen", result["reader"].Output, StringComparison.Ordinal);
        Assert.NotEqual(0UL, frame);
        ulong line = frame << 12;
        var log = bus.Log;
        int writeThenRead = Enumerable.Range(0, log.Count - 1)
            .Count(i => log[i] == (line, BusDirection.Write) && log[i + 1] == (line, BusDirection.Read));
        Assert.True(writeThenRead >= 1, $"no write-back followed by a refill of line 0x{line:x}: {Describe(log, line)}");
    }

    private static string Describe(IReadOnlyList<(ulong Address, BusDirection Direction)> log, ulong line)
    {
        var text = new StringBuilder();
        foreach (var (address, direction) in log.Where(t => t.Address == line)) text.Append(direction).Append(' ');
        return text.Length == 0 ? "the line never crossed the bus" : text.ToString();
    }
}
