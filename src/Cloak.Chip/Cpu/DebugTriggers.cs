using Cloak.Isa;

namespace Cloak.Chip.Cpu;

/// <summary>
/// The trigger module of the RISC-V debug specification (Sdtrig), as QEMU 7.2's CPU implements it:
/// two triggers (tselect 0 and 1; other values are ignored), each an address match trigger of type 2
/// (mcontrol) or 6 (mcontrol6), tinfo = types 2 and 6, tdata3 read as zero, no tcontrol and no
/// mcontext. A write to tdata1 keeps the fields QEMU 7.2 keeps (the mode bits, load, store, execute,
/// and a size of any, 1, 2, 4 or 8 bytes) and clears the rest (dmode, action, match, chain, timing,
/// select, hit); a write naming any other type is ignored.
/// <para>
/// A trigger fires with a breakpoint exception (action 0, timing "before"), mtval = 0 as on QEMU:
/// execute when the pc equals tdata2; load or store when tdata2 is the address of a byte the access
/// touches (and, with a size, the access has that size). It fires in the modes its U and M bits name
/// (S does nothing: there is no S-mode). AMOs count as both a load and a store, LR as a load, SC as a
/// store. Threat: a trigger would tell the OS, which programs the triggers, when a protected process
/// reaches an address or touches a datum; so no trigger matches while a protected context runs.
/// </para>
/// </summary>
internal sealed class DebugTriggers
{
    public const int Count = 2;

    /// <summary>tinfo: bit n set when type n is supported (2 = mcontrol, 6 = mcontrol6).</summary>
    public const ulong Info = 1UL << MatchControl | 1UL << MatchControl6;

    private const int MatchControl = 2, MatchControl6 = 6, TypeShift = 60;
    private const ulong Load = 1, Store = 2, Execute = 4, ModeU = 1 << 3, ModeS = 1 << 4, ModeM = 1 << 6;
    private const ulong Mcontrol6Vu = 1UL << 23, Mcontrol6Vs = 1UL << 24;
    private const ulong ResetData1 = (ulong)MatchControl << TypeShift;

    /// <summary>Bytes an access must have for each size code (0 = any size; -1: a code QEMU does not accept).</summary>
    private static readonly int[] SizeBytes = [0, 1, 2, 4, -1, 8, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1];

    private readonly ulong[] _data1 = new ulong[Count];
    private readonly ulong[] _data2 = new ulong[Count];
    private int _select;

    public DebugTriggers() => Reset();

    /// <summary>Some trigger fires on fetches, loads, stores: only then do the hart's fast paths step aside.</summary>
    public bool ExecuteArmed { get; private set; }
    public bool LoadArmed { get; private set; }
    public bool StoreArmed { get; private set; }

    public void Reset()
    {
        _select = 0;
        Array.Fill(_data1, ResetData1);
        Array.Clear(_data2);
        UpdateArmed();
    }

    public ulong Select => (ulong)_select;
    public ulong Data1 => _data1[_select];
    public ulong Data2 => _data2[_select];

    /// <summary>tselect: a trigger that does not exist leaves the selection as it was (QEMU 7.2).</summary>
    public void WriteSelect(ulong value)
    {
        if (value < Count) _select = (int)value;
    }

    /// <summary>tdata1 of the selected trigger; true if it changed (what the TLBs may cache changes with it).</summary>
    public bool WriteData1(ulong value)
    {
        int type = (int)(value >> TypeShift);
        if (type is not (MatchControl or MatchControl6)) return false; // unsupported type: write ignored, as QEMU 7.2
        ulong kept = Load | Store | Execute | ModeU | ModeS | ModeM;
        int sizeCode;
        if (type == MatchControl)
        {
            // sizelo is bits 17:16, sizehi (RV64) bits 22:21.
            sizeCode = (int)((value >> 16 & 3) | (value >> 21 & 3) << 2);
            if (SizeBytes[sizeCode] >= 0) kept |= 3UL << 16 | 3UL << 21;
        }
        else
        {
            sizeCode = (int)(value >> 16 & 0xF);
            if (SizeBytes[sizeCode] >= 0) kept |= 0xFUL << 16;
            kept |= Mcontrol6Vu | Mcontrol6Vs;
        }
        ulong next = (ulong)type << TypeShift | (value & kept);
        if (next == _data1[_select]) return false;
        _data1[_select] = next;
        UpdateArmed();
        return true;
    }

    /// <summary>tdata2 of the selected trigger (the address to compare); true if an armed trigger now watches another address.</summary>
    public bool WriteData2(ulong value)
    {
        if (value == _data2[_select]) return false;
        _data2[_select] = value;
        return Armed(_select);
    }

    /// <summary>An execute trigger fires for an instruction at <paramref name="pc"/> in <paramref name="privilege"/>.</summary>
    public bool MatchesExecute(ulong pc, Privilege privilege)
    {
        for (int i = 0; i < Count; i++)
            if ((_data1[i] & Execute) != 0 && _data2[i] == pc && InMode(i, privilege)) return true;
        return false;
    }

    /// <summary>A load (and/or store) trigger fires for an access of <paramref name="size"/> bytes at <paramref name="va"/>.</summary>
    public bool MatchesAccess(ulong va, int size, bool load, bool store, Privilege privilege)
    {
        ulong kinds = (load ? Load : 0) | (store ? Store : 0);
        for (int i = 0; i < Count; i++)
        {
            if ((_data1[i] & kinds) == 0 || _data2[i] - va >= (ulong)size || !InMode(i, privilege)) continue;
            int wanted = SizeBytes[SizeCode(i)];
            if (wanted == 0 || wanted == size) return true;
        }
        return false;
    }

    /// <summary>True if an armed trigger of the given kinds compares an address inside the page at <paramref name="page"/>.</summary>
    public bool Watches(ulong page, bool execute, bool load, bool store)
    {
        ulong kinds = (execute ? Execute : 0) | (load ? Load : 0) | (store ? Store : 0);
        for (int i = 0; i < Count; i++)
            if ((_data1[i] & kinds) != 0 && Armed(i) && (_data2[i] & ~0xFFFUL) == page) return true;
        return false;
    }

    private int SizeCode(int i) => (int)(_data1[i] >> TypeShift) == MatchControl
        ? (int)((_data1[i] >> 16 & 3) | (_data1[i] >> 21 & 3) << 2)
        : (int)(_data1[i] >> 16 & 0xF);

    private bool InMode(int i, Privilege privilege) =>
        (_data1[i] & (privilege == Privilege.Machine ? ModeM : ModeU)) != 0;

    /// <summary>A trigger is armed when it names a mode Cloak has (U or M) and an access kind.</summary>
    private bool Armed(int i) => (_data1[i] & (ModeU | ModeM)) != 0 && (_data1[i] & (Load | Store | Execute)) != 0;

    private void UpdateArmed()
    {
        bool execute = false, load = false, store = false;
        for (int i = 0; i < Count; i++)
        {
            if (!Armed(i)) continue;
            execute |= (_data1[i] & Execute) != 0;
            load |= (_data1[i] & Load) != 0;
            store |= (_data1[i] & Store) != 0;
        }
        ExecuteArmed = execute;
        LoadArmed = load;
        StoreArmed = store;
    }
}
