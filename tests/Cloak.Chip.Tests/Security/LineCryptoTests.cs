using Cloak.Crypto;

namespace Cloak.Chip.Tests.Security;

public sealed class LineCryptoTests
{
    [Fact]
    public void Lines_of_two_runs_of_one_image_get_different_tweaks_at_the_same_counter()
    {
        // Otherwise the OS could move a line (and its MAC) from one run into the other.
        Assert.NotEqual(LineCrypto.Tweak(7, 3, counter: 5, instance: 1), LineCrypto.Tweak(7, 3, counter: 5, instance: 2));
    }

    [Fact]
    public void Lines_of_two_runs_differ_even_before_either_wrote_them()
    {
        // Issue 8: in confidentiality mode every line of an image is at counter 0; the chip re-encrypts
        // the image into its run's tweak at trp.enter, so even those carry the instance.
        Assert.NotEqual(LineCrypto.Tweak(7, 3, counter: 0, instance: 1), LineCrypto.Tweak(7, 3, counter: 0, instance: 9));
        Assert.NotEqual(LineCrypto.Tweak(7, 3, 0), LineCrypto.Tweak(7, 3, counter: 0, instance: 1));
    }

    [Fact]
    public void A_region_of_no_run_keeps_the_tweak_the_sealing_tool_uses()
    {
        Assert.Equal(LineCrypto.Tweak(7, 3, 0), LineCrypto.Tweak(7, 3, counter: 0, instance: 0));
        Assert.Equal(LineCrypto.Tweak(7, 3, 12), LineCrypto.Tweak(7, 3, counter: 12, instance: 0));
    }

    [Fact]
    public void Tweaks_are_distinct_across_region_instance_counter_and_line()
    {
        var seen = new HashSet<UInt128>();
        foreach (uint region in new uint[] { 1, 2, uint.MaxValue })
            foreach (uint instance in new uint[] { 1, 65536, uint.MaxValue })
                foreach (ulong counter in new ulong[] { 0, 1, 2, LineCrypto.CounterLimit - 1 })
                    foreach (uint line in new uint[] { 0, 1, 1 << 24 })
                        Assert.True(seen.Add(LineCrypto.Tweak(region, line, counter, instance)), $"{region}/{instance}/{counter}/{line}");
    }
}
