using System.Reflection;
using System.Reflection.Emit;

namespace Cloak.Chip.Cpu;

public sealed unsafe partial class Hart
{
    /// <summary>
    /// Compiles one block of decoded instructions to IL (a <see cref="DynamicMethod"/>, optimised by the
    /// runtime's JIT on first call). The guest registers the block touches live in IL locals, loaded on
    /// entry and written back at every exit; immediates and pcs are constants; loads and stores test the
    /// data TLB inline (the same tags the interpreter tests) and call the hart's slow path otherwise,
    /// after publishing the exact retired count, so a trap leaves pc, mtval and minstret as the
    /// interpreter would. A conditional branch back to the block's start loops inside the method while
    /// a whole further pass fits the slice's budget. Every exit stores pc and the retired count in the
    /// hart and returns its kind (continue, trap, end of slice).
    /// </summary>
    private sealed class BlockCompiler
    {
        /// <summary>Most instructions in one block (a superblock through not-taken branches).</summary>
        private const int MaxInstructions = 64;

        private static readonly FieldInfo PcField = Field(nameof(_pc));
        private static readonly FieldInfo SliceRetiredField = Field(nameof(_sliceRetired));
        private static readonly FieldInfo LastBlockField = Field(nameof(_lastBlock));
        private static readonly FieldInfo ChainHopsField = Field(nameof(_chainHops));
        private static readonly FieldInfo LinksField = BlockField(nameof(TranslatedBlock.Links));
        private static readonly FieldInfo ValidField = BlockField(nameof(TranslatedBlock.Valid));
        private static readonly FieldInfo LengthField = BlockField(nameof(TranslatedBlock.Length));
        private static readonly FieldInfo FunctionField = BlockField(nameof(TranslatedBlock.Function));
        private static readonly MethodInfo InvokeMethod = typeof(BlockFunction).GetMethod(nameof(BlockFunction.Invoke))!;
        private static readonly MethodInfo LoadMethod = Method(nameof(JitLoad));
        private static readonly MethodInfo StoreMethod = Method(nameof(JitStore));
        private static readonly int EntrySize = sizeof(DataTlbEntry);
        private static readonly int ReadTagOffset = (int)System.Runtime.InteropServices.Marshal.OffsetOf<DataTlbEntry>(nameof(DataTlbEntry.ReadTag));
        private static readonly int WriteTagOffset = (int)System.Runtime.InteropServices.Marshal.OffsetOf<DataTlbEntry>(nameof(DataTlbEntry.WriteTag));
        private static readonly int HostOffsetOffset = (int)System.Runtime.InteropServices.Marshal.OffsetOf<DataTlbEntry>(nameof(DataTlbEntry.HostOffset));

        private readonly Hart _hart;
        private readonly ILGenerator _il;
        private readonly List<(ulong Pc, DecodedOp Op)> _ops;
        private readonly ulong _startPc;
        private readonly LocalBuilder?[] _regs = new LocalBuilder?[32];
        private readonly bool[] _written = new bool[32];
        private readonly LocalBuilder _n, _exitPc, _nOut, _kind, _va, _entry, _value, _outcome, _link, _next, _hops;
        /// <summary>The constant exit targets on the block's own page, in link order (<see cref="TranslatedBlock.LinkTargets"/>).</summary>
        private readonly List<ulong> _linkTargets = [];
        private readonly Label _epilogue, _top;

        private static FieldInfo Field(string name) =>
            typeof(Hart).GetField(name, BindingFlags.Instance | BindingFlags.NonPublic) ?? throw new MissingFieldException(nameof(Hart), name);

        private static FieldInfo BlockField(string name) =>
            typeof(TranslatedBlock).GetField(name) ?? throw new MissingFieldException(nameof(TranslatedBlock), name);

