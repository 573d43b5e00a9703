using Cloak.Kernel.Tests.Support;

namespace Cloak.Kernel.Tests;

/// <summary>
/// Channels (channel_pingpong.c, channel_closed_peer.c, channel_nonblocking.c): datagrams between a
/// creator's end and an opener's end, blocking and non-blocking receive, end of file after the peer
/// closes, -EPIPE to a closed peer, -EAGAIN, -EMSGSIZE, and messages queued before the peer opened.
/// </summary>
public sealed class ChannelTests
{
    [Fact]
    public void Ping_pong_messages_arrive_in_order_and_the_answerer_sees_end_of_file()
    {
        var machine = new TestMachine();
        var ping = machine.Start("channel_pingpong", "ping", "5");
        var pong = machine.Start("channel_pingpong", "pong");

        var run = machine.Run().AssertAllExitedCleanly();

        Assert.Equal([.. Enumerable.Range(0, 5).Select(i => $"ping got (6): pong {i}"), "ping: closing = 0"], run.Lines(ping));
        Assert.Equal([.. Enumerable.Range(0, 5).Select(i => $"pong got: ping {i}"), "pong: end of file"], run.Lines(pong));
    }

    [Fact]
    public void A_blocking_receive_sleeps_until_the_message_comes_instead_of_spinning()
    {
        var machine = new TestMachine(quantum: 10_000);
        var ping = machine.Start("channel_pingpong", "ping", "1", "400000");
        var pong = machine.Start("channel_pingpong", "pong");

        var run = machine.Run().AssertAllExitedCleanly();

        ulong pinger = run.Process(ping).Statistics.Instructions, ponger = run.Process(pong).Statistics.Instructions;
        Assert.True(pinger > 1_000_000, $"ping ran {pinger} instructions");
        Assert.True(ponger < 100_000, $"pong ran {ponger} instructions while waiting: it should have been blocked");
        Assert.True(run.Process(pong).Statistics.Syscalls < 40, $"pong made {run.Process(pong).Statistics.Syscalls} system calls");
        Assert.Contains("pong got: ping 0", run.Lines(pong));
    }

    [Fact]
    public void A_stream_of_messages_is_received_whole_and_in_order_until_end_of_file()
    {
        var machine = new TestMachine();
        machine.Start("channel_pingpong", "send", "20");
        var receiver = machine.Start("channel_pingpong", "recv");

        var run = machine.Run().AssertAllExitedCleanly();

        Assert.Equal([.. Enumerable.Range(0, 20).Select(i => $"recv got: message {i}"), "recv: end of file"], run.Lines(receiver));
    }

    private static (TestRun Run, Process Writer, Process Reader) ClosedPeer()
    {
        var machine = new TestMachine();
        var writer = machine.Start("channel_closed_peer", "writer");
        var reader = machine.Start("channel_closed_peer", "reader");
        var run = machine.Run().AssertAllExitedCleanly();
        return (run, writer, reader);
    }

    [Fact]
    public void Messages_sent_before_the_peer_opened_the_channel_are_delivered()
    {
        var (run, writer, reader) = ClosedPeer();

        Assert.Contains("writer: early sends 7 7", run.Lines(writer));
        Assert.Equal(["reader got (7): early 1", "reader got (7): early 2"], run.Lines(reader).Take(2));
    }

    [Fact]
    public void After_its_peer_closes_a_reader_gets_what_was_queued_then_a_sticky_end_of_file()
    {
        var (run, writer, reader) = ClosedPeer();

        Assert.Contains("writer: close = 0", run.Lines(writer));
        Assert.Equal(
            [
                "reader got (4): last",
                "reader: receive at end = 0",
                "reader: receive again = 0",
                "reader: non-blocking receive = 0",
            ],
            run.Lines(reader).Skip(2).Take(4));
    }

    [Fact]
    public void Sending_to_a_closed_peer_fails_with_EPIPE()
    {
        var (run, _, reader) = ClosedPeer();

        Assert.Contains("reader: send to closed peer = -32", run.Lines(reader));
    }

    [Fact]
    public void A_blocked_receiver_wakes_with_end_of_file_when_its_peer_exits_without_closing()
    {
        var (run, writer, reader) = ClosedPeer();

        Assert.Contains("reader: exiting with closing-2 open", run.Lines(reader));
        Assert.Equal(
            ["writer: opened closing-2", "writer: receive after peer exit = 0", "writer: send after peer exit = -32"],
            run.Lines(writer).TakeLast(3));
    }

    private static (TestRun Run, Process Poller, Process Sender) NonBlocking()
    {
        var machine = new TestMachine();
        var poller = machine.Start("channel_nonblocking", "poller");
        var sender = machine.Start("channel_nonblocking", "sender");
        var run = machine.Run().AssertAllExitedCleanly();
        return (run, poller, sender);
    }

    [Fact]
    public void A_non_blocking_receive_on_an_empty_channel_returns_EAGAIN()
    {
        var (run, poller, sender) = NonBlocking();

        Assert.Contains("sender: send = 5", run.Lines(sender));
        Assert.Contains("poller: got (5) \"hello\" after EAGAIN", run.Lines(poller));
    }

    [Fact]
    public void A_message_larger_than_the_buffer_fails_with_EMSGSIZE_and_stays_queued()
    {
        var (run, poller, _) = NonBlocking();

        Assert.Contains("poller: receive into 10 bytes = -90", run.Lines(poller));
        Assert.Contains("poller: receive into 64 KiB = 100 (intact)", run.Lines(poller));
    }

    [Fact]
    public void Messages_up_to_64_KiB_pass_and_larger_ones_are_refused_with_EMSGSIZE()
    {
        var (run, poller, sender) = NonBlocking();

        Assert.Contains("sender: send 64 KiB + 1 = -90", run.Lines(sender));
        Assert.Contains("sender: send 64 KiB = 65536", run.Lines(sender));
        Assert.Contains("poller: largest message = 65536 (intact)", run.Lines(poller));
    }

    [Fact]
    public void A_full_queue_refuses_further_sends_with_EAGAIN_and_loses_nothing_queued()
    {
        var (run, poller, sender) = NonBlocking();

        Assert.Contains("poller: queued 256, then -11", run.Lines(poller));
        Assert.Contains("sender: drained 256, then 0", run.Lines(sender));
    }

    [Fact]
    public void A_channel_name_is_free_again_once_its_creator_closed_it_unopened()
    {
        var machine = new TestMachine();
        var p = machine.Start("channel_closed_peer", "rename");

        var run = machine.Run().AssertAllExitedCleanly();

        Assert.Contains("rename: open after close = -2", run.Lines(p));
        Assert.Contains("rename: create again = ok", string.Join('\n', run.Lines(p)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_channel_opened_again_after_its_opener_closed_is_never_half_open()
    {
        var machine = new TestMachine();
        var creator = machine.Start("channel_closed_peer", "reopen-creator");
        machine.Start("channel_closed_peer", "reopen-first");
        var second = machine.Start("channel_closed_peer", "reopen-second");

        var run = machine.Run().AssertAllExitedCleanly();

        // Either the second open is refused, or the channel works both ways with the new opener.
        bool refused = run.Lines(second).Any(l => l.StartsWith("second opener: open = refused", StringComparison.Ordinal));
        if (!refused)
        {
            Assert.Contains("creator got (6): second", run.Lines(creator));
            Assert.Contains("creator: reply = 5", run.Lines(creator));
            Assert.Contains("second opener got (5): reply", run.Lines(second));
        }
    }
}
