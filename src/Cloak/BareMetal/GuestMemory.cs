using System.Buffers.Binary;
using System.Text;
using Cloak.Platform;

namespace Cloak.BareMetal;

/// <summary>
/// Host services' view of guest memory: physical addresses in DRAM (bare-metal programs run in
/// M-mode without translation). Every access is bounds-checked; a bad guest pointer is an error
/// value, never an exception.
/// </summary>
internal sealed class GuestMemory(Dram dram)
{
    public bool TryRead(ulong address, int length, out byte[] bytes)
    {
        bytes = [];
        if (length < 0 || !dram.Contains(address, (ulong)length)) return false;
        bytes = dram.Read(address, length).ToArray();
        return true;
    }

    public bool TryWrite(ulong address, ReadOnlySpan<byte> bytes)
    {
        if (!dram.Contains(address, (ulong)bytes.Length)) return false;
        dram.Write(address, bytes);
        return true;
    }

    public bool TryReadUInt64(ulong address, out ulong value)
    {
        value = 0;
        if (!dram.Contains(address, 8)) return false;
        value = BinaryPrimitives.ReadUInt64LittleEndian(dram.Read(address, 8));
        return true;
    }

    public bool TryWriteUInt64(ulong address, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return TryWrite(address, bytes);
    }

    /// <summary>Reads a NUL-terminated string of at most <paramref name="maxLength"/> bytes.</summary>
    public bool TryReadCString(ulong address, int maxLength, out byte[] bytes)
    {
        bytes = [];
        var buffer = new List<byte>();
        for (ulong a = address; buffer.Count <= maxLength; a++)
        {
            if (!dram.Contains(a)) return false;
            byte b = dram.Read(a, 1)[0];
            if (b == 0)
            {
                bytes = [.. buffer];
                return true;
            }
            buffer.Add(b);
        }
        return false;
    }

    public bool TryReadString(ulong address, int length, out string text)
    {
        text = "";
        if (!TryRead(address, length, out var bytes)) return false;
        text = Encoding.UTF8.GetString(bytes);
        return true;
    }
}
