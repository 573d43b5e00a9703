using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cloak.Platform;

/// <summary>
/// External memory: an untrusted byte store outside the chip (SPEC 2.2). The OS model and any
/// adversary may read and write it directly through the span API; the hart reaches it through
/// the bus. The backing array is pinned so the hart's fast path can hold raw pointers into it.
/// </summary>
public sealed unsafe class Dram
{
    private readonly byte[] _bytes;

    public Dram(ulong baseAddress, ulong size)
    {
        if (size == 0 || size % 4096 != 0 || size > 1UL << 36)
            throw new ArgumentOutOfRangeException(nameof(size), size, "DRAM size must be a non-zero multiple of 4 KiB, at most 64 GiB");
        if (baseAddress % 4096 != 0)
            throw new ArgumentOutOfRangeException(nameof(baseAddress), baseAddress, "DRAM base must be 4 KiB aligned");
        if (size > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(size), size, "DRAM larger than 2 GiB is not supported by this host model");
        BaseAddress = baseAddress;
        Size = size;
        _bytes = GC.AllocateArray<byte>((int)size, pinned: true);
        Pointer = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_bytes));
    }

    public ulong BaseAddress { get; }
    public ulong Size { get; }
    public ulong EndAddress => BaseAddress + Size;

    /// <summary>Start of the pinned backing store (for the hart's fast path only).</summary>
    internal byte* Pointer { get; }

    public bool Contains(ulong address, ulong length = 1) =>
        address >= BaseAddress && length <= Size && address - BaseAddress <= Size - length;

    /// <summary>
    /// Keeps external accesses coherent with on-chip caches: called with (address, length, isWrite)
    /// before anyone outside the chip reads or writes DRAM, so dirty cached lines are written back
    /// (encrypted) first and stale ones dropped, as a coherent DMA engine would see it.
    /// </summary>
    /// <remarks>Chip wiring, internal: an OS that could unhook it would read stale ciphertext and have its writes undone by later write-backs.</remarks>
    internal Action<ulong, ulong, bool>? Coherence { get; set; }

    /// <summary>The bytes at a physical address range; throws if the range is not all DRAM.</summary>
    public ReadOnlySpan<byte> Read(ulong address, int length)
    {
        Coherence?.Invoke(address, (ulong)length, false);
        return Slice(address, length);
    }

    /// <summary>Chip-internal transfer (the bus interface unit's), outside the coherence hook.</summary>
    internal void ReadRaw(ulong address, Span<byte> destination) => Slice(address, destination.Length).CopyTo(destination);

    /// <summary>Chip-internal transfer (the bus interface unit's): no coherence callback, no decoded-code notification needed for data lines.</summary>
    internal void WriteRaw(ulong address, ReadOnlySpan<byte> data)
    {
        data.CopyTo(Slice(address, data.Length));
        Written?.Invoke(address, (ulong)data.Length);
    }

    /// <summary>
    /// Writes bytes behind the hart's back (a loader, the OS model, an adversary) and tells the
    /// observers, so on-chip state derived from those bytes (decoded instructions) is dropped.
    /// </summary>
    public void Write(ulong address, ReadOnlySpan<byte> data)
    {
        Coherence?.Invoke(address, (ulong)data.Length, true);
        data.CopyTo(Slice(address, data.Length));
        Written?.Invoke(address, (ulong)data.Length);
    }

    public void Clear(ulong address, int length)
    {
        Coherence?.Invoke(address, (ulong)length, true);
        Slice(address, length).Clear();
        Written?.Invoke(address, (ulong)length);
    }

    public ulong ReadUInt64(ulong address) => BinaryPrimitives.ReadUInt64LittleEndian(Read(address, 8));
    public uint ReadUInt32(ulong address) => BinaryPrimitives.ReadUInt32LittleEndian(Read(address, 4));

    public void WriteUInt64(ulong address, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        Write(address, bytes);
    }

    /// <summary>Raised after <see cref="Write"/> or <see cref="Clear"/> changed a range (address, length).</summary>
    /// <remarks>Chip wiring (the hart drops decoded code), internal like <see cref="Coherence"/>.</remarks>
    internal event Action<ulong, ulong>? Written;

    private Span<byte> Slice(ulong address, int length)
    {
        if (length < 0 || !Contains(address, (ulong)length))
            throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:x}+{length} is outside DRAM [0x{BaseAddress:x}, 0x{EndAddress:x})");
        return _bytes.AsSpan((int)(address - BaseAddress), length);
    }
}
