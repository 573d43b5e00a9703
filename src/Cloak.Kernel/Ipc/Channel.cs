namespace Cloak.Kernel.Ipc;

/// <summary>
/// A bidirectional message channel between two ends: the creator's (end 0) and the opener's (end 1).
/// Messages are datagrams that pass through the kernel (and its adversaries); each end has a queue
/// of the messages sent to it. A closed end's peer reads what is queued, then end of file.
/// </summary>
internal sealed class Channel(int id, string name)
{
    public const int MaxMessage = 64 * 1024;
    public const int MaxQueued = 256;

    public int Id { get; } = id;
    public string Name { get; } = name;
    public ChannelEnd?[] Ends { get; } = new ChannelEnd?[2];
    public Queue<byte[]>[] Queues { get; } = [new(), new()];
    public bool[] Closed { get; } = new bool[2];
    public bool Opened => Ends[1] is not null;

    /// <summary>Set when the opener's end was created; a channel has at most one opener in its life.</summary>
    public bool WasOpened { get; set; }

    /// <summary>The name is in use while the creator's end is open, or the opener's end is.</summary>
    public bool Alive => !Closed[0] || (WasOpened && !Closed[1]);
}

/// <summary>One process's end of a channel.</summary>
internal sealed class ChannelEnd(Channel channel, int side, Process owner)
{
    public Channel Channel { get; } = channel;
    public int Side { get; } = side;
    public Process Owner { get; } = owner;
    public Queue<byte[]> Inbox => Channel.Queues[Side];
    public Queue<byte[]> PeerInbox => Channel.Queues[1 - Side];
    public bool PeerClosed => Channel.Closed[1 - Side];
}
