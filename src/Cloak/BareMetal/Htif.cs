using Cloak.Platform;

namespace Cloak.BareMetal;

/// <summary>
/// Spike's host-target interface through the <c>tohost</c>/<c>fromhost</c> words a program exports.
/// A write to tohost encodes device (bits 63:56), command (55:48) and payload (47:0):
/// device 0 with an odd payload exits with status payload &gt;&gt; 1 (riscv-tests' pass/fail);
/// device 0 with an even payload points at a syscall block {number, arg0, arg1, arg2, ...} of which
/// write (64) and exit (93) are served; device 1 command 1 prints the payload's low byte.
/// </summary>
internal sealed class Htif
{
    private const ulong SysWrite = 64, SysExit = 93;

    private readonly Dram _dram;
    private readonly GuestMemory _memory;
    private readonly Stream _stdout, _stderr;

    public Htif(Dram dram, ulong tohost, ulong? fromhost, Stream stdout, Stream stderr)
    {
        _dram = dram;
        _memory = new GuestMemory(dram);
        ToHost = tohost;
        FromHost = fromhost;
        _stdout = stdout;
        _stderr = stderr;
    }

    public ulong ToHost { get; }
    public ulong? FromHost { get; }

    /// <summary>Serves a pending tohost command; returns the exit status if the program asked to stop.</summary>
    public int? Poll()
    {
        if (!_dram.Contains(ToHost, 8)) return null;
        ulong command = _dram.ReadUInt64(ToHost);
        if (command == 0) return null;
        _dram.WriteUInt64(ToHost, 0);

        ulong device = command >> 56, cmd = command >> 48 & 0xFF, payload = command & 0xFFFF_FFFF_FFFF;
        if (device == 0 && cmd == 0)
        {
            if ((payload & 1) != 0) return (int)(payload >> 1);
            return Syscall(payload);
        }
        if (device == 1 && cmd == 1)
        {
            _stdout.WriteByte((byte)payload);
            Acknowledge(command & ~0xFFFF_FFFF_FFFFUL);
        }
        return null;
    }

    private int? Syscall(ulong block)
    {
        if (!_memory.TryRead(block, 32, out var raw)) return null;
        ulong number = BitConverter.ToUInt64(raw, 0), a0 = BitConverter.ToUInt64(raw, 8),
            a1 = BitConverter.ToUInt64(raw, 16), a2 = BitConverter.ToUInt64(raw, 24);
        long result;
        if (number == SysExit) return (int)a0;
        if (number == SysWrite && a0 is 1 or 2 && a2 <= int.MaxValue && _memory.TryRead(a1, (int)a2, out var bytes))
        {
            (a0 == 1 ? _stdout : _stderr).Write(bytes);
            result = (long)a2;
        }
        else
        {
            result = -38; // -ENOSYS
        }
        _memory.TryWriteUInt64(block, (ulong)result);
        Acknowledge(1);
        return null;
    }

    private void Acknowledge(ulong value)
    {
        if (FromHost is { } address && _dram.Contains(address, 8)) _dram.WriteUInt64(address, value);
    }
}
