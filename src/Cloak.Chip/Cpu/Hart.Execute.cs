using System.Runtime.CompilerServices;
using Cloak.Isa;

namespace Cloak.Chip.Cpu;

/// <summary>
/// The interpreter's hot loop: fetch a predecoded slot, dispatch on its operation, repeat.
/// Instructions are decoded once per physical page slot (see <see cref="FetchPage"/>); loads and
/// stores try the data TLB inline and fall back to the slow path in Hart.Memory.cs. Nothing here
/// allocates. Semantics follow the unprivileged spec chapter by chapter (RV64I, M, A; C is expanded
/// by the decoder).
/// </summary>
public sealed unsafe partial class Hart
{
    private enum SliceExit { Budget, Trap, EndSlice, Semihosting, Wfi, JumpToSelf }

    private Trap _pendingTrap;
    private readonly DecodedOp[] _scratchSlot = GC.AllocateArray<DecodedOp>(1, pinned: true);

    /// <summary>
    /// Runs at most <paramref name="budget"/> instructions. On return <see cref="_pc"/> and
    /// <see cref="_sliceRetired"/> are current; for <see cref="SliceExit.Trap"/>, <see cref="_pendingTrap"/>
    /// holds the exception and <see cref="_pc"/> the faulting instruction.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SliceExit RunSlice(long budget)
    {
        ulong* x = _x;
        DataTlbEntry* dtlb = _dtlb;
        ulong tlbMask = _tlbMask;
        ulong pc = _pc;
        long n = 0;
        ulong pageBase = InvalidTag;
        DecodedOp* page = null;
        long fetchHost = 0;
        DecodedOp* d;
        StoreOutcome store;
        int line;
        byte* cacheData = _cacheData;
        byte* cacheDirty = _cacheDirty;
        ulong cacheHits = 0;
        _sliceRetired = 0;

        while (n < budget)
        {
            if ((pc & PageHighMask) != pageBase)
            {
                _pc = pc;
                _sliceRetired = (ulong)n;
                page = FetchPage(pc, out fetchHost, out bool eachInstruction);
                if (page == null) goto trap;
                // A page PMP or a trigger decides instruction by instruction is looked up again for the next one.
                pageBase = eachInstruction ? InvalidTag : pc & PageHighMask;
            }
            d = page + ((pc >> 1) & (DecodedPage.Slots - 1));

        dispatch:
            switch (d->Op)
            {
                case ExecOp.NotDecoded:
                    if (fetchHost == ProtectedCodeMarker)
                    {
                        _pc = pc;
                        _sliceRetired = (ulong)n;
                        if (!DecodeProtectedLine(pc)) goto trap;
                    }
                    else
                    {
                        DecodeSlot(d, pc, fetchHost);
                    }
                    goto dispatch;
                case ExecOp.CrossesPage:
                    _sliceRetired = (ulong)n;
                    d = DecodeCrossingPage(pc);
                    if (d == null) goto trap;
                    goto dispatch;
                case ExecOp.Illegal:
                    _pendingTrap = new Trap(TrapCause.IllegalInstruction, (ulong)d->Imm);
                    goto trap;

                // ---- RV64I: upper immediates and jumps -------------------------------------
                case ExecOp.Lui: x[d->Rd] = (ulong)d->Imm; pc += d->Length; break;
                case ExecOp.Auipc: x[d->Rd] = pc + (ulong)d->Imm; pc += d->Length; break;
                case ExecOp.Jal: x[d->Rd] = pc + d->Length; pc += (ulong)d->Imm; break;
                case ExecOp.JalSelf:
                    x[d->Rd] = pc + d->Length;
                    n++;
                    _pc = pc;
                    _sliceRetired = (ulong)n;
                    _cacheFastHits += cacheHits;
                    return SliceExit.JumpToSelf;
                case ExecOp.Jalr:
                {
                    // Target first: rd may equal rs1. With C, bit 0 cleared is enough alignment.
                    ulong target = (x[d->Rs1] + (ulong)d->Imm) & ~1UL;
                    x[d->Rd] = pc + d->Length;
                    pc = target;
                    break;
                }

                // ---- branches ----------------------------------------------------------------
                case ExecOp.Beq: pc += x[d->Rs1] == x[d->Rs2] ? (ulong)d->Imm : d->Length; break;
                case ExecOp.Bne: pc += x[d->Rs1] != x[d->Rs2] ? (ulong)d->Imm : d->Length; break;
                case ExecOp.Blt: pc += (long)x[d->Rs1] < (long)x[d->Rs2] ? (ulong)d->Imm : d->Length; break;
                case ExecOp.Bge: pc += (long)x[d->Rs1] >= (long)x[d->Rs2] ? (ulong)d->Imm : d->Length; break;
                case ExecOp.Bltu: pc += x[d->Rs1] < x[d->Rs2] ? (ulong)d->Imm : d->Length; break;
                case ExecOp.Bgeu: pc += x[d->Rs1] >= x[d->Rs2] ? (ulong)d->Imm : d->Length; break;

                // ---- loads: data TLB hit inline, everything else in LoadSlow ----------------------
                case ExecOp.Lb:
                {
                    ulong va = x[d->Rs1] + (ulong)d->Imm;
                    DataTlbEntry* e = dtlb + ((va >> 12) & tlbMask);
                    if ((va & PageHighMask) == e->ReadTag) x[d->Rd] = (ulong)*(sbyte*)((long)va + e->HostOffset);
                    else if ((va & PageHighMask) == e->CachedReadTag && (line = e->LineMap[(va >> 6) & 63]) >= 0) { x[d->Rd] = (ulong)*(sbyte*)(cacheData + (line << 6) + (long)(va & 63)); cacheHits++; }
                    else { _sliceRetired = (ulong)n; if (!LoadSlow(va, 1, out ulong v)) goto trap; x[d->Rd] = (ulong)(sbyte)v; }
                    pc += d->Length;
                    break;
                }
                case ExecOp.Lbu:
                {
                    ulong va = x[d->Rs1] + (ulong)d->Imm;
                    DataTlbEntry* e = dtlb + ((va >> 12) & tlbMask);
                    if ((va & PageHighMask) == e->ReadTag) x[d->Rd] = *(byte*)((long)va + e->HostOffset);
                    else if ((va & PageHighMask) == e->CachedReadTag && (line = e->LineMap[(va >> 6) & 63]) >= 0) { x[d->Rd] = *(byte*)(cacheData + (line << 6) + (long)(va & 63)); cacheHits++; }
                    else { _sliceRetired = (ulong)n; if (!LoadSlow(va, 1, out ulong v)) goto trap; x[d->Rd] = v; }
                    pc += d->Length;
                    break;
                }
                case ExecOp.Lh:
                {
                    ulong va = x[d->Rs1] + (ulong)d->Imm;
                    DataTlbEntry* e = dtlb + ((va >> 12) & tlbMask);
                    if ((va & (PageHighMask | 1)) == e->ReadTag) x[d->Rd] = (ulong)*(short*)((long)va + e->HostOffset);
                    else if ((va & (PageHighMask | 1)) == e->CachedReadTag && (line = e->LineMap[(va >> 6) & 63]) >= 0) { x[d->Rd] = (ulong)*(short*)(cacheData + (line << 6) + (long)(va & 63)); cacheHits++; }
                    else { _sliceRetired = (ulong)n; if (!LoadSlow(va, 2, out ulong v)) goto trap; x[d->Rd] = (ulong)(short)v; }
                    pc += d->Length;
                    break;
                }
                case ExecOp.Lhu:
                {
                    ulong va = x[d->Rs1] + (ulong)d->Imm;
                    DataTlbEntry* e = dtlb + ((va >> 12) & tlbMask);
                    if ((va & (PageHighMask | 1)) == e->ReadTag) x[d->Rd] = *(ushort*)((long)va + e->HostOffset);
                    else if ((va & (PageHighMask | 1)) == e->CachedReadTag && (line = e->LineMap[(va >> 6) & 63]) >= 0) { x[d->Rd] = *(ushort*)(cacheData + (line << 6) + (long)(va & 63)); cacheHits++; }
                    else { _sliceRetired = (ulong)n; if (!LoadSlow(va, 2, out ulong v)) goto trap; x[d->Rd] = v; }
                    pc += d->Length;
                    break;
                }
                case ExecOp.Lw:
                {
                    ulong va = x[d->Rs1] + (ulong)d->Imm;
                    DataTlbEntry* e = dtlb + ((va >> 12) & tlbMask);
                    if ((va & (PageHighMask | 3)) == e->ReadTag) x[d->Rd] = (ulong)*(int*)((long)va + e->HostOffset);
                    else if ((va & (PageHighMask | 3)) == e->CachedReadTag && (line = e->LineMap[(va >> 6) & 63]) >= 0) { x[d->Rd] = (ulong)*(int*)(cacheData + (line << 6) + (long)(va & 63)); cacheHits++; }
                    else { _sliceRetired = (ulong)n; if (!LoadSlow(va, 4, out ulong v)) goto trap; x[d->Rd] = (ulong)(int)v; }
                    pc += d->Length;
                    break;
                }
                case ExecOp.Lwu:
                {
                    ulong va = x[d->Rs1] + (ulong)d->Imm;
                    DataTlbEntry* e = dtlb + ((va >> 12) & tlbMask);
                    if ((va & (PageHighMask | 3)) == e->ReadTag) x[d->Rd] = *(uint*)((long)va + e->HostOffset);
                    else if ((va & (PageHighMask | 3)) == e->CachedReadTag && (line = e->LineMap[(va >> 6) & 63]) >= 0) { x[d->Rd] = *(uint*)(cacheData + (line << 6) + (long)(va & 63)); cacheHits++; }
                    else { _sliceRetired = (ulong)n; if (!LoadSlow(va, 4, out ulong v)) goto trap; x[d->Rd] = v; }
                    pc += d->Length;
                    break;
                }
                case ExecOp.Ld:
                {
                    ulong va = x[d->Rs1] + (ulong)d->Imm;
                    DataTlbEntry* e = dtlb + ((va >> 12) & tlbMask);
                    if ((va & (PageHighMask | 7)) == e->ReadTag) x[d->Rd] = *(ulong*)((long)va + e->HostOffset);
                    else if ((va & (PageHighMask | 7)) == e->CachedReadTag && (line = e->LineMap[(va >> 6) & 63]) >= 0) { x[d->Rd] = *(ulong*)(cacheData + (line << 6) + (long)(va & 63)); cacheHits++; }
                    else { _sliceRetired = (ulong)n; if (!LoadSlow(va, 8, out ulong v)) goto trap; x[d->Rd] = v; }
                    pc += d->Length;
                    break;
                }

                // ---- stores -------------------------------------------------------------------
                case ExecOp.Sb:
                {
                    ulong va = x[d->Rs1] + (ulong)d->Imm;
                    DataTlbEntry* e = dtlb + ((va >> 12) & tlbMask);
                    if ((va & PageHighMask) == e->WriteTag) *(byte*)((long)va + e->HostOffset) = (byte)x[d->Rs2];
                    else if ((va & PageHighMask) == e->CachedWriteTag && (line = e->LineMap[(va >> 6) & 63]) >= 0) { *(byte*)(cacheData + (line << 6) + (long)(va & 63)) = (byte)x[d->Rs2]; cacheDirty[line] = 1; cacheHits++; }
                    else { _sliceRetired = (ulong)n; store = StoreSlow(va, 1, x[d->Rs2]); goto storeDone; }
                    pc += d->Length;
                    break;
                }
                case ExecOp.Sh:
                {
                    ulong va = x[d->Rs1] + (ulong)d->Imm;
                    DataTlbEntry* e = dtlb + ((va >> 12) & tlbMask);
                    if ((va & (PageHighMask | 1)) == e->WriteTag) *(ushort*)((long)va + e->HostOffset) = (ushort)x[d->Rs2];
                    else if ((va & (PageHighMask | 1)) == e->CachedWriteTag && (line = e->LineMap[(va >> 6) & 63]) >= 0) { *(ushort*)(cacheData + (line << 6) + (long)(va & 63)) = (ushort)x[d->Rs2]; cacheDirty[line] = 1; cacheHits++; }
                    else { _sliceRetired = (ulong)n; store = StoreSlow(va, 2, x[d->Rs2]); goto storeDone; }
                    pc += d->Length;
                    break;
                }
                case ExecOp.Sw:
                {
                    ulong va = x[d->Rs1] + (ulong)d->Imm;
                    DataTlbEntry* e = dtlb + ((va >> 12) & tlbMask);
                    if ((va & (PageHighMask | 3)) == e->WriteTag) *(uint*)((long)va + e->HostOffset) = (uint)x[d->Rs2];
                    else if ((va & (PageHighMask | 3)) == e->CachedWriteTag && (line = e->LineMap[(va >> 6) & 63]) >= 0) { *(uint*)(cacheData + (line << 6) + (long)(va & 63)) = (uint)x[d->Rs2]; cacheDirty[line] = 1; cacheHits++; }
                    else { _sliceRetired = (ulong)n; store = StoreSlow(va, 4, x[d->Rs2]); goto storeDone; }
                    pc += d->Length;
                    break;
                }
                case ExecOp.Sd:
                {
                    ulong va = x[d->Rs1] + (ulong)d->Imm;
                    DataTlbEntry* e = dtlb + ((va >> 12) & tlbMask);
                    if ((va & (PageHighMask | 7)) == e->WriteTag) *(ulong*)((long)va + e->HostOffset) = x[d->Rs2];
                    else if ((va & (PageHighMask | 7)) == e->CachedWriteTag && (line = e->LineMap[(va >> 6) & 63]) >= 0) { *(ulong*)(cacheData + (line << 6) + (long)(va & 63)) = x[d->Rs2]; cacheDirty[line] = 1; cacheHits++; }
                    else { _sliceRetired = (ulong)n; store = StoreSlow(va, 8, x[d->Rs2]); goto storeDone; }
                    pc += d->Length;
                    break;
                }

                // ---- integer register-immediate and register-register -------------------------------
                case ExecOp.Addi: x[d->Rd] = x[d->Rs1] + (ulong)d->Imm; pc += d->Length; break;
                case ExecOp.Slti: x[d->Rd] = (long)x[d->Rs1] < d->Imm ? 1UL : 0UL; pc += d->Length; break;
                case ExecOp.Sltiu: x[d->Rd] = x[d->Rs1] < (ulong)d->Imm ? 1UL : 0UL; pc += d->Length; break;
                case ExecOp.Xori: x[d->Rd] = x[d->Rs1] ^ (ulong)d->Imm; pc += d->Length; break;
                case ExecOp.Ori: x[d->Rd] = x[d->Rs1] | (ulong)d->Imm; pc += d->Length; break;
                case ExecOp.Andi: x[d->Rd] = x[d->Rs1] & (ulong)d->Imm; pc += d->Length; break;
                case ExecOp.Slli: x[d->Rd] = x[d->Rs1] << (int)d->Imm; pc += d->Length; break;
                case ExecOp.Srli: x[d->Rd] = x[d->Rs1] >> (int)d->Imm; pc += d->Length; break;
                case ExecOp.Srai: x[d->Rd] = (ulong)((long)x[d->Rs1] >> (int)d->Imm); pc += d->Length; break;
                case ExecOp.Add: x[d->Rd] = x[d->Rs1] + x[d->Rs2]; pc += d->Length; break;
                case ExecOp.Sub: x[d->Rd] = x[d->Rs1] - x[d->Rs2]; pc += d->Length; break;
                // C# masks 64-bit shift counts to 6 bits and 32-bit ones to 5, exactly as RV64 does.
                case ExecOp.Sll: x[d->Rd] = x[d->Rs1] << (int)x[d->Rs2]; pc += d->Length; break;
                case ExecOp.Slt: x[d->Rd] = (long)x[d->Rs1] < (long)x[d->Rs2] ? 1UL : 0UL; pc += d->Length; break;
                case ExecOp.Sltu: x[d->Rd] = x[d->Rs1] < x[d->Rs2] ? 1UL : 0UL; pc += d->Length; break;
                case ExecOp.Xor: x[d->Rd] = x[d->Rs1] ^ x[d->Rs2]; pc += d->Length; break;
                case ExecOp.Srl: x[d->Rd] = x[d->Rs1] >> (int)x[d->Rs2]; pc += d->Length; break;
                case ExecOp.Sra: x[d->Rd] = (ulong)((long)x[d->Rs1] >> (int)x[d->Rs2]); pc += d->Length; break;
                case ExecOp.Or: x[d->Rd] = x[d->Rs1] | x[d->Rs2]; pc += d->Length; break;
                case ExecOp.And: x[d->Rd] = x[d->Rs1] & x[d->Rs2]; pc += d->Length; break;

                // ---- RV64I word forms: 32-bit results, sign-extended ---------------------------------
                case ExecOp.Addiw: x[d->Rd] = (ulong)(long)(int)(x[d->Rs1] + (ulong)d->Imm); pc += d->Length; break;
                case ExecOp.Slliw: x[d->Rd] = (ulong)(long)(int)((uint)x[d->Rs1] << (int)d->Imm); pc += d->Length; break;
                case ExecOp.Srliw: x[d->Rd] = (ulong)(long)(int)((uint)x[d->Rs1] >> (int)d->Imm); pc += d->Length; break;
                case ExecOp.Sraiw: x[d->Rd] = (ulong)(long)((int)x[d->Rs1] >> (int)d->Imm); pc += d->Length; break;
                case ExecOp.Addw: x[d->Rd] = (ulong)(long)(int)(x[d->Rs1] + x[d->Rs2]); pc += d->Length; break;
                case ExecOp.Subw: x[d->Rd] = (ulong)(long)(int)(x[d->Rs1] - x[d->Rs2]); pc += d->Length; break;
                case ExecOp.Sllw: x[d->Rd] = (ulong)(long)(int)((uint)x[d->Rs1] << (int)x[d->Rs2]); pc += d->Length; break;
                case ExecOp.Srlw: x[d->Rd] = (ulong)(long)(int)((uint)x[d->Rs1] >> (int)x[d->Rs2]); pc += d->Length; break;
                case ExecOp.Sraw: x[d->Rd] = (ulong)(long)((int)x[d->Rs1] >> (int)x[d->Rs2]); pc += d->Length; break;

                // ---- RV64M ------------------------------------------------------------------------
                case ExecOp.Mul: x[d->Rd] = x[d->Rs1] * x[d->Rs2]; pc += d->Length; break;
                case ExecOp.Mulh: x[d->Rd] = (ulong)Math.BigMul((long)x[d->Rs1], (long)x[d->Rs2], out _); pc += d->Length; break;
                case ExecOp.Mulhu: x[d->Rd] = Math.BigMul(x[d->Rs1], x[d->Rs2], out _); pc += d->Length; break;
                case ExecOp.Mulhsu: x[d->Rd] = MulHighSignedUnsigned(x[d->Rs1], x[d->Rs2]); pc += d->Length; break;
                case ExecOp.Div: x[d->Rd] = Divide((long)x[d->Rs1], (long)x[d->Rs2]); pc += d->Length; break;
                case ExecOp.Divu: x[d->Rd] = x[d->Rs2] == 0 ? ulong.MaxValue : x[d->Rs1] / x[d->Rs2]; pc += d->Length; break;
                case ExecOp.Rem: x[d->Rd] = Remainder((long)x[d->Rs1], (long)x[d->Rs2]); pc += d->Length; break;
                case ExecOp.Remu: x[d->Rd] = x[d->Rs2] == 0 ? x[d->Rs1] : x[d->Rs1] % x[d->Rs2]; pc += d->Length; break;
                case ExecOp.Mulw: x[d->Rd] = (ulong)(long)(int)(x[d->Rs1] * x[d->Rs2]); pc += d->Length; break;
                case ExecOp.Divw: x[d->Rd] = (ulong)(long)DivideWord((int)x[d->Rs1], (int)x[d->Rs2]); pc += d->Length; break;
                case ExecOp.Divuw: x[d->Rd] = (ulong)(long)(int)((uint)x[d->Rs2] == 0 ? uint.MaxValue : (uint)x[d->Rs1] / (uint)x[d->Rs2]); pc += d->Length; break;
                case ExecOp.Remw: x[d->Rd] = (ulong)(long)RemainderWord((int)x[d->Rs1], (int)x[d->Rs2]); pc += d->Length; break;
                case ExecOp.Remuw: x[d->Rd] = (ulong)(long)(int)((uint)x[d->Rs2] == 0 ? (uint)x[d->Rs1] : (uint)x[d->Rs1] % (uint)x[d->Rs2]); pc += d->Length; break;

                // ---- RV64A ------------------------------------------------------------------------
                case ExecOp.LrW or ExecOp.LrD or ExecOp.ScW or ExecOp.ScD or
                     ExecOp.AmoswapW or ExecOp.AmoaddW or ExecOp.AmoxorW or ExecOp.AmoandW or ExecOp.AmoorW or
                     ExecOp.AmominW or ExecOp.AmomaxW or ExecOp.AmominuW or ExecOp.AmomaxuW or
                     ExecOp.AmoswapD or ExecOp.AmoaddD or ExecOp.AmoxorD or ExecOp.AmoandD or ExecOp.AmoorD or
                     ExecOp.AmominD or ExecOp.AmomaxD or ExecOp.AmominuD or ExecOp.AmomaxuD:
                    _sliceRetired = (ulong)n;
                    store = ExecuteAtomic(d);
                    goto storeDone;

                // ---- fences: a single hart with coherent decoded pages needs no work ---------------
                case ExecOp.Fence or ExecOp.FenceI: pc += d->Length; break;

                // ---- system -------------------------------------------------------------------------
                case ExecOp.Ecall:
                    _pendingTrap = new Trap(_privilege == Privilege.User ? TrapCause.EnvironmentCallFromUMode : TrapCause.EnvironmentCallFromMMode, 0);
                    goto trap;
                case ExecOp.Ebreak:
                    _pc = pc;
                    _sliceRetired = (ulong)n;
                    if (d->Length == 4 && IsSemihostingCall(pc))
                    {
                        _cacheFastHits += cacheHits;
                        return SliceExit.Semihosting;
                    }
                    // mtval = 0 for ebreak, as QEMU does (the privileged spec also allows the pc).
                    _pendingTrap = new Trap(TrapCause.Breakpoint, 0);
                    goto trap;
                case ExecOp.Csrrw or ExecOp.Csrrs or ExecOp.Csrrc or ExecOp.Csrrwi or ExecOp.Csrrsi or ExecOp.Csrrci:
                {
                    _sliceRetired = (ulong)n;
                    if (!ExecuteCsr(d, out bool endSlice)) goto illegal;
                    pc += d->Length;
                    if (endSlice) { n++; goto endSlice; }
                    break;
                }
                case ExecOp.Mret:
                    if (_privilege != Privilege.Machine) goto illegal;
                    pc = ReturnFromMachineTrap();
                    n++;
                    goto endSlice;
                case ExecOp.Wfi:
                    // With TW set, wfi below M-mode is illegal at once (privileged spec 3.1.6.5).
                    if (_privilege != Privilege.Machine && (_mstatus & MstatusTw) != 0) goto illegal;
                    pc += d->Length;
                    n++;
                    _pc = pc;
                    _sliceRetired = (ulong)n;
                    _cacheFastHits += cacheHits;
                    return SliceExit.Wfi;
                case ExecOp.SfenceVma:
                    if (_privilege != Privilege.Machine) goto illegal;
                    FlushTlb();
                    pc += d->Length;
                    n++;
                    goto endSlice;

                // ---- TRP instructions (Hart.Trp.cs) ---------------------------------------------------
                case ExecOp.TrpEnter or ExecOp.TrpHidden or ExecOp.TrpPrivate or ExecOp.TrpEarSet or ExecOp.TrpEarClear or
                     ExecOp.TrpRandom or ExecOp.TrpKeyPair or ExecOp.TrpAgree or ExecOp.TrpSign or ExecOp.TrpVerify or ExecOp.TrpMode or
                     ExecOp.TrpAttest or ExecOp.TrpVerifyReport:
                    _pc = pc;
                    _sliceRetired = (ulong)n;
                    if (!ExecuteTrp(d)) goto trap;
                    pc = _pc;
                    n++;
                    goto endSlice;

                default:
                    throw new InvalidOperationException($"executor has no case for {d->Op}");
            }
            n++;
            continue;

        storeDone:
            if (store == StoreOutcome.Trap) goto trap;
            pc += d->Length;
            n++;
            if (store == StoreOutcome.DoneEndSlice) goto endSlice;
        }
        _pc = pc;
        _sliceRetired = (ulong)n;
        _cacheFastHits += cacheHits;
        return SliceExit.Budget;

    illegal:
        _pendingTrap = new Trap(TrapCause.IllegalInstruction, TryFetchInstruction(pc, out uint bits) ? bits : 0);
    trap:
        _pc = pc;
        _sliceRetired = (ulong)n;
        _cacheFastHits += cacheHits;
        return SliceExit.Trap;

    endSlice:
        _pc = pc;
        _sliceRetired = (ulong)n;
        _cacheFastHits += cacheHits;
        return SliceExit.EndSlice;
    }