        private static MethodInfo Method(string name) =>
            typeof(Hart).GetMethod(name, BindingFlags.Instance | BindingFlags.Static | BindingFlags.NonPublic) ?? throw new MissingMethodException(nameof(Hart), name);

        private BlockCompiler(Hart hart, ILGenerator il, List<(ulong, DecodedOp)> ops, ulong startPc)
        {
            _hart = hart;
            _il = il;
            _ops = ops;
            _startPc = startPc;
            _n = il.DeclareLocal(typeof(long));
            _exitPc = il.DeclareLocal(typeof(ulong));
            _nOut = il.DeclareLocal(typeof(long));
            _kind = il.DeclareLocal(typeof(int));
            _va = il.DeclareLocal(typeof(ulong));
            _entry = il.DeclareLocal(typeof(nint));
            _value = il.DeclareLocal(typeof(ulong));
            _outcome = il.DeclareLocal(typeof(int));
            _link = il.DeclareLocal(typeof(int));
            _next = il.DeclareLocal(typeof(TranslatedBlock));
            _hops = il.DeclareLocal(typeof(int));
            _epilogue = il.DefineLabel();
            _top = il.DefineLabel();
        }

        /// <summary>
        /// Gathers the block at <paramref name="pc"/> from the page's decoded slots and compiles it. Plain
        /// code not decoded yet is decoded here (decoding costs nothing in the model); a protected page's
        /// undecoded slot ends the block, so decrypting a line stays the interpreter's (and its cost too).
        /// </summary>
        public static TranslatedBlock Compile(Hart hart, DecodedPage page, ulong pc, long fetchHost)
        {
            var ops = new List<(ulong, DecodedOp)>();
            ulong pageBase = pc & PageHighMask;
            ulong at = pc;
            while (ops.Count < MaxInstructions && (at & PageHighMask) == pageBase)
            {
                DecodedOp* slot = page.Pointer + ((at >> 1) & (DecodedPage.Slots - 1));
                if (slot->Op == ExecOp.NotDecoded)
                {
                    if (fetchHost == ProtectedCodeMarker) break;
                    DecodeSlot(slot, at, fetchHost);
                }
                if (!Translatable(slot->Op)) break;
                ops.Add((at, *slot));
                at += slot->Length;
                if (slot->Op is ExecOp.Jal or ExecOp.Jalr) break;
            }
            int firstSlot = (int)((pc & PageOffsetMask) >> 1);
            int endSlot = (int)(((at - 1) & PageOffsetMask) >> 1) + 1;
            if (ops.Count == 0) return TranslatedBlock.Untranslatable(pc, firstSlot);

            long[] key = BlockCache.KeyOf(ops);
            if (hart._blockCache.TryGet(key, out var shared))
            {
                hart.BlocksReused++;
                return new TranslatedBlock(pc, firstSlot, endSlot, ops.Count, shared.LinkTargets) { Function = shared.Function };
            }
            var method = new DynamicMethod($"block_{pc:x}", typeof(int), [typeof(Hart), typeof(long), typeof(long)], typeof(Hart), skipVisibility: true);
            var compiler = new BlockCompiler(hart, method.GetILGenerator(), ops, pc);
            compiler.Emit(at);
            var compiled = new BlockCache.Compiled(method.CreateDelegate<BlockFunction>(), [.. compiler._linkTargets]);
            hart._blockCache.Add(key, compiled);
            return new TranslatedBlock(pc, firstSlot, endSlot, ops.Count, compiled.LinkTargets) { Function = compiled.Function };
        }

        private static bool Translatable(ExecOp op) => op switch
        {
            ExecOp.Lui or ExecOp.Auipc or ExecOp.Jal or ExecOp.Jalr => true,
            >= ExecOp.Beq and <= ExecOp.Sraw => true,
            ExecOp.Fence => true,
            >= ExecOp.Mul and <= ExecOp.Remuw => true,
            _ => false,
        };

