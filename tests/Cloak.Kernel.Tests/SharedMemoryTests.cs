using System.Globalization;
using System.Text.RegularExpressions;
using Cloak.Kernel.Tests.Support;

namespace Cloak.Kernel.Tests;

/// <summary>
/// Shared memory by id (shm_share.c), against the semantics of src/Cloak.Kernel/Ipc/SharedSegment.cs:
/// any process maps a segment by id at an address the kernel picks; only the creator destroys it; a
/// destroyed segment takes no new mappings but stays usable by its mappers; the creator's exit
/// destroys it; it is freed once destroyed and mapped nowhere.
/// </summary>
public sealed partial class SharedMemoryTests
{
    private const int SegmentSize = 3 * 4096 + 100;

    [GeneratedRegex(@"segment size (\d+) at (0x[0-9a-f]+)")]
    private static partial Regex SegmentLine();

    private static (ulong Size, ulong Address) Mapping(TestRun run, Process p)
    {
        var match = run.Lines(p).Select(l => SegmentLine().Match(l)).FirstOrDefault(m => m.Success);
        Assert.True(match is not null, $"{p} printed no mapping\n{run.Describe()}");
        return (ulong.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
            ulong.Parse(match.Groups[2].Value[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    private static (TestRun Run, Process Owner, Process Client, TestMachine Machine) OwnerAndClient(string ownerRole, params string[] clientArguments)
    {
        var machine = new TestMachine();
        var owner = machine.Start("shm_share", ownerRole);
        var client = machine.Start("shm_share", clientArguments);
        return (machine.Run(), owner, client, machine);
    }

    [Fact]
    public void Two_processes_see_one_segment_at_different_virtual_addresses()
    {
        var (run, owner, client, _) = OwnerAndClient("owner", "client");
        run.AssertAllExitedCleanly();

        var (ownerSize, ownerAddress) = Mapping(run, owner);
        var (clientSize, clientAddress) = Mapping(run, client);
        Assert.Equal((ulong)SegmentSize, ownerSize);
        Assert.Equal((ulong)SegmentSize, clientSize);
        Assert.NotEqual(ownerAddress, clientAddress);
        Assert.Contains("client: reads \"owner page 0\" and \"owner page 3\"", run.Lines(client));
        Assert.Contains("owner: client says \"mapped\", wrote \"client page 1\"", run.Lines(owner));
    }

    [Fact]
    public void Only_the_creator_may_destroy_a_segment()
    {
        var (run, _, client, _) = OwnerAndClient("owner", "client");

        Assert.Contains("client: destroy = -1", run.Lines(client));   // -EPERM
    }

    [Fact]
    public void A_destroyed_segment_takes_no_new_mappings_but_stays_usable_by_its_mappers()
    {
        var (run, owner, client, _) = OwnerAndClient("owner", "client");
        run.AssertAllExitedCleanly();

        Assert.Contains("owner: destroy = 0", run.Lines(owner));
        Assert.Contains("owner: destroy again = -2", run.Lines(owner));            // -ENOENT
        Assert.Contains("owner: map after destroy = refused (-2)", run.Lines(owner));
        Assert.Contains("client: map after destroy = refused (-2)", run.Lines(client));
        Assert.Contains("client: reads after destroy \"written after destroy\"", run.Lines(client));
    }

    [Fact]
    public void Unmapping_takes_the_exact_start_address_and_works_once()
    {
        var (run, owner, client, _) = OwnerAndClient("owner", "client");

        Assert.Contains("client: unmap inside = -22", run.Lines(client));          // -EINVAL
        Assert.Contains("client: unmap = 0", run.Lines(client));
        Assert.Contains("client: unmap again = -22", run.Lines(client));
        Assert.Contains("owner: unmap = 0", run.Lines(owner));
    }

    [Fact]
    public void A_segment_destroyed_and_unmapped_everywhere_is_freed()
    {
        var (run, _, _, machine) = OwnerAndClient("owner", "client");
        run.AssertAllExitedCleanly();

        Assert.Empty(machine.Kernel.Segments);
        Assert.Equal(machine.Kernel.Pager.Frames.Count, machine.Kernel.Pager.Frames.FreeCount);
    }

    [Fact]
    public void Touching_a_segment_after_unmapping_it_kills_only_that_process()
    {
        var (run, owner, client, _) = OwnerAndClient("owner", "client", "touch");

        var (_, address) = Mapping(run, client);
        var killed = run.Process(client);
        Assert.Equal(128 + 11, killed.ExitCode);
        Assert.Contains($"load page fault at pc 0x", killed.KillReason, StringComparison.Ordinal);
        Assert.Contains($"address 0x{address:x} (no mapping)", killed.KillReason, StringComparison.Ordinal);
        Assert.Equal(0, run.Process(owner).ExitCode);
        Assert.Null(run.Process(owner).KillReason);
    }

    [Fact]
    public void The_creator_exiting_destroys_its_segment_but_mappers_keep_using_it()
    {
        var (run, owner, survivor, machine) = OwnerAndClient("owner-exits", "survivor");
        run.AssertAllExitedCleanly();

        Assert.Contains("owner: exiting without unmap or destroy", run.Lines(owner));
        Assert.Equal(
            [
                "client: owner gone = 0",
                "client: reads \"left by the owner\"",
                "client: reads back \"still writable\"",
                "client: map after owner exit = refused (-2)",
                "client: unmap = 0",
            ],
            run.Lines(survivor).Skip(1));
        Assert.Empty(machine.Kernel.Segments);
    }

    [Fact]
    public void A_MAP_FIXED_over_part_of_a_shared_mapping_is_refused_and_the_segment_stays_with_its_other_mapper()
    {
        var (run, owner, client, machine) = OwnerAndClient("owner-keeps", "client-fixed");
        run.AssertAllExitedCleanly();

        // Shared segments leave only through shm_unmap (docs/abi.md): a MAP_FIXED over one is refused.
        Assert.Contains("client: MAP_FIXED over the middle page = refused", run.Lines(client));
        Assert.Contains("owner: page 0 reads \"kept page 0\"", run.Lines(owner));
        Assert.Contains("owner: page 1 reads \"kept page 1\"", run.Lines(owner));
        Assert.Contains("owner: page 2 reads \"kept page 2\"", run.Lines(owner));
        Assert.Empty(machine.Kernel.Segments);
    }
}