    /// <summary>Decodes the slot for <paramref name="pc"/> from the page's bytes.</summary>
    private static void DecodeSlot(DecodedOp* slot, ulong pc, long fetchHost)
    {
        byte* p = (byte*)((long)pc + fetchHost);
        ushort low = Unsafe.ReadUnaligned<ushort>(p);
        if ((low & 3) == 3 && (pc & PageOffsetMask) == PageOffsetMask - 1)
        {
            *slot = new DecodedOp { Op = ExecOp.CrossesPage };
            return;
        }
        uint bits = (low & 3) == 3 ? Unsafe.ReadUnaligned<uint>(p) : low;
        *slot = DecodedOp.From(Decoder.Decode(bits));
    }

    /// <summary>Decodes a 32-bit instruction that straddles two pages into the scratch slot.</summary>
    private DecodedOp* DecodeCrossingPage(ulong pc)
    {
        if (!TryFetchInstruction(pc, out uint bits)) return null;
        DecodedOp* slot = (DecodedOp*)Unsafe.AsPointer(ref _scratchSlot[0]);
        *slot = DecodedOp.From(Decoder.Decode(bits));
        return slot;
    }

    private static ulong MulHighSignedUnsigned(ulong a, ulong b)
    {
        ulong high = Math.BigMul(a, b, out _);
        return (long)a < 0 ? high - b : high;
    }

    // Division by zero and overflow do not trap in RISC-V (unprivileged spec 13.2, table 13.1).
    private static ulong Divide(long a, long b) =>
        b == 0 ? ulong.MaxValue : b == -1 && a == long.MinValue ? (ulong)a : (ulong)(a / b);

    private static ulong Remainder(long a, long b) =>
        b == 0 ? (ulong)a : b == -1 ? 0 : (ulong)(a % b);

    private static int DivideWord(int a, int b) =>
        b == 0 ? -1 : b == -1 && a == int.MinValue ? a : a / b;

    private static int RemainderWord(int a, int b) =>
        b == 0 ? a : b == -1 ? 0 : a % b;
}
