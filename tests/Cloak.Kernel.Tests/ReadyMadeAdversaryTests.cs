using System.Text;
using Cloak.Attacks;
using Cloak.Kernel.Adversaries;
using Cloak.Kernel.Tests.Support;

namespace Cloak.Kernel.Tests;

/// <summary>
/// The baseline: each ready-made adversary (src/Cloak.Attacks) does what it says against an
/// UNPROTECTED process. Without the chip's protection the OS sees and changes everything; these tests
/// document that, and tests/Cloak.Security.Tests shows the same attacks failing against sealed ones.
/// </summary>
public sealed class ReadyMadeAdversaryTests
{
    private const ulong SmallDram = 128UL << 10;

    [Fact]
    public void The_snoop_finds_every_canary_in_plaintext_in_DRAM()
    {
        var machine = new TestMachine(quantum: 20_000);
        var snoop = machine.Attach(new SnoopAdversary());
        var canary = machine.Start("canary", "10");
        machine.Start("spin", "200000", "1");

        var run = machine.Run().AssertAllExitedCleanly();

        Assert.Contains("intact", run.Lines(canary));
        for (int k = 0; k < 4; k++)
        {
            var sightings = snoop.Find(Canary.Pattern(k));
            Assert.True(sightings.Any(s => s.Where.StartsWith("DRAM at switch", StringComparison.Ordinal)),
                $"the {Canary.Places[k]} canary was not seen in DRAM");
        }
        Assert.True(snoop.Snapshots > 2);
    }

    [Fact]
    public void The_snoop_finds_the_canaries_in_plaintext_in_swap_when_DRAM_is_small()
    {
        var machine = new TestMachine(ramSize: SmallDram, quantum: 20_000);
        var snoop = machine.Attach(new SnoopAdversary(snapshotEveryNthSwitch: 1000));
        var canary = machine.Start("canary", "40");
        machine.Start("swap_stress", "64");

        var run = machine.Run().AssertAllExitedCleanly();

        Assert.Contains("intact", run.Lines(canary));
        var inSwap = Enumerable.Range(0, 4)
            .Where(k => snoop.Find(Canary.Pattern(k)).Any(s => s.Where.StartsWith("swap slot", StringComparison.Ordinal)))
            .Select(k => Canary.Places[k]).ToList();
        Assert.Contains("data", inSwap);
        Assert.Contains("heap", inSwap);
        Assert.Contains("shm", inSwap);
        Assert.True(run.Statistics.SwapOuts > 64, run.Describe());
    }

    [Fact]
    public void The_snoop_reads_every_channel_message()
    {
        var machine = new TestMachine();
        var snoop = machine.Attach(new SnoopAdversary());
        machine.Start("channel_pingpong", "send", "3");
        machine.Start("channel_pingpong", "recv");

        machine.Run().AssertAllExitedCleanly();

        Assert.Contains(snoop.Find("message 2"u8), s => s.Where.StartsWith("message on 'pingpong'", StringComparison.Ordinal));
    }

    private static (TestRun Run, Process Receiver, ChannelManInTheMiddle Mitm) Stream(ChannelManInTheMiddle mitm)
    {
        var machine = new TestMachine();
        machine.Attach(mitm);
        machine.Start("channel_pingpong", "send", "4");
        var receiver = machine.Start("channel_pingpong", "recv");
        return (machine.Run().AssertAllExitedCleanly(), receiver, mitm);
    }

    [Fact]
    public void The_man_in_the_middle_rewrites_messages_and_the_receiver_believes_them()
    {
        var (run, receiver, mitm) = Stream(ChannelManInTheMiddle.Replace("message"u8.ToArray(), "MESSAGE"u8.ToArray()));

        Assert.Equal([.. Enumerable.Range(0, 4).Select(i => $"recv got: MESSAGE {i}"), "recv: end of file"], run.Lines(receiver));
        Assert.Contains(mitm.Log, m => Encoding.ASCII.GetString(m.Original) == "message 3" && Encoding.ASCII.GetString(m.Delivered!) == "MESSAGE 3");
    }

    [Fact]
    public void The_man_in_the_middle_drops_messages_the_receiver_then_never_sees()
    {
        var (run, receiver, mitm) = Stream(new ChannelManInTheMiddle(e =>
            Encoding.ASCII.GetString(e.Payload) is "message 1" or "message 2" ? null : e.Payload));

        Assert.Equal(["recv got: message 0", "recv got: message 3", "recv: end of file"], run.Lines(receiver));
        Assert.Equal(2, mitm.Log.Count(m => m.Delivered is null));
        Assert.Equal(5, mitm.Log.Count);   // four messages and the receiver's "ready"
    }