        private void Emit(ulong fallThroughPc)
        {
            // Registers the block reads or writes become locals.
            foreach (var (_, op) in _ops)
            {
                Use(op.Rs1);
                Use(op.Rs2);
                if (op.Rd is > 0 and < 32)
                {
                    Use(op.Rd);
                    _written[op.Rd] = true;
                }
            }
            for (int r = 1; r < 32; r++)
            {
                if (_regs[r] is not { } local) continue;
                EmitRegisterAddress(r);
                _il.Emit(OpCodes.Ldind_I8);
                _il.Emit(OpCodes.Stloc, local);
            }
            _il.Emit(OpCodes.Ldarg_1);
            _il.Emit(OpCodes.Stloc, _n);
            _il.MarkLabel(_top);

            bool ended = false;
            for (int i = 0; i < _ops.Count && !ended; i++) ended = EmitInstruction(i, _ops[i].Pc, _ops[i].Op);
            if (!ended) ExitTo(fallThroughPc, _ops.Count, BlockContinue);

            _il.MarkLabel(_epilogue);
            for (int r = 1; r < 32; r++)
            {
                if (!_written[r]) continue;
                EmitRegisterAddress(r);
                _il.Emit(OpCodes.Ldloc, _regs[r]!);
                _il.Emit(OpCodes.Stind_I8);
            }
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldloc, _exitPc);
            _il.Emit(OpCodes.Stfld, PcField);
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldloc, _nOut);
            _il.Emit(OpCodes.Stfld, SliceRetiredField);
            if (_linkTargets.Count > 0) EmitChainedJump();
            _il.Emit(OpCodes.Ldloc, _kind);
            _il.Emit(OpCodes.Ret);
        }

        /// <summary>
        /// Block chaining: an exit to a constant target on this page goes straight into the block
        /// linked there, as a tail call, without the dispatcher's lookup, if the link is set, its
        /// block still valid (not dropped, evicted or displaced since: a link never reaches stale
        /// code), a whole pass of it fits what is left of the budget (the same test the dispatcher
        /// makes, so counts, the timer and --max-instructions stay exact), and the chain has hops
        /// left. The address mapping and protection context cannot have changed: nothing a block
        /// runs changes them, and the first block of a chain was found through the instruction TLB.
        /// </summary>
        private void EmitChainedJump()
        {
            var unchained = _il.DefineLabel();
            _il.Emit(OpCodes.Ldloc, _link);
            _il.Emit(OpCodes.Ldc_I4_0);
            _il.Emit(OpCodes.Blt, unchained);
            // The links of the block this function runs as (a function may be shared by several blocks).
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldfld, LastBlockField);
            _il.Emit(OpCodes.Ldfld, LinksField);
            _il.Emit(OpCodes.Ldloc, _link);
            _il.Emit(OpCodes.Ldelem_Ref);
            _il.Emit(OpCodes.Stloc, _next);
            _il.Emit(OpCodes.Ldloc, _next);
            _il.Emit(OpCodes.Brfalse, unchained);
            _il.Emit(OpCodes.Ldloc, _next);
            _il.Emit(OpCodes.Ldfld, ValidField);
            _il.Emit(OpCodes.Brfalse, unchained);
            // next.Length > limit - nOut: it does not fit whole.
            _il.Emit(OpCodes.Ldloc, _next);
            _il.Emit(OpCodes.Ldfld, LengthField);
            _il.Emit(OpCodes.Conv_I8);
            _il.Emit(OpCodes.Ldarg_2);
            _il.Emit(OpCodes.Ldloc, _nOut);
            _il.Emit(OpCodes.Sub);
            _il.Emit(OpCodes.Bgt, unchained);
            // if (--hart._chainHops < 0) return to the dispatcher.
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldfld, ChainHopsField);
            _il.Emit(OpCodes.Ldc_I4_1);
            _il.Emit(OpCodes.Sub);
            _il.Emit(OpCodes.Stloc, _hops);
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldloc, _hops);
            _il.Emit(OpCodes.Stfld, ChainHopsField);
            _il.Emit(OpCodes.Ldloc, _hops);
            _il.Emit(OpCodes.Ldc_I4_0);
            _il.Emit(OpCodes.Blt, unchained);
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldloc, _next);
            _il.Emit(OpCodes.Stfld, LastBlockField);
            _il.Emit(OpCodes.Ldloc, _next);
            _il.Emit(OpCodes.Ldfld, FunctionField);
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldloc, _nOut);
            _il.Emit(OpCodes.Ldarg_2);
            _il.Emit(OpCodes.Tailcall);
            _il.Emit(OpCodes.Callvirt, InvokeMethod);
            _il.Emit(OpCodes.Ret);
            _il.MarkLabel(unchained);
        }

        private void Use(byte reg)
        {
            if (reg is > 0 and < 32) _regs[reg] ??= _il.DeclareLocal(typeof(ulong));
        }

        private void EmitRegisterAddress(int r)
        {
            _il.Emit(OpCodes.Ldc_I8, (long)(_hart._x + r));
            _il.Emit(OpCodes.Conv_U);
        }

        private void Read(byte reg)
        {
            if (reg == 0) _il.Emit(OpCodes.Ldc_I8, 0L);
            else _il.Emit(OpCodes.Ldloc, _regs[reg]!);
        }

        private void Write(byte reg)
        {
            if (reg is > 0 and < 32) _il.Emit(OpCodes.Stloc, _regs[reg]!);
            else _il.Emit(OpCodes.Pop); // x0 (the decoder's sink): the value is computed and dropped
        }

        private void Constant(ulong value) => _il.Emit(OpCodes.Ldc_I8, (long)value);

        /// <summary>Leaves the block at a constant pc having retired <paramref name="count"/> of its instructions this pass.</summary>
        private void ExitTo(ulong pc, int count, int kind)
        {
            Constant(pc);
            ExitWithPcOnStack(count, kind, kind == BlockContinue ? LinkIndex(pc) : -1);
        }

        /// <summary>The link slot for an exit to <paramref name="target"/>; -1 (no link) off this page.</summary>
        private int LinkIndex(ulong target)
        {
            if ((target & PageHighMask) != (_startPc & PageHighMask)) return -1;
            int i = _linkTargets.IndexOf(target);
            if (i >= 0) return i;
            _linkTargets.Add(target);
            return _linkTargets.Count - 1;
        }

        private void ExitWithPcOnStack(int count, int kind, int link = -1)
        {
            _il.Emit(OpCodes.Ldc_I4, link);
            _il.Emit(OpCodes.Stloc, _link);
            _il.Emit(OpCodes.Stloc, _exitPc);
            _il.Emit(OpCodes.Ldloc, _n);
            _il.Emit(OpCodes.Ldc_I8, (long)count);
            _il.Emit(OpCodes.Add);
            _il.Emit(OpCodes.Stloc, _nOut);
            _il.Emit(OpCodes.Ldc_I4, kind);
            _il.Emit(OpCodes.Stloc, _kind);
            _il.Emit(OpCodes.Br, _epilogue);
        }

        /// <summary>Publishes the count retired before instruction <paramref name="index"/> for the slow path (cycles, trap-loop check).</summary>
        private void PublishRetired(int index)
        {
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldloc, _n);
            _il.Emit(OpCodes.Ldc_I8, (long)index);
            _il.Emit(OpCodes.Add);
            _il.Emit(OpCodes.Stfld, SliceRetiredField);
        }

        /// <summary>Emits one instruction; true when it ends the block (a jump).</summary>
        private bool EmitInstruction(int index, ulong pc, DecodedOp d)
        {
            ulong next = pc + d.Length;
            ulong imm = (ulong)d.Imm;
            switch (d.Op)
            {
                case ExecOp.Lui: Constant(imm); Write(d.Rd); return false;
                case ExecOp.Auipc: Constant(pc + imm); Write(d.Rd); return false;
                case ExecOp.Jal:
                    Constant(next);
                    Write(d.Rd);
                    Jump(index, pc + imm);
                    return true;
                case ExecOp.Jalr:
                    // Target before the link: rd may be rs1.
                    Read(d.Rs1);
                    Constant(imm);
                    _il.Emit(OpCodes.Add);
                    Constant(~1UL);
                    _il.Emit(OpCodes.And);
                    _il.Emit(OpCodes.Stloc, _exitPc);
                    Constant(next);
                    Write(d.Rd);
                    _il.Emit(OpCodes.Ldloc, _exitPc);
                    ExitWithPcOnStack(index + 1, BlockContinue);
                    return true;
                case >= ExecOp.Beq and <= ExecOp.Bgeu:
                    EmitBranch(index, pc, d);
                    return false;
                case >= ExecOp.Lb and <= ExecOp.Lwu: EmitLoad(index, pc, d); return false;
                case >= ExecOp.Sb and <= ExecOp.Sd: EmitStore(index, pc, d); return false;
                case ExecOp.Fence: return false;
                default:
                    EmitArithmetic(d);
                    return false;
            }
        }

        /// <summary>A taken jump or branch to <paramref name="target"/> after instruction <paramref name="index"/>: loops when it is the block's start and a whole pass still fits.</summary>
        private void Jump(int index, ulong target)
        {
            if (target != _startPc)
            {
                ExitTo(target, index + 1, BlockContinue);
                return;
            }
            _il.Emit(OpCodes.Ldloc, _n);
            _il.Emit(OpCodes.Ldc_I8, (long)(index + 1));
            _il.Emit(OpCodes.Add);
            _il.Emit(OpCodes.Stloc, _n);
            _il.Emit(OpCodes.Ldloc, _n);
            _il.Emit(OpCodes.Ldc_I8, (long)_ops.Count);
            _il.Emit(OpCodes.Add);
            _il.Emit(OpCodes.Ldarg_2);
            _il.Emit(OpCodes.Ble, _top);
            ExitTo(target, 0, BlockContinue);
        }

        private void EmitBranch(int index, ulong pc, DecodedOp d)
        {
            var notTaken = _il.DefineLabel();
            Read(d.Rs1);
            Read(d.Rs2);
            _il.Emit(d.Op switch
            {
                ExecOp.Beq => OpCodes.Bne_Un,
                ExecOp.Bne => OpCodes.Beq,
                ExecOp.Blt => OpCodes.Bge,
                ExecOp.Bge => OpCodes.Blt,
                ExecOp.Bltu => OpCodes.Bge_Un,
                _ => OpCodes.Blt_Un,
            }, notTaken);
            Jump(index, pc + (ulong)d.Imm);
            _il.MarkLabel(notTaken);
        }

        private void EmitEffectiveAddress(DecodedOp d)
        {
            Read(d.Rs1);
            Constant((ulong)d.Imm);
            _il.Emit(OpCodes.Add);
            _il.Emit(OpCodes.Stloc, _va);
            // entry = dtlb + ((va >> 12) & mask) * sizeof(entry)
            _il.Emit(OpCodes.Ldloc, _va);
            _il.Emit(OpCodes.Ldc_I4, 12);
            _il.Emit(OpCodes.Shr_Un);
            Constant(_hart._tlbMask);
            _il.Emit(OpCodes.And);
            _il.Emit(OpCodes.Ldc_I8, (long)EntrySize);
            _il.Emit(OpCodes.Mul);
            _il.Emit(OpCodes.Ldc_I8, (long)_hart._dtlb);
            _il.Emit(OpCodes.Add);
            _il.Emit(OpCodes.Conv_U);
            _il.Emit(OpCodes.Stloc, _entry);
        }

        /// <summary>Pushes the tag test's operands: (va &amp; (page | alignment)) and the entry's tag at <paramref name="tagOffset"/>.</summary>
        private void EmitTagOperands(int size, int tagOffset)
        {
            _il.Emit(OpCodes.Ldloc, _va);
            Constant(PageHighMask | (ulong)(size - 1));
            _il.Emit(OpCodes.And);
            _il.Emit(OpCodes.Ldloc, _entry);
            if (tagOffset != 0)
            {
                _il.Emit(OpCodes.Ldc_I4, tagOffset);
                _il.Emit(OpCodes.Add);
            }
            _il.Emit(OpCodes.Ldind_I8);
        }

        private void EmitHostAddress()
        {
            _il.Emit(OpCodes.Ldloc, _va);
            _il.Emit(OpCodes.Ldloc, _entry);
            _il.Emit(OpCodes.Ldc_I4, HostOffsetOffset);
            _il.Emit(OpCodes.Add);
            _il.Emit(OpCodes.Ldind_I8);
            _il.Emit(OpCodes.Add);
            _il.Emit(OpCodes.Conv_U);
        }

        private void EmitLoad(int index, ulong pc, DecodedOp d)
        {
            var (size, load, extend) = d.Op switch
            {
                ExecOp.Lb => (1, OpCodes.Ldind_I1, OpCodes.Conv_I1),
                ExecOp.Lbu => (1, OpCodes.Ldind_U1, OpCodes.Conv_U1),
                ExecOp.Lh => (2, OpCodes.Ldind_I2, OpCodes.Conv_I2),
                ExecOp.Lhu => (2, OpCodes.Ldind_U2, OpCodes.Conv_U2),
                ExecOp.Lw => (4, OpCodes.Ldind_I4, OpCodes.Conv_I4),
                ExecOp.Lwu => (4, OpCodes.Ldind_U4, OpCodes.Conv_U4),
                _ => (8, OpCodes.Ldind_I8, OpCodes.Nop),
            };
            bool signed = d.Op is ExecOp.Lb or ExecOp.Lh or ExecOp.Lw;
            var slow = _il.DefineLabel();
            var done = _il.DefineLabel();
            var trap = _il.DefineLabel();
            EmitEffectiveAddress(d);
            EmitTagOperands(size, ReadTagOffset);
            _il.Emit(OpCodes.Bne_Un, slow);
            EmitHostAddress();
            _il.Emit(load);
            if (size < 8) _il.Emit(signed ? OpCodes.Conv_I8 : OpCodes.Conv_U8);
            Write(d.Rd);
            _il.Emit(OpCodes.Br, done);

            _il.MarkLabel(slow);
            PublishRetired(index);
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldloc, _va);
            _il.Emit(OpCodes.Ldc_I4, size);
            _il.Emit(OpCodes.Ldloca, _value);
            _il.Emit(OpCodes.Call, LoadMethod);
            _il.Emit(OpCodes.Brfalse, trap);
            _il.Emit(OpCodes.Ldloc, _value);
            if (size < 8)
            {
                _il.Emit(extend);
                _il.Emit(signed ? OpCodes.Conv_I8 : OpCodes.Conv_U8);
            }
            Write(d.Rd);
            _il.Emit(OpCodes.Br, done);

            _il.MarkLabel(trap);
            ExitTo(pc, index, BlockTrap);
            _il.MarkLabel(done);
        }

        private void EmitStore(int index, ulong pc, DecodedOp d)
        {
            var (size, store, narrow) = d.Op switch
            {
                ExecOp.Sb => (1, OpCodes.Stind_I1, OpCodes.Conv_U1),
                ExecOp.Sh => (2, OpCodes.Stind_I2, OpCodes.Conv_U2),
                ExecOp.Sw => (4, OpCodes.Stind_I4, OpCodes.Conv_U4),
                _ => (8, OpCodes.Stind_I8, OpCodes.Nop),
            };
            var slow = _il.DefineLabel();
            var done = _il.DefineLabel();
            var trap = _il.DefineLabel();
            EmitEffectiveAddress(d);
            EmitTagOperands(size, WriteTagOffset);
            _il.Emit(OpCodes.Bne_Un, slow);
            EmitHostAddress();
            Read(d.Rs2);
            if (size < 8) _il.Emit(narrow);
            _il.Emit(store);
            _il.Emit(OpCodes.Br, done);

            _il.MarkLabel(slow);
            PublishRetired(index);
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldloc, _va);
            _il.Emit(OpCodes.Ldc_I4, size);
            Read(d.Rs2);
            _il.Emit(OpCodes.Call, StoreMethod);
            _il.Emit(OpCodes.Stloc, _outcome);
            _il.Emit(OpCodes.Ldloc, _outcome);
            _il.Emit(OpCodes.Ldc_I4, (int)StoreOutcome.Trap);
            _il.Emit(OpCodes.Beq, trap);
            _il.Emit(OpCodes.Ldloc, _outcome);
            _il.Emit(OpCodes.Ldc_I4, (int)StoreOutcome.Done);
            _il.Emit(OpCodes.Beq, done);
            // The store dropped decoded code (perhaps this block's) or asked for the host: leave after it.
            ExitTo(pc + d.Length, index + 1, BlockEndSlice);

            _il.MarkLabel(trap);
            ExitTo(pc, index, BlockTrap);
            _il.MarkLabel(done);
        }

        private void EmitArithmetic(DecodedOp d)
        {
            switch (d.Op)
            {
                case ExecOp.Addi: Binary(d, OpCodes.Add); break;
                case ExecOp.Xori: Binary(d, OpCodes.Xor); break;
                case ExecOp.Ori: Binary(d, OpCodes.Or); break;
                case ExecOp.Andi: Binary(d, OpCodes.And); break;
                case ExecOp.Slti: Binary(d, OpCodes.Clt, compare: true); break;
                case ExecOp.Sltiu: Binary(d, OpCodes.Clt_Un, compare: true); break;
                case ExecOp.Slli: ShiftImmediate(d, OpCodes.Shl); break;
                case ExecOp.Srli: ShiftImmediate(d, OpCodes.Shr_Un); break;
                case ExecOp.Srai: ShiftImmediate(d, OpCodes.Shr); break;
                case ExecOp.Add: Binary(d, OpCodes.Add, registers: true); break;
                case ExecOp.Sub: Binary(d, OpCodes.Sub, registers: true); break;
                case ExecOp.Xor: Binary(d, OpCodes.Xor, registers: true); break;
                case ExecOp.Or: Binary(d, OpCodes.Or, registers: true); break;
                case ExecOp.And: Binary(d, OpCodes.And, registers: true); break;
                case ExecOp.Slt: Binary(d, OpCodes.Clt, registers: true, compare: true); break;
                case ExecOp.Sltu: Binary(d, OpCodes.Clt_Un, registers: true, compare: true); break;
                case ExecOp.Mul: Binary(d, OpCodes.Mul, registers: true); break;
                // IL leaves over-wide shift counts undefined: mask as RV64 does (6 bits, 5 for words).
                case ExecOp.Sll: ShiftRegister(d, OpCodes.Shl, 63); break;
                case ExecOp.Srl: ShiftRegister(d, OpCodes.Shr_Un, 63); break;
                case ExecOp.Sra: ShiftRegister(d, OpCodes.Shr, 63); break;

                case ExecOp.Addiw: Binary(d, OpCodes.Add, word: true); break;
                case ExecOp.Addw: Binary(d, OpCodes.Add, registers: true, word: true); break;
                case ExecOp.Subw: Binary(d, OpCodes.Sub, registers: true, word: true); break;
                case ExecOp.Mulw: Binary(d, OpCodes.Mul, registers: true, word: true); break;
                case ExecOp.Slliw: WordShift(d, OpCodes.Shl, immediate: true); break;
                case ExecOp.Srliw: WordShift(d, OpCodes.Shr_Un, immediate: true); break;
                case ExecOp.Sraiw: WordShift(d, OpCodes.Shr, immediate: true); break;
                case ExecOp.Sllw: WordShift(d, OpCodes.Shl, immediate: false); break;
                case ExecOp.Srlw: WordShift(d, OpCodes.Shr_Un, immediate: false); break;
                case ExecOp.Sraw: WordShift(d, OpCodes.Shr, immediate: false); break;

                case ExecOp.Mulh: Helper(d, nameof(JitMulh)); break;
                case ExecOp.Mulhu: Helper(d, nameof(JitMulhu)); break;
                case ExecOp.Mulhsu: Helper(d, nameof(JitMulhsu)); break;
                case ExecOp.Div: Helper(d, nameof(JitDiv)); break;
                case ExecOp.Divu: Helper(d, nameof(JitDivu)); break;
                case ExecOp.Rem: Helper(d, nameof(JitRem)); break;
                case ExecOp.Remu: Helper(d, nameof(JitRemu)); break;
                case ExecOp.Divw: Helper(d, nameof(JitDivw)); break;
                case ExecOp.Divuw: Helper(d, nameof(JitDivuw)); break;
                case ExecOp.Remw: Helper(d, nameof(JitRemw)); break;
                case ExecOp.Remuw: Helper(d, nameof(JitRemuw)); break;
                default: throw new InvalidOperationException($"the translator has no case for {d.Op}");
            }
        }

        private void Binary(DecodedOp d, OpCode op, bool registers = false, bool compare = false, bool word = false)
        {
            Read(d.Rs1);
            if (registers) Read(d.Rs2);
            else Constant((ulong)d.Imm);
            _il.Emit(op);
            if (compare) _il.Emit(OpCodes.Conv_U8);
            if (word)
            {
                _il.Emit(OpCodes.Conv_I4);
                _il.Emit(OpCodes.Conv_I8);
            }
            Write(d.Rd);
        }

        private void ShiftImmediate(DecodedOp d, OpCode op)
        {
            Read(d.Rs1);
            _il.Emit(OpCodes.Ldc_I4, (int)(d.Imm & 63));
            _il.Emit(op);
            Write(d.Rd);
        }

        private void ShiftRegister(DecodedOp d, OpCode op, int mask)
        {
            Read(d.Rs1);
            Read(d.Rs2);
            _il.Emit(OpCodes.Conv_I4);
            _il.Emit(OpCodes.Ldc_I4, mask);
            _il.Emit(OpCodes.And);
            _il.Emit(op);
            Write(d.Rd);
        }

        /// <summary>32-bit shifts: the low word of rs1 (signed for sra, unsigned otherwise), the result sign-extended.</summary>
        private void WordShift(DecodedOp d, OpCode op, bool immediate)
        {
            Read(d.Rs1);
            _il.Emit(op == OpCodes.Shr ? OpCodes.Conv_I4 : OpCodes.Conv_U4);
            if (immediate)
            {
                _il.Emit(OpCodes.Ldc_I4, (int)(d.Imm & 31));
            }
            else
            {
                Read(d.Rs2);
                _il.Emit(OpCodes.Conv_I4);
                _il.Emit(OpCodes.Ldc_I4, 31);
                _il.Emit(OpCodes.And);
            }
            _il.Emit(op);
            _il.Emit(OpCodes.Conv_I8);
            Write(d.Rd);
        }

        private void Helper(DecodedOp d, string name)
        {
            Read(d.Rs1);
            Read(d.Rs2);
            _il.Emit(OpCodes.Call, Method(name));
            Write(d.Rd);
        }
    }
}
