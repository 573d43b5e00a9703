using Cloak.Isa;

namespace Cloak.Chip.Cpu;

/// <summary>
/// Control and status registers (privileged spec chapter 2 and 3.1). Cloak has M and U modes only,
/// so the S-mode registers do not exist; medeleg and mideleg are read-only zero (nothing can be
/// delegated without S-mode); satp exists because the OS model, which plays M-mode, runs user
/// processes under Sv39. PMP has 16 entries (<see cref="PhysicalMemoryProtection"/>) and the debug
/// trigger module two triggers (<see cref="DebugTriggers"/>), as QEMU's virt board.
/// </summary>
public sealed unsafe partial class Hart
{
    // mstatus fields (privileged spec 3.1.6).
    public const ulong MstatusMie = 1UL << 3, MstatusMpie = 1UL << 7, MstatusMpp = 3UL << 11,
        MstatusMprv = 1UL << 17, MstatusTw = 1UL << 21, MstatusUxl64 = 2UL << 32;
    private const int MstatusMppShift = 11;
    private const ulong MstatusWritable = MstatusMie | MstatusMpie | MstatusMpp | MstatusMprv | MstatusTw;

    // mie/mip bits.
    public const ulong InterruptMsi = 1UL << 3, InterruptMti = 1UL << 7, InterruptMei = 1UL << 11;
    private const ulong MieWritable = InterruptMsi | InterruptMti | InterruptMei;

    /// <summary>misa: MXL = 64, extensions A, C, I, M and U.</summary>
    public const ulong MisaValue = 2UL << 62 | 1 << ('A' - 'A') | 1 << ('C' - 'A') | 1 << ('I' - 'A') | 1 << ('M' - 'A') | 1 << ('U' - 'A');

    private Privilege _privilege;
    private readonly PhysicalMemoryProtection _pmp = new();
    private readonly DebugTriggers _triggers = new();
    private ulong _mstatus, _mie, _mtvec, _mepc, _mcause, _mtval, _mscratch, _mcounteren, _satp;

    // Counters: minstret = retired + offset; mcycle = Cycles + offset.
    private ulong _retired, _sliceRetired, _stallCycles, _instretOffset, _cycleOffset;

    public ulong Mstatus => _mstatus;
    /// <summary>mepc as a debugger sees it: 0 while a protected context runs (it is that context's pc).</summary>
    public ulong Mepc => _protectedState is null ? _mepc : 0;
    public ulong Mcause => _mcause;
    /// <summary>mtval as a debugger sees it: 0 while a protected context runs (it may hold that context's instruction bits).</summary>
    public ulong Mtval => _protectedState is null ? _mtval : 0;

    /// <summary>The chip's own view of mepc (the OS port saves it into the sealed context).</summary>
    internal ulong MepcOnChip => _mepc;
    public ulong Mtvec => _mtvec;
    public ulong Satp => _satp;

    private ulong Mip =>
        (_clint is { SoftwareInterruptPending: true } ? InterruptMsi : 0) |
        (_clint is { TimerInterruptPending: true } ? InterruptMti : 0);

    private ulong CurrentInstret => _retired + _sliceRetired + _instretOffset;
    private ulong CurrentCycle => Cycles + _cycleOffset;
    private ulong CurrentTime => _clint?.Mtime ?? Cycles / _options.CyclesPerTimerTick;

