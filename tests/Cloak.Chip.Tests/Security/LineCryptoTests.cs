using Cloak.Crypto;

namespace Cloak.Chip.Tests.Security;

public sealed class LineCryptoTests
{
    [Fact]
    public void Lines_written_by_two_runs_of_one_image_get_different_mac_tweaks_at_the_same_counter()
    {
        // Otherwise the OS could move a line and its MAC from one run into the other.
        Assert.NotEqual(LineCrypto.MacTweak(7, 3, counter: 5, instance: 1), LineCrypto.MacTweak(7, 3, counter: 5, instance: 2));
    }

    [Fact]
    public void An_image_line_never_written_keeps_the_tweak_the_sealing_tool_used_in_every_run()
    {
        Assert.Equal(LineCrypto.Tweak(7, 3, 0), LineCrypto.MacTweak(7, 3, counter: 0, instance: 1));
        Assert.Equal(LineCrypto.Tweak(7, 3, 0), LineCrypto.MacTweak(7, 3, counter: 0, instance: 9));
    }

    [Fact]
    public void Mac_tweaks_are_distinct_across_region_instance_counter_and_line()
    {
        var seen = new HashSet<UInt128>();
        foreach (uint region in new uint[] { 1, 2, uint.MaxValue })
            foreach (uint instance in new uint[] { 0, 1, 65536, uint.MaxValue })
                foreach (ulong counter in new ulong[] { 1, 2, LineCrypto.CounterLimit - 1 })
                    foreach (uint line in new uint[] { 0, 1, 1 << 24 })
                        Assert.True(seen.Add(LineCrypto.MacTweak(region, line, counter, instance)), $"{region}/{instance}/{counter}/{line}");
    }
}
