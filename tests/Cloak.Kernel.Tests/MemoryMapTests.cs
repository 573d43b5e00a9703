using Cloak.Kernel.Tests.Support;

namespace Cloak.Kernel.Tests;

/// <summary>The heap break and anonymous mappings (brk_mmap.c).</summary>
public sealed class MemoryMapTests
{
    private static string[] Checks(string mode = "all")
    {
        var machine = new TestMachine();
        var p = machine.Start("brk_mmap", mode);
        var run = machine.Run().AssertAllExitedCleanly();
        Assert.Equal("done", run.Lines(p)[^1]);
        return run.Lines(p);
    }

    [Fact]
    public void A_grown_break_is_writable_memory()
    {
        var lines = Checks();

        Assert.Contains("brk grow = ok", lines);
        Assert.Contains("brk grown memory writable", lines);
    }

    [Fact]
    public void Shrinking_the_break_frees_pages_and_growing_it_again_gives_zeroed_ones()
    {
        var lines = Checks();

        Assert.Contains("brk shrink = ok", lines);
        Assert.Contains("brk regrow = ok", lines);
        Assert.Contains("brk kept page reads 90", lines);
        Assert.Contains("brk regrown page reads 0", lines);
        Assert.Contains("brk shrink to start = ok", lines);
        Assert.Contains("brk grow from empty = ok", lines);
        Assert.Contains("brk page after regrowth reads 0", lines);
    }

    [Fact]
    public void Unmapping_the_middle_of_a_mapping_keeps_the_pages_around_it()
    {
        var lines = Checks();

        Assert.Contains("munmap middle = 0", lines);
        Assert.Contains("pages after munmap: A C D", lines);
    }

    [Fact]
    public void Munmap_with_a_partial_length_unmaps_whole_pages_and_spares_the_next()
    {
        var lines = Checks();

        Assert.Contains("munmap partial length = 0", lines);
        Assert.Contains("last page after partial munmap: D", lines);
    }

    [Fact]
    public void MAP_FIXED_fills_a_hole_and_replaces_live_data_with_fresh_zero_pages()
    {
        var lines = Checks();

        Assert.Contains("fixed into hole = ok, reads 0", lines);
        Assert.Contains("fixed over data = ok, reads 0", lines);
    }

    [Fact]
    public void Separate_mappings_do_not_overlap_and_read_only_pages_read_zero()
    {
        var lines = Checks();

        Assert.Contains("separate mappings = ok", lines);
        Assert.Contains("read-only page reads 0", lines);
    }

    [Fact]
    public void The_break_does_not_grow_into_a_mapping()
    {
        Assert.Contains("brk into a mapping refused = ok", Checks());
    }

    [Fact]
    public void Munmap_tells_the_adversary_which_resident_page_left_the_page_table()
    {
        var machine = new TestMachine();
        var recorder = machine.Attach(new RecordingAdversary());
        var p = machine.Start("brk_mmap");
        machine.Run().AssertAllExitedCleanly();

        // The first munmap is of the middle page of a mapping the program had filled.
        var call = recorder.SyscallReturns.First(s => s.Pid == p.Pid && s.Number == (ulong)Abi.Syscall.Munmap);
        ulong va = call.Arguments[0];
        Assert.Equal(0, call.Result);
        var mapped = recorder.Mapped.Last(m => m.Pid == p.Pid && m.VirtualAddress == va);
        Assert.Contains(new RecordingAdversary.Page(p.Pid, va, mapped.Frame, Memory.Protection.None), recorder.Unmapped);
    }

    [Fact]
    public void The_break_can_grow_after_a_MAP_FIXED_replaced_the_heap()
    {
        var machine = new TestMachine();
        var p = machine.Start("brk_mmap", "fixed-over-heap");

        var run = machine.Run().AssertAllExitedCleanly();

        Assert.Contains("heap after MAP_FIXED usable", run.Lines(p));
    }
}