    [Fact]
    public void The_remap_lets_a_spy_read_every_secret_of_its_victim()
    {
        var machine = new TestMachine(quantum: 20_000);
        var remap = machine.Attach(new RemapAdversary("canary", "spy", 0x30_0000_0000));
        machine.Start("canary", "30");
        var spy = machine.Start("spy", Canary.SpyArguments("scan", 5));

        var run = machine.Run().AssertAllExitedCleanly();

        Assert.True(remap.PagesMapped > 0);
        for (int k = 0; k < 4; k++)
            Assert.Contains($"found {Canary.Prefix(k)}: {Canary.Hex(k)}", run.Lines(spy));
    }

    [Fact]
    public void Without_the_remap_the_spy_finds_nothing()
    {
        var machine = new TestMachine(quantum: 20_000);
        machine.Start("canary", "30");
        var spy = machine.Start("spy", Canary.SpyArguments("scan", 5));

        var run = machine.Run().AssertAllExitedCleanly();

        Assert.Equal("spy: 0 pages readable", run.Lines(spy)[0]);
        Assert.All(run.Lines(spy).Skip(1), l => Assert.StartsWith("missing", l, StringComparison.Ordinal));
    }

    private static ulong TickerValue => GuestPrograms.Symbol("ticker", "ticker_value");

    private static (TestRun Run, Process Ticker) TickerInDram(Adversary adversary)
    {
        var machine = new TestMachine(quantum: 10_000);
        machine.Attach(adversary);
        var ticker = machine.Start("ticker", "8", "0", "yield");
        machine.Start("spin", "300000", "1");
        return (machine.Run().AssertAllExitedCleanly(), ticker);
    }

    private static (TestRun Run, Process Ticker) TickerInSwap(Adversary adversary)
    {
        var machine = new TestMachine(ramSize: SmallDram);
        machine.Attach(adversary);
        var ticker = machine.Start("ticker", "6", "48");
        var run = machine.Run().AssertAllExitedCleanly();
        Assert.True(run.Statistics.SwapIns > 0, run.Describe());
        return (run, ticker);
    }

    [Fact]
    public void Unattacked_the_ticker_always_reads_what_it_wrote()
    {
        var (dram, dramTicker) = TickerInDram(new RecordingAdversary());
        var (swap, swapTicker) = TickerInSwap(new RecordingAdversary());

        Assert.Equal(["rounds 8, mismatches 0"], dram.Lines(dramTicker));
        Assert.Equal(["rounds 6, mismatches 0"], swap.Lines(swapTicker));
    }

    [Fact]
    public void Replay_in_DRAM_makes_the_victim_read_an_older_value()
    {
        var replay = new ReplayAdversary("ticker", TickerValue, captureAtRun: 2, restoreAtRun: 4);
        var (run, ticker) = TickerInDram(replay);

        Assert.True(replay.Captured && replay.Restored);
        Assert.Equal(["round 3: wrote 3, read 1", "rounds 8, mismatches 1"], run.Lines(ticker));
    }

    [Fact]
    public void Replay_in_swap_makes_the_victim_read_an_older_value()
    {
        var replay = new ReplayAdversary("ticker", TickerValue, inSwap: true);
        var (run, ticker) = TickerInSwap(replay);

        Assert.True(replay.Captured && replay.Restored, run.Describe());
        Assert.Matches(@"^round (\d): wrote \1, read \d$", run.Lines(ticker)[0]);
        Assert.Equal("rounds 6, mismatches 1", run.Lines(ticker)[^1]);
    }

    [Fact]
    public void A_bit_flip_in_DRAM_changes_the_victims_value()
    {
        var flip = new BitFlipAdversary("ticker", TickerValue, bit: 4, atRun: 2);
        var (run, ticker) = TickerInDram(flip);

        Assert.True(flip.Flipped);
        Assert.Equal(["round 1: wrote 1, read 17", "rounds 8, mismatches 1"], run.Lines(ticker));
    }

    [Fact]
    public void A_bit_flip_in_swap_changes_the_victims_value()
    {
        var flip = new BitFlipAdversary("ticker", TickerValue, bit: 8, inSwap: true);
        var (run, ticker) = TickerInSwap(flip);

        Assert.True(flip.Flipped, run.Describe());
        var match = System.Text.RegularExpressions.Regex.Match(run.Lines(ticker)[0], @"^round (\d+): wrote \1, read (\d+)$");
        Assert.True(match.Success, run.Describe());
        Assert.Equal(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) ^ 0x100,
            int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("rounds 6, mismatches 1", run.Lines(ticker)[^1]);
    }
}