    /// <summary>Reads a CSR as the hardware would for an access from <paramref name="privilege"/>; false if illegal.</summary>
    public bool TryReadCsr(int csr, Privilege privilege, out ulong value)
    {
        value = 0;
        if (CsrAddress.MinimumPrivilege(csr) > (int)privilege) return false;
        switch (csr)
        {
            case CsrAddress.Mstatus: value = _mstatus; return true;
            case CsrAddress.Misa: value = MisaValue; return true;
            case CsrAddress.Medeleg or CsrAddress.Mideleg: return true;
            case CsrAddress.Mie: value = _mie; return true;
            case CsrAddress.Mip: value = Mip; return true;
            case CsrAddress.Mtvec: value = _mtvec; return true;
            case CsrAddress.Mcounteren: value = _mcounteren; return true;
            case CsrAddress.Menvcfg or CsrAddress.Mcountinhibit or CsrAddress.Mseccfg: return true;
            case >= CsrAddress.Mhpmevent3 and <= CsrAddress.Mhpmevent31: return true;
            case CsrAddress.Mscratch: value = _mscratch; return true;
            case CsrAddress.Mepc: value = _mepc; return true;
            case CsrAddress.Mcause: value = _mcause; return true;
            case CsrAddress.Mtval: value = _mtval; return true;
            case >= CsrAddress.Pmpcfg0 and <= CsrAddress.Pmpcfg15:
                if ((csr & 1) != 0) return false; // RV64: the odd pmpcfg registers do not exist
                value = _pmp.ReadConfig(csr - CsrAddress.Pmpcfg0);
                return true;
            case >= CsrAddress.Pmpaddr0 and <= CsrAddress.Pmpaddr63: value = _pmp.ReadAddress(csr - CsrAddress.Pmpaddr0); return true;
            case CsrAddress.Tselect: value = _triggers.Select; return true;
            case CsrAddress.Tdata1: value = _triggers.Data1; return true;
            case CsrAddress.Tdata2: value = _triggers.Data2; return true;
            case CsrAddress.Tdata3: return true; // textra is not implemented (QEMU 7.2): reads zero
            case CsrAddress.Tinfo: value = DebugTriggers.Info; return true;
            case CsrAddress.Satp: value = _satp; return true;
            case CsrAddress.Mcycle: value = CurrentCycle; return true;
            case CsrAddress.Minstret: value = CurrentInstret; return true;
            case >= CsrAddress.Mhpmcounter3 and <= CsrAddress.Mhpmcounter31: return true;
            case >= CsrAddress.Cycle and <= CsrAddress.Hpmcounter31:
                // User-level counters need their mcounteren bit when read below M-mode (privileged spec 3.1.11).
                if (privilege < Privilege.Machine && (_mcounteren >> (csr - CsrAddress.Cycle) & 1) == 0) return false;
                value = csr switch
                {
                    CsrAddress.Cycle => CurrentCycle,
                    CsrAddress.Time => CurrentTime,
                    CsrAddress.Instret => CurrentInstret,
                    _ => 0,
                };
                return true;
            case CsrAddress.Mvendorid or CsrAddress.Marchid or CsrAddress.Mimpid or CsrAddress.Mconfigptr: return true;
            case CsrAddress.Mhartid: value = (ulong)_options.HartId; return true;
            default: return false;
        }
    }

    /// <summary>
    /// Writes a CSR with WARL legalisation; false if the CSR does not exist, is read-only, or is not
    /// accessible from <paramref name="privilege"/>. Sets <paramref name="endSlice"/> when the write
    /// changes translation or interrupt state, which the executor must observe before going on.
    /// </summary>
    public bool TryWriteCsr(int csr, Privilege privilege, ulong value, out bool endSlice) =>
        TryWriteCsr(csr, privilege, value, byInstruction: false, out endSlice);

