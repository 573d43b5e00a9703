using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cloak.Chip.Bus;
using Cloak.Chip.Bus.Devices;
using Cloak.Isa;

namespace Cloak.Chip.Cpu;

/// <summary>
/// One RV64IMAC hart with Zicsr and Zifencei, M and U privilege, Sv39 translation, physical memory
/// protection and the debug trigger module.
/// This file holds the architectural state and the host-facing API; the executor, memory path,
/// CSRs, traps and atomics live in the other partial files of this class.
/// </summary>
public sealed unsafe partial class Hart
{
    private readonly SystemBus _bus;
    private readonly Clint? _clint;
    private readonly HartOptions _options;

    // x0..x31 then the sink that absorbs writes to x0 (index 32); pinned for the executor's pointer.
    private readonly ulong[] _registerFile = GC.AllocateArray<ulong>(40, pinned: true);
    private readonly ulong* _x;
    private ulong _pc;

    public Hart(SystemBus bus, Clint? clint, HartOptions? options = null)
    {
        _options = options ?? new HartOptions();
        _options.Validate();
        _bus = bus;
        _clint = clint;
        _x = (ulong*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_registerFile));
        InitializeMemoryPath();
        Reset(0);
    }

    public HartOptions Options => _options;
    public SystemBus Bus => _bus;
    public Clint? Clint => _clint;

    public Privilege Privilege
    {
        get => _privilege;
        set
        {
            if (value != _privilege) FlushTlb();
            _privilege = value;
        }
    }

    /// <summary>The pc; reads 0 while a protected context runs (its pc never leaves the chip).</summary>
    public ulong Pc
    {
        get => _protectedState is null ? _pc : 0;
        set
        {
            RefuseWhileProtected();
            _pc = value & ~1UL;
        }
    }

    /// <summary>Instructions retired since reset (the minstret counter before software writes).</summary>
    public ulong InstructionsRetired => _retired;

    /// <summary>Simulated cycles: one per retired instruction, plus cycles spent waiting in wfi, plus what the protection hardware adds (<see cref="Security.CryptoLatency"/>).</summary>
    public ulong Cycles => _retired + _sliceRetired + _stallCycles + (_protection?.StallCycles ?? 0);

    /// <summary>
    /// A register as a debugger or host sees it: 0 while a protected context runs (SPEC 2.3: its
    /// registers never leave the chip; the OS port seals them, see <c>ChipPort</c>).
    /// </summary>
    public ulong GetRegister(int index) => index is > 0 and < 32 && _protectedState is null ? _x[index] : 0;

    /// <summary>Sets a register from outside (a loader, a host, a test); refused while a protected context runs.</summary>
    public void SetRegister(int index, ulong value)
    {
        if (index is < 0 or > 31) throw new ArgumentOutOfRangeException(nameof(index), index, "register index must be 0-31");
        RefuseWhileProtected();
        if (index != 0) _x[index] = value;
    }

    private void RefuseWhileProtected()
    {
        if (_protectedState is not null)
            throw new InvalidOperationException("a protected context is running: its registers and pc belong to the chip");
    }

    /// <summary>The chip's own register access (context sealing and unsealing), past the debugger's view.</summary>
    internal ulong ReadRegisterOnChip(int index) => index is > 0 and < 32 ? _x[index] : 0;

    internal void WriteRegisterOnChip(int index, ulong value)
    {
        if (index is > 0 and < 32) _x[index] = value;
    }

    internal ulong PcOnChip => _pc;

    public ulong GetRegister(Reg reg) => GetRegister((int)reg);
    public void SetRegister(Reg reg, ulong value) => SetRegister((int)reg, value);

    /// <summary>Puts the hart in its reset state (privileged spec 3.4) with pc at <paramref name="resetPc"/>.</summary>
    public void Reset(ulong resetPc)
    {
        Array.Clear(_registerFile);
        _retiredAtLastException = ulong.MaxValue;
        _pc = resetPc;
        _privilege = Privilege.Machine;
        _mstatus = MstatusUxl64;
        _mie = _mtvec = _mepc = _mcause = _mtval = _mscratch = _mcounteren = _satp = 0;
        _retired = 0;
        _stallCycles = 0;
        _instretOffset = _cycleOffset = 0;
        _reservationValid = false;
        _pmp.Reset();
        _triggers.Reset();
        LastTrap = null;
        FlushTlb();
    }
}
