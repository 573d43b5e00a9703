using System.Buffers.Binary;

namespace Cloak.Chip.Bus.Devices;

/// <summary>
/// Core-local interruptor, laid out as SiFive's CLINT (and QEMU virt's): msip at +0x0, mtimecmp at
/// +0x4000, mtime at +0xBFF8. Time is derived from the hart's cycle count so that runs are
/// deterministic: mtime = cycles / <see cref="CyclesPerTick"/> + offset.
/// </summary>
public sealed class Clint : IMmioDevice
{
    public const ulong MsipOffset = 0x0, MtimecmpOffset = 0x4000, MtimeOffset = 0xBFF8;

    private readonly Func<ulong> _cycles;
    private ulong _mtimeOffset;

    public Clint(Func<ulong> cycles, ulong cyclesPerTick)
    {
        if (cyclesPerTick == 0) throw new ArgumentOutOfRangeException(nameof(cyclesPerTick), "must be at least 1");
        _cycles = cycles;
        CyclesPerTick = cyclesPerTick;
    }

    public string Name => "clint";
    public ulong Size => 0x1_0000;
    public ulong CyclesPerTick { get; }

    public bool SoftwareInterruptPending { get; set; }

    /// <summary>Reset value all ones: no timer interrupt until software programs one.</summary>
    public ulong Mtimecmp { get; set; } = ulong.MaxValue;

    public ulong Mtime
    {
        get => _cycles() / CyclesPerTick + _mtimeOffset;
        set => _mtimeOffset = value - _cycles() / CyclesPerTick;
    }

    public bool TimerInterruptPending => Mtime >= Mtimecmp;

    /// <summary>Cycles from now until mtime reaches mtimecmp (0 if already there).</summary>
    public ulong CyclesUntilTimer()
    {
        ulong cycles = _cycles();
        if (cycles / CyclesPerTick + _mtimeOffset >= Mtimecmp) return 0;
        // mtime reaches mtimecmp at the first cycle of tick (mtimecmp - offset).
        ulong targetTick = Mtimecmp - _mtimeOffset;
        if (targetTick > ulong.MaxValue / CyclesPerTick) return ulong.MaxValue;
        return targetTick * CyclesPerTick - cycles;
    }

    /// <summary>Raised when software writes mtimecmp or msip, so the hart re-evaluates interrupts.</summary>
    public event Action? Changed;

    public bool TryRead(ulong offset, int size, out ulong value)
    {
        value = 0;
        if (offset == MsipOffset && size == 4) { value = SoftwareInterruptPending ? 1u : 0u; return true; }
        return TryRegister64(offset, size, MtimecmpOffset, Mtimecmp, ref value) ||
               TryRegister64(offset, size, MtimeOffset, Mtime, ref value);
    }

    private static bool TryRegister64(ulong offset, int size, ulong at, ulong register, ref ulong value)
    {
        if (size == 8 && offset == at) { value = register; return true; }
        if (size == 4 && offset == at) { value = (uint)register; return true; }
        if (size == 4 && offset == at + 4) { value = register >> 32; return true; }
        return false;
    }

    public bool TryWrite(ulong offset, int size, ulong value)
    {
        if (offset == MsipOffset && size == 4)
        {
            SoftwareInterruptPending = (value & 1) != 0;
            Changed?.Invoke();
            return true;
        }
        if (offset >= MtimecmpOffset && offset < MtimecmpOffset + 8)
        {
            if (!TryMerge(offset - MtimecmpOffset, size, value, Mtimecmp, out ulong merged)) return false;
            Mtimecmp = merged;
            Changed?.Invoke();
            return true;
        }
        if (offset >= MtimeOffset && offset < MtimeOffset + 8)
        {
            if (!TryMerge(offset - MtimeOffset, size, value, Mtime, out ulong merged)) return false;
            Mtime = merged;
            Changed?.Invoke();
            return true;
        }
        return false;
    }

    /// <summary>Applies a 4- or 8-byte aligned write into a 64-bit register.</summary>
    private static bool TryMerge(ulong offset, int size, ulong value, ulong old, out ulong merged)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, old);
        merged = old;
        if (!(size == 8 && offset == 0) && !(size == 4 && offset is 0 or 4)) return false;
        for (int i = 0; i < size; i++) bytes[(int)offset + i] = (byte)(value >> (8 * i));
        merged = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        return true;
    }
}
