using System.Buffers.Binary;
using Cloak.Kernel.Abi;
using Cloak.Kernel.Adversaries;
using Cloak.Kernel.Ipc;
using Cloak.Kernel.Memory;

namespace Cloak.Kernel;

/// <summary>Shared memory by id and message channels (docs/abi.md, "Cloak calls").</summary>
public sealed partial class Kernel
{
    private const ulong MaxSegment = 1UL << 30;
    private const int MaxChannelName = 64;

    private long ShmCreate(Process p, ulong size)
    {
        if (size == 0 || size > MaxSegment) return Fail(Errno.EINVAL);
        if (p.CreatedSegments.Count(s => !s.Destroyed) >= 1024 || _segments.Count >= 65536) return Fail(Errno.ENOSPC);
        int pages = (int)((size + 0xFFF) >> 12);
        int id = _nextSegmentId++;
        var segment = new SharedSegment(id, p.Pid, size, new MemoryObject($"shm {id}", pages));
        _segments[id] = segment;
        p.CreatedSegments.Add(segment);
        return id;
    }

    private long ShmMap(Process p, ulong id, ulong sizeAddress)
    {
        if (id > int.MaxValue || !_segments.TryGetValue((int)id, out var segment) || segment.Destroyed) return Fail(Errno.ENOENT);
        if (sizeAddress != 0)
        {
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, segment.Size);
            if (!p.Memory.CopyOut(sizeAddress, bytes)) return Fail(Errno.EFAULT);
        }
        ulong length = (ulong)segment.Memory.PageCount << 12;
        if (p.Memory.FindFreeRangeBelow(MmapBase - ((ulong)p.AddressRandom.Next(0, 1024) << 12), length) is not { } start)
            return Fail(Errno.ENOMEM);
        p.Memory.Map(segment.Memory, start, 0, segment.Memory.PageCount, Protection.Read | Protection.Write, AreaKind.Shared, segment);
        segment.Mappings++;
        return (long)start;
    }

    private long ShmUnmap(Process p, ulong address)
    {
        var vma = p.Memory.Areas.FirstOrDefault(a => a.Kind == AreaKind.Shared && a.Start == address);
        if (vma is null) return Fail(Errno.EINVAL);
        UnmapSegment(p, vma);
        ReleaseUnusedSegments();
        return 0;
    }

    private long ShmDestroy(Process p, ulong id)
    {
        if (id > int.MaxValue || !_segments.TryGetValue((int)id, out var segment) || segment.Destroyed) return Fail(Errno.ENOENT);
        if (segment.CreatorPid != p.Pid) return Fail(Errno.EPERM);
        segment.Destroyed = true;
        ReleaseUnusedSegments();
        return 0;
    }

    private static void UnmapSegment(Process p, Vma vma)
    {
        var segment = (SharedSegment)vma.Segment!;
        p.Memory.Unmap(vma.Start, vma.End);
        segment.Mappings--;
    }

    /// <summary>Frees segments that are destroyed and no longer mapped anywhere.</summary>
    private void ReleaseUnusedSegments()
    {
        foreach (var segment in _segments.Values.Where(s => s.Destroyed && s.Mappings == 0).ToList())
        {
            for (int page = 0; page < segment.Memory.PageCount; page++) _pager.Release(segment.Memory, page);
            _segments.Remove(segment.Id);
        }
    }

    private string? ChannelName(Process p, ulong address, ulong length) =>
        length is 0 or > MaxChannelName ? null : p.Memory.ReadString(address, length, MaxChannelName);

    private long ChanCreate(Process p, ulong nameAddress, ulong nameLength)
    {
        if (nameLength is 0 or > MaxChannelName) return Fail(Errno.EINVAL);
        if (ChannelName(p, nameAddress, nameLength) is not { } name) return Fail(Errno.EFAULT);
        if (_channels.Any(c => c.Name == name && c.Alive)) return Fail(Errno.EEXIST);
        if (p.Channels.Count >= 1024) return Fail(Errno.EMFILE);
        var channel = new Channel(_nextChannelId++, name);
        _channels.Add(channel);
        return AddEnd(p, channel, 0);
    }

    private long ChanOpen(Process p, ulong nameAddress, ulong nameLength)
    {
        if (nameLength is 0 or > MaxChannelName) return Fail(Errno.EINVAL);
        if (ChannelName(p, nameAddress, nameLength) is not { } name) return Fail(Errno.EFAULT);
        var channel = _channels.LastOrDefault(c => c.Name == name && !c.Closed[0]);
        if (channel is null) return Fail(Errno.ENOENT);
        if (channel.WasOpened) return Fail(Errno.EBUSY); // one opener per channel, ever
        if (p.Channels.Count >= 1024) return Fail(Errno.EMFILE);
        return AddEnd(p, channel, 1);
    }

    private static long AddEnd(Process p, Channel channel, int side)
    {
        var end = new ChannelEnd(channel, side, p);
        channel.Ends[side] = end;
        if (side == 1) channel.WasOpened = true;
        ulong handle = p.NextChannelHandle++;
        p.Channels[handle] = end;
        return (long)handle;
    }

    private long ChanSend(Process p, ulong handle, ulong buffer, ulong length)
    {
        if (!p.Channels.TryGetValue(handle, out var end)) return Fail(Errno.EBADF);
        if (length > Channel.MaxMessage) return Fail(Errno.EMSGSIZE);
        if (end.PeerClosed) return Fail(Errno.EPIPE);
        if (end.PeerInbox.Count >= Channel.MaxQueued) return Fail(Errno.EAGAIN);
        var bytes = new byte[length];
        if (!p.Memory.CopyIn(buffer, bytes)) return Fail(Errno.EFAULT);
        Deliver(end.Channel, 1 - end.Side, p, bytes);
        return (long)length;
    }

    /// <summary>Queues a message for one side of a channel, through the adversaries, and wakes its reader.</summary>
    internal void Deliver(Channel channel, int toSide, Process sender, byte[] bytes)
    {
        var e = new ChannelMessageEvent(channel.Name, sender, bytes, channel.Ends[toSide]?.Owner, toSide);
        _events.ChannelMessage(e);
        if (e.Drop) return;
        channel.Queues[toSide].Enqueue(e.Payload);
        WakeReader(channel, toSide);
    }

    private void WakeReader(Channel channel, int side)
    {
        if (channel.Ends[side] is { } reader && reader.Owner.State == ProcessState.Blocked && reader.Owner.WaitingOnChannel == reader)
            MakeReady(reader.Owner);
    }

    private long ChanRecv(Process p, ulong handle, ulong buffer, ulong capacity, ulong flags, out Outcome outcome)
    {
        outcome = Outcome.Return;
        if (!p.Channels.TryGetValue(handle, out var end)) return Fail(Errno.EBADF);
        if ((flags & ~(ulong)ChannelReceiveFlags.NonBlocking) != 0) return Fail(Errno.EINVAL);
        if (end.Inbox.TryPeek(out var message))
        {
            if ((ulong)message.Length > capacity) return Fail(Errno.EMSGSIZE);
            if (!p.Memory.CopyOut(buffer, message)) return Fail(Errno.EFAULT);
            end.Inbox.Dequeue();
            return message.Length;
        }
        if (end.PeerClosed) return 0;
        if ((flags & (ulong)ChannelReceiveFlags.NonBlocking) != 0) return Fail(Errno.EAGAIN);
        p.WaitingOnChannel = end;
        Block(p);
        outcome = Outcome.Block;
        return 0;
    }

    private long CloseChannel(Process p, ulong handle)
    {
        if (!p.Channels.Remove(handle, out var end)) return Fail(Errno.EBADF);
        end.Channel.Closed[end.Side] = true;
        end.Channel.Ends[end.Side] = null;
        WakeReader(end.Channel, 1 - end.Side);
        return 0;
    }
}
