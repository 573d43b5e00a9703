using System.Buffers.Binary;
using Cloak.Isa;
using Cloak.Kernel.Abi;
using Cloak.Kernel.Adversaries;
using Cloak.Kernel.Memory;

namespace Cloak.Kernel;

/// <summary>
/// System call dispatch (docs/abi.md). Arguments come from a0-a5 and the number from a7 of the saved
/// context; the result goes to a0. Every pointer and length a guest passes is checked: a bad one is an
/// error return (-EFAULT, -EINVAL, ...), never a simulator failure. Blocking calls leave the pc on the
/// ecall so the call runs again when the process wakes.
/// </summary>
public sealed partial class Kernel
{
    private const long MaxIo = 1 << 20;

    private enum Outcome { Return, Block, Exited, Yield }

    private static long Fail(Errno errno) => -(long)errno;

    private void HandleSyscall(Process process)
    {
        _syscalls++;
        process.Statistics.Syscalls++;
        var context = process.Context;
        var e = new SyscallEvent(process, context[Reg.A7],
            [context[Reg.A0], context[Reg.A1], context[Reg.A2], context[Reg.A3], context[Reg.A4], context[Reg.A5]]);
        _events.Syscall(e);
        if (process.State is ProcessState.Zombie or ProcessState.Reaped) return; // killed by the hook

        var outcome = Outcome.Return;
        long result = e.Result ?? Dispatch(process, e.Number, e.Arguments, out outcome);
        if (outcome is Outcome.Block or Outcome.Exited) return;

        e.Result = result;
        _events.SyscallReturn(e);
        context.CompleteSyscall(e.Result.Value);
        if (outcome == Outcome.Yield) Preempt(process);
    }

    private long Dispatch(Process p, ulong number, ulong[] a, out Outcome outcome)
    {
        outcome = Outcome.Return;
        switch ((Syscall)number)
        {
            case Syscall.Write: return Write(p, a[0], a[1], a[2]);
            case Syscall.Read: return Read(p, a[0], a[1], a[2]);
            case Syscall.Exit or Syscall.ExitGroup:
                Terminate(p, (int)(a[0] & 0xFF), null);
                outcome = Outcome.Exited;
                return 0;
            case Syscall.GetPid: return p.Pid;
            case Syscall.GetPpid: return p.ParentPid;
            case Syscall.SchedYield:
                outcome = Outcome.Yield;
                return 0;
            case Syscall.Brk: return Brk(p, a[0]);
            case Syscall.Mmap: return Mmap(p, a[0], a[1], a[2], a[3], a[4]);
            case Syscall.Munmap: return Munmap(p, a[0], a[1]);
            case Syscall.NanoSleep: return NanoSleep(p, a[0], out outcome);
            case Syscall.ClockGetTime: return ClockGetTime(p, a[0], a[1]);
            case Syscall.Wait4: return Wait4(p, (long)a[0], a[1], a[2], out outcome);
            case Syscall.Spawn: return Spawn(p, a[0], a[1], a[2]);
            case Syscall.ShmCreate: return ShmCreate(p, a[0]);
            case Syscall.ShmMap: return ShmMap(p, a[0], a[1]);
            case Syscall.ShmUnmap: return ShmUnmap(p, a[0]);
            case Syscall.ShmDestroy: return ShmDestroy(p, a[0]);
            case Syscall.ChanCreate: return ChanCreate(p, a[0], a[1]);
            case Syscall.ChanOpen: return ChanOpen(p, a[0], a[1]);
            case Syscall.ChanSend: return ChanSend(p, a[0], a[1], a[2]);
            case Syscall.ChanRecv: return ChanRecv(p, a[0], a[1], a[2], a[3], out outcome);
            case Syscall.ChanClose: return CloseChannel(p, a[0]);
            case Syscall.Note: return Note(p, a[0], a[1]);
            default: return Fail(Errno.ENOSYS);
        }
    }

    private static long Write(Process p, ulong fd, ulong buffer, ulong length)
    {
        if (fd is not (1 or 2)) return Fail(Errno.EBADF);
        if (length > MaxIo) length = MaxIo;
        var bytes = new byte[length];
        if (!p.Memory.CopyIn(buffer, bytes)) return Fail(Errno.EFAULT);
        p.Output.Write(bytes);
        return (long)length;
    }

    /// <summary>The most a note may carry (CLOAK_NOTE_MAX in syscall.h).</summary>
    public const int MaxNote = 512;

    private long Note(Process p, ulong buffer, ulong length)
    {
        if (length > MaxNote) return Fail(Errno.EINVAL);
        var bytes = new byte[length];
        if (!p.Memory.CopyIn(buffer, bytes)) return Fail(Errno.EFAULT);
        string note = System.Text.Encoding.UTF8.GetString(bytes);
        int tab = note.IndexOf('\t', StringComparison.Ordinal);
        if (_events.Listening)
            _events.GuestNote(tab < 0 ? new GuestNoteEvent(p, "", note) : new GuestNoteEvent(p, note[..tab], note[(tab + 1)..]));
        return 0;
    }

