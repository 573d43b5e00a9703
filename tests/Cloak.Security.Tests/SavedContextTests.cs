using Cloak.Chip.Security;
using Cloak.Kernel.Adversaries;
using Cloak.Security.Tests.Support;

namespace Cloak.Security.Tests;

/// <summary>
/// SPEC R4 (and 2.3, context protection): resuming a protected process with a modified, foreign or
/// stale saved context is refused. The OS keeps each protected process's registers only as the blob
/// the chip sealed (<c>UserContext.SealedState</c>); these tests change, exchange and replay it and
/// expect the kernel to kill the process with a report naming the chip's refusal, while the same
/// run untouched (or with the blob copied but unchanged) completes.
/// </summary>
public class SavedContextTests
{
    private const string Refused = "the chip refused to resume its saved context";

    private static ScenarioResult RunWorker(MemoryProtectionMode mode, params Adversary[] adversaries)
    {
        var scenario = new Scenario(new ScenarioOptions { Mode = mode });
        scenario.AddSealed("secret_worker");
        scenario.AddPlain("spinner");
        foreach (var adversary in adversaries) scenario.Attach(adversary);
        scenario.Attach(new CompanionReaper("secret_worker", "spinner"));
        scenario.Start("secret_worker", "2");
        scenario.Start("spinner", "1000000");
        return scenario.Run();
    }

    [Theory]
    [InlineData(MemoryProtectionMode.Confidentiality)]
    [InlineData(MemoryProtectionMode.Authenticated)]
    public void R4_control_an_untouched_run_and_a_run_with_the_context_copied_unchanged_complete(MemoryProtectionMode mode)
    {
        var untouched = RunWorker(mode);
        var copied = new ContextReplayAdversary("secret_worker", captureAtRun: 3, restoreAtRun: 3);
        var withCopy = RunWorker(mode, copied);

        Assert.Equal("secret_worker: ok\n", untouched["secret_worker"].Output);
        Assert.True(copied.Restored);
        Assert.True(withCopy["secret_worker"] is { ExitCode: 0, Killed: false }, withCopy.ToString());
        Assert.Equal("secret_worker: ok\n", withCopy["secret_worker"].Output);
    }

    /// <summary>Blob layout: u32 context id, u64 version, 12-byte nonce, ciphertext, 16-byte tag.</summary>
    [Theory]
    [InlineData("the ciphertext", 40, "it was modified")]
    [InlineData("the last ciphertext byte", -17, "it was modified")]
    [InlineData("the tag", -1, "it was modified")]
    [InlineData("the nonce", 13, "it was modified")]
    [InlineData("the version", 4, "an older version of it: replayed")]
    [InlineData("the context id", 0, "the chip does not know it")]
    public void R4_a_saved_context_with_one_bit_flipped_is_refused(string where, int offset, string refusal)
    {
        var flip = new ContextBitFlipAdversary("secret_worker", atRun: 3, length => offset >= 0 ? offset : length + offset, bit: 1);
        var result = RunWorker(MemoryProtectionMode.Confidentiality, flip);

        var worker = result["secret_worker"];
        Assert.True(flip.Flipped, $"no bit was flipped in {where}");
        Assert.True(worker.Killed, $"a context with a bit flipped in {where} was resumed: {worker}");
        Assert.Equal($"{Refused} ({refusal})", worker.KillReason);
        Assert.Equal(128 + 9, worker.ExitCode);
        Assert.DoesNotContain("secret_worker:", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void R4_a_truncated_saved_context_is_refused()
    {
        var cut = new ContextTruncateAdversary("secret_worker", atRun: 3, keep: 64);
        var worker = RunWorker(MemoryProtectionMode.Confidentiality, cut)["secret_worker"];

        Assert.True(cut.Truncated);
        Assert.Equal($"{Refused} (it was modified)", worker.KillReason);
    }

    [Theory]
    [InlineData(MemoryProtectionMode.Confidentiality)]
    [InlineData(MemoryProtectionMode.Authenticated)]
    public void R4_an_older_saved_context_of_the_same_process_is_refused_as_replayed(MemoryProtectionMode mode)
    {
        var replay = new ContextReplayAdversary("secret_worker", captureAtRun: 2, restoreAtRun: 5);
        var worker = RunWorker(mode, replay)["secret_worker"];

        Assert.True(replay.Restored);
        Assert.Equal($"{Refused} (an older version of it: replayed)", worker.KillReason);
        Assert.DoesNotContain("secret_worker:", worker.Output, StringComparison.Ordinal);
    }

    // The chip binds a context to its address space for resuming and for releasing alike: the kernel
    // ends the refused copy and releases "its" context, which names the original's id; the original
    // must keep its place in the chip's context table (examples/adversaries/duplicate.cs found this).
    [Theory]
    [InlineData(MemoryProtectionMode.Confidentiality)]
    [InlineData(MemoryProtectionMode.Authenticated)]
    public void R4_a_copy_of_a_saved_context_in_a_second_process_is_refused_as_foreign_and_the_original_runs_on(MemoryProtectionMode mode)
    {
        var clone = new ContextCloneAdversary("secret_worker", atRun: 3);
        var result = RunWorker(mode, clone);

        Assert.NotNull(clone.Copy);
        var copy = result.Pid(clone.Copy.Pid);
        var original = result.Processes.Single(p => p.Name == "secret_worker" && p.Pid != clone.Copy.Pid);
        Assert.Equal($"{Refused} (it belongs to another address space)", copy.KillReason);
        Assert.Equal(Cloak.Platform.ContextRefusal.ForeignAddressSpace, result.Outcome.Processes.Single(p => p.Pid == copy.Pid).Refusal);
        Assert.Equal("", copy.Output);
        Assert.True(original is { ExitCode: 0, Killed: false }, result.ToString());
        Assert.Equal("secret_worker: ok\n", original.Output);
    }

    [Theory]
    [InlineData(MemoryProtectionMode.Confidentiality)]
    [InlineData(MemoryProtectionMode.Authenticated)]
    public void R4_the_saved_contexts_of_two_protected_processes_exchanged_are_both_refused_as_foreign(MemoryProtectionMode mode)
    {
        var scenario = new Scenario(new ScenarioOptions { Mode = mode });
        scenario.AddSealed("secret_worker");
        scenario.AddSealed("canary");
        var swap = new ContextSwapAdversary("secret_worker", "canary");
        scenario.Attach(swap);
        scenario.Start("secret_worker", "3");
        scenario.Start("canary", "4");
        var result = scenario.Run();

        Assert.True(swap.Swapped);
        foreach (var name in new[] { "secret_worker", "canary" })
        {
            Assert.Equal($"{Refused} (it belongs to another address space)", result[name].KillReason);
            Assert.DoesNotContain(": ok", result[name].Output, StringComparison.Ordinal);
            Assert.DoesNotContain("done", result[name].Output, StringComparison.Ordinal);
        }
    }
}