    private bool TryWriteCsr(int csr, Privilege privilege, ulong value, bool byInstruction, out bool endSlice)
    {
        // A counter written by an instruction takes that value after the instruction, whose own
        // increment the write takes precedence over (unprivileged spec, "Zicntr").
        ulong ownIncrement = byInstruction ? 1UL : 0UL;
        endSlice = false;
        if (CsrAddress.IsReadOnly(csr) || CsrAddress.MinimumPrivilege(csr) > (int)privilege) return false;
        switch (csr)
        {
            case CsrAddress.Mstatus:
            {
                ulong next = (_mstatus & ~MstatusWritable) | (value & MstatusWritable);
                ulong mpp = (next & MstatusMpp) >> MstatusMppShift;
                if (mpp is 1 or 2) next = (next & ~MstatusMpp) | (_mstatus & MstatusMpp); // WARL: only U or M
                if (((next ^ _mstatus) & (MstatusMprv | MstatusMpp)) != 0) FlushDataTlb();
                _mstatus = next;
                endSlice = true;
                return true;
            }
            case CsrAddress.Misa or CsrAddress.Medeleg or CsrAddress.Mideleg: return true; // WARL, fixed
            case CsrAddress.Mie: _mie = value & MieWritable; endSlice = true; return true;
            case CsrAddress.Mip: return true; // MSIP/MTIP/MEIP are read-only here: they come from the CLINT
            case CsrAddress.Mtvec:
                if ((value & 3) < 2) _mtvec = value; // reserved modes leave mtvec unchanged
                return true;
            case CsrAddress.Mcounteren: _mcounteren = value & 0xFFFF_FFFF; return true;
            case CsrAddress.Menvcfg or CsrAddress.Mcountinhibit or CsrAddress.Mseccfg: return true;
            case >= CsrAddress.Mhpmevent3 and <= CsrAddress.Mhpmevent31: return true;
            case CsrAddress.Mscratch: _mscratch = value; return true;
            case CsrAddress.Mepc: _mepc = value & ~1UL; return true;
            case CsrAddress.Mcause: _mcause = value; return true;
            case CsrAddress.Mtval: _mtval = value; return true;
            case >= CsrAddress.Pmpcfg0 and <= CsrAddress.Pmpcfg15:
                if ((csr & 1) != 0) return false;
                endSlice = _pmp.WriteConfig(csr - CsrAddress.Pmpcfg0, value) && ProtectionChanged();
                return true;
            case >= CsrAddress.Pmpaddr0 and <= CsrAddress.Pmpaddr63:
                endSlice = _pmp.WriteAddress(csr - CsrAddress.Pmpaddr0, value) && ProtectionChanged();
                return true;
            case CsrAddress.Tselect: _triggers.WriteSelect(value); return true;
            case CsrAddress.Tdata1: endSlice = _triggers.WriteData1(value) && ProtectionChanged(); return true;
            case CsrAddress.Tdata2: endSlice = _triggers.WriteData2(value) && ProtectionChanged(); return true;
            case CsrAddress.Tdata3 or CsrAddress.Tinfo: return true; // writes ignored, as QEMU 7.2
            case CsrAddress.Satp:
            {
                ulong mode = Sv39.SatpMode(value);
                if (mode != Sv39.SatpModeBare && mode != Sv39.SatpModeSv39) return true; // unsupported mode: no effect
                _satp = mode == Sv39.SatpModeBare ? 0 : value;
                FlushTlb();
                endSlice = true;
                return true;
            }
            case CsrAddress.Mcycle: _cycleOffset = value - (Cycles + ownIncrement); return true;
            case CsrAddress.Minstret: _instretOffset = value - (_retired + _sliceRetired + ownIncrement); return true;
            case >= CsrAddress.Mhpmcounter3 and <= CsrAddress.Mhpmcounter31: return true;
            default: return false;
        }
    }

    /// <summary>
    /// PMP or a trigger changed: the TLBs cached rights (and fast paths past the triggers) that may no
    /// longer hold, so they are dropped, and the executor must look up its current page again before
    /// the next instruction (the caller ends the slice). Decoded instructions stay: they do not depend
    /// on either. Returns true (for the caller's endSlice).
    /// </summary>
    private bool ProtectionChanged()
    {
        FlushTlb();
        return true;
    }

    /// <summary>Host-side CSR read with M-mode rights (debuggers, the OS model, tests); mepc and mtval read 0 while a protected context runs.</summary>
    public ulong ReadCsr(int csr)
    {
        if (!TryReadCsr(csr, Privilege.Machine, out ulong value)) throw new ArgumentException($"CSR 0x{csr:x} is not implemented");
        return _protectedState is not null && csr is CsrAddress.Mepc or CsrAddress.Mtval ? 0 : value;
    }

    /// <summary>Host-side CSR write with M-mode rights.</summary>
    public void WriteCsr(int csr, ulong value)
    {
        if (!TryWriteCsr(csr, Privilege.Machine, value, out _)) throw new ArgumentException($"CSR 0x{csr:x} is not writable");
    }

    /// <summary>Executes a Zicsr instruction. Returns false (with the trap recorded) if it is illegal.</summary>
    private bool ExecuteCsr(DecodedOp* d, out bool endSlice)
    {
        endSlice = false;
        int csr = (int)d->Imm;
        bool immediate = d->Op is ExecOp.Csrrwi or ExecOp.Csrrsi or ExecOp.Csrrci;
        ulong source = immediate ? d->Rs1 : _x[d->Rs1];
        bool isSwap = d->Op is ExecOp.Csrrw or ExecOp.Csrrwi;
        // csrrw with rd = x0 does not read; csrrs/csrrc with rs1 = x0 (or zimm = 0) do not write.
        bool reads = !isSwap || d->Rd != DecodedOp.ZeroSink;
        bool writes = isSwap || d->Rs1 != 0;

        ulong old = 0;
        if (reads && !TryReadCsr(csr, _privilege, out old)) return false;
        if (writes)
        {
            ulong next = d->Op switch
            {
                ExecOp.Csrrw or ExecOp.Csrrwi => source,
                ExecOp.Csrrs or ExecOp.Csrrsi => old | source,
                _ => old & ~source,
            };
            if (!TryWriteCsr(csr, _privilege, next, byInstruction: true, out endSlice)) return false;
        }
        _x[d->Rd] = old;
        return true;
    }
}