    private static long Read(Process p, ulong fd, ulong buffer, ulong length)
    {
        if (fd != 0) return Fail(Errno.EBADF);
        if (length > MaxIo) length = MaxIo;
        if (length == 0) return 0;
        // Check the buffer before consuming input, so a bad pointer loses nothing.
        if (!p.Memory.CopyOut(buffer, new byte[length])) return Fail(Errno.EFAULT);
        p.Output.Flush();
        var bytes = new byte[length];
        int got = p.Input.Read(bytes);
        return p.Memory.CopyOut(buffer, bytes.AsSpan(0, got)) ? got : Fail(Errno.EFAULT);
    }

    /// <summary>Linux brk: returns the new break, or the old one when the request cannot be met.</summary>
    private long Brk(Process p, ulong requested)
    {
        if (requested == 0 || requested < p.BreakStart || requested - p.BreakStart > _options.MaxHeap) return (long)p.Break;
        ulong newEnd = (requested + 0xFFF) & ~0xFFFUL;
        if (p.Heap is null)
        {
            if (newEnd > p.BreakStart)
            {
                int pages = (int)((newEnd - p.BreakStart) >> 12);
                if (!p.Memory.IsFree(p.BreakStart, newEnd)) return (long)p.Break;
                p.Heap = p.Memory.Map(new MemoryObject($"{p.Name}[{p.Pid}] heap", pages), p.BreakStart, 0, pages,
                    Protection.Read | Protection.Write, AreaKind.Heap);
            }
        }
        else if (newEnd > p.Heap.End)
        {
            if (!p.Memory.Extend(p.Heap, newEnd)) return (long)p.Break;
        }
        else if (newEnd < p.Heap.End)
        {
            ulong oldEnd = p.Heap.End;
            var heap = p.Heap;
            p.Memory.Unmap(Math.Max(newEnd, p.BreakStart), oldEnd);
            p.Heap = p.Memory.Areas.FirstOrDefault(a => a.Kind == AreaKind.Heap && a.Object == heap.Object);
        }
        p.Break = requested;
        return (long)requested;
    }

    private const ulong MapShared = 0x01, MapPrivate = 0x02, MapFixed = 0x10, MapAnonymous = 0x20;

    private static long Mmap(Process p, ulong address, ulong length, ulong protection, ulong flags, ulong fd)
    {
        if ((flags & MapAnonymous) == 0 || (long)fd != -1) return Fail(Errno.EACCES); // no files in this OS
        if ((flags & (MapShared | MapPrivate)) == 0 || length == 0 || length > 1UL << 30 || (protection & ~7UL) != 0)
            return Fail(Errno.EINVAL);
        ulong size = (length + 0xFFF) & ~0xFFFUL;
        ulong start;
        if ((flags & MapFixed) != 0)
        {
            if ((address & 0xFFF) != 0 || address + size < address || address + size > AddressSpace.UserTop || address < 0x1_0000) return Fail(Errno.EINVAL);
            // Shared segments leave only through shm_unmap (splitting one would break its reference count).
            if (p.Memory.Areas.Any(a => a.Kind == AreaKind.Shared && a.Start < address + size && a.End > address)) return Fail(Errno.EINVAL);
            p.Memory.Unmap(address, address + size);
            RefreshHeap(p);
            start = address;
        }
        else if (p.Memory.FindFreeRangeBelow(MmapBase - ((ulong)p.AddressRandom.Next(0, 1024) << 12), size) is { } free)
        {
            start = free;
        }
        else
        {
            return Fail(Errno.ENOMEM);
        }
        int pages = (int)(size >> 12);
        p.Memory.Map(new MemoryObject($"{p.Name}[{p.Pid}] mmap 0x{start:x}", pages), start, 0, pages, (Protection)protection, AreaKind.Anonymous);
        return (long)start;
    }

    private static long Munmap(Process p, ulong address, ulong length)
    {
        if ((address & 0xFFF) != 0 || length == 0 || address + length < address || address + length > AddressSpace.UserTop)
            return Fail(Errno.EINVAL);
        if (p.Memory.Areas.Any(a => a.Kind == AreaKind.Shared && a.Start < address + length && a.End > address))
            return Fail(Errno.EINVAL); // shared segments leave through shm_unmap
        p.Memory.Unmap(address, (address + length + 0xFFF) & ~0xFFFUL);
        RefreshHeap(p);
        return 0;
    }

    /// <summary>After an unmap, the heap is the area of kind Heap that starts at the break's start, if any is left.</summary>
    private static void RefreshHeap(Process p) =>
        p.Heap = p.Memory.Areas.FirstOrDefault(a => a.Kind == AreaKind.Heap && a.Start == p.BreakStart);

    private bool ReadTimespec(Process p, ulong address, out ulong nanoseconds)
    {
        nanoseconds = 0;
        Span<byte> ts = stackalloc byte[16];
        if (!p.Memory.CopyIn(address, ts)) return false;
        long seconds = BinaryPrimitives.ReadInt64LittleEndian(ts), nsec = BinaryPrimitives.ReadInt64LittleEndian(ts[8..]);
        if (seconds < 0 || nsec is < 0 or >= 1_000_000_000 || seconds > 1L << 32) return false;
        nanoseconds = (ulong)seconds * 1_000_000_000 + (ulong)nsec;
        return true;
    }

