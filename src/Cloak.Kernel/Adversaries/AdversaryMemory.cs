using System.Buffers.Binary;
using Cloak.Platform;

namespace Cloak.Kernel.Adversaries;

/// <summary>
/// Physical memory as an adversary holds it: every byte of DRAM, readable and writable, exactly as
/// any bus master outside the chip sees it (protected lines read back as ciphertext; the chip's
/// caches are written back first). Writes are reported to the kernel's observers as the adversary's
/// actions, so traces and reports show where an attack struck.
/// </summary>
public sealed class AdversaryMemory
{
    private readonly Dram _dram;
    private readonly AdversaryPowers _powers;

    internal AdversaryMemory(Dram dram, AdversaryPowers powers)
    {
        _dram = dram;
        _powers = powers;
    }

    public ulong BaseAddress => _dram.BaseAddress;
    public ulong Size => _dram.Size;
    public ulong EndAddress => _dram.EndAddress;

    public bool Contains(ulong address, ulong length = 1) => _dram.Contains(address, length);

    /// <summary>The bytes at a physical address range; throws if the range is not all DRAM.</summary>
    public ReadOnlySpan<byte> Read(ulong address, int length) => _dram.Read(address, length);

    public ulong ReadUInt64(ulong address) => _dram.ReadUInt64(address);

    /// <summary>Writes bytes into DRAM (the chip drops what it cached of them first).</summary>
    public void Write(ulong address, ReadOnlySpan<byte> data)
    {
        _dram.Write(address, data);
        _powers.Report($"wrote {data.Length} byte(s) of DRAM at 0x{address:x}");
    }

    public void WriteUInt64(ulong address, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        Write(address, bytes);
    }

    public void Clear(ulong address, int length)
    {
        _dram.Clear(address, length);
        _powers.Report($"cleared {length} byte(s) of DRAM at 0x{address:x}");
    }
}