    private long NanoSleep(Process p, ulong request, out Outcome outcome)
    {
        outcome = Outcome.Return;
        ulong now = _port.NowNanoseconds;
        if (p.SleepUntilNanoseconds is { } until)
        {
            if (now >= until)
            {
                p.SleepUntilNanoseconds = null;
                return 0;
            }
            Block(p);
            outcome = Outcome.Block;
            return 0;
        }
        Span<byte> probe = stackalloc byte[16];
        if (!p.Memory.CopyIn(request, probe)) return Fail(Errno.EFAULT);
        if (!ReadTimespec(p, request, out ulong duration)) return Fail(Errno.EINVAL);
        if (duration == 0) return 0;
        p.SleepUntilNanoseconds = now + duration;
        Block(p);
        outcome = Outcome.Block;
        return 0;
    }

    private long ClockGetTime(Process p, ulong clock, ulong address)
    {
        ulong now = _port.NowNanoseconds;
        ulong value = clock switch
        {
            0 => (ulong)_options.RealtimeEpochSeconds * 1_000_000_000 + now,        // CLOCK_REALTIME
            1 or 4 or 7 => now,                                                     // MONOTONIC, MONOTONIC_RAW, BOOTTIME
            2 or 3 => (ulong)((UInt128)p.Statistics.Instructions * 1_000_000_000 / _port.ClockHz), // process / thread CPU time
            _ => ulong.MaxValue,
        };
        if (value == ulong.MaxValue) return Fail(Errno.EINVAL);
        Span<byte> ts = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(ts, value / 1_000_000_000);
        BinaryPrimitives.WriteUInt64LittleEndian(ts[8..], value % 1_000_000_000);
        return p.Memory.CopyOut(address, ts) ? 0 : Fail(Errno.EFAULT);
    }

    private const ulong WaitNoHang = 1;

    private long Wait4(Process p, long pid, ulong statusAddress, ulong options, out Outcome outcome)
    {
        outcome = Outcome.Return;
        if ((options & ~WaitNoHang) != 0 || pid < -1 || pid == 0) return Fail(Errno.EINVAL);
        var children = _processes.Where(c => c.ParentPid == p.Pid && c.State != ProcessState.Reaped && (pid == -1 || c.Pid == pid)).ToList();
        if (children.Count == 0) return Fail(Errno.ECHILD);
        var zombie = children.FirstOrDefault(c => c.State == ProcessState.Zombie);
        if (zombie is null)
        {
            if ((options & WaitNoHang) != 0) return 0;
            p.WaitingForChild = true;
            Block(p);
            outcome = Outcome.Block;
            return 0;
        }
        // Linux wait status: exit code in bits 15:8, or the terminating signal in bits 6:0.
        int status = zombie.KillReason is null ? (zombie.ExitCode & 0xFF) << 8 : zombie.ExitCode - 128;
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, status);
        if (statusAddress != 0 && !p.Memory.CopyOut(statusAddress, bytes)) return Fail(Errno.EFAULT);
        zombie.State = ProcessState.Reaped;
        return zombie.Pid;
    }

    private long Spawn(Process p, ulong nameAddress, ulong nameLength, ulong argvAddress)
    {
        if (nameLength > 256) return Fail(Errno.ENAMETOOLONG);
        if (p.Memory.ReadString(nameAddress, nameLength, 256) is not { } name) return Fail(Errno.EFAULT);
        if (!_programs.TryGetValue(name, out var image)) return Fail(Errno.ENOENT);
        var arguments = new List<string>();
        if (argvAddress == 0) arguments.Add(name);
        Span<byte> word = stackalloc byte[8];
        for (ulong at = argvAddress; argvAddress != 0; at += 8)
        {
            if (arguments.Count > 64) return Fail(Errno.EINVAL);
            if (!p.Memory.CopyIn(at, word)) return Fail(Errno.EFAULT);
            ulong pointer = BinaryPrimitives.ReadUInt64LittleEndian(word);
            if (pointer == 0) break;
            if (ReadCString(p, pointer, 4096) is not { } argument) return Fail(Errno.EFAULT);
            arguments.Add(argument);
        }
        var child = CreateProcess(name, image, arguments, p.Pid);
        return child is null ? Fail(Errno.ENOMEM) : child.Pid;
    }

    private static string? ReadCString(Process p, ulong address, int maxLength)
    {
        var bytes = new List<byte>();
        Span<byte> one = stackalloc byte[1];
        while (bytes.Count <= maxLength)
        {
            if (!p.Memory.CopyIn(address + (ulong)bytes.Count, one)) return null;
            if (one[0] == 0) return System.Text.Encoding.UTF8.GetString([.. bytes]);
            bytes.Add(one[0]);
        }
        return null;
    }
}
