using System.Buffers.Binary;
using Cloak.BareMetal;
using Cloak.Chip.Cpu;
using Cloak.Isa;

namespace Cloak.Fuzz.Targets;

/// <summary>
/// The decoder and the hart: random instruction streams run on the bare-metal machine under a trap
/// handler that skips the faulting instruction (and keeps pc inside the stream), in M- or U-mode,
/// with registers pointing at RAM, the handler itself, the CLINT, the UART and the test finisher.
/// No host exception may escape and every run must end within its instruction budget (a trap
/// storm counts: a stream may overwrite the handler). Every 16-bit-aligned window of the stream is
/// also decoded and disassembled.
/// Input: byte 0 flags (bit 0 start in U-mode, bit 1 interrupts enabled with the timer armed,
/// bit 2 misaligned accesses trap), then up to 2 KiB of instruction bytes.
/// </summary>
public sealed class HartTarget : FuzzTarget
{
    public const long Budget = 10_000;

    private const ulong RamBase = 0x8000_0000, RamSize = 64 * 1024;
    private const ulong Handler = RamBase + 0x100, Table = RamBase + 0x200, Code = RamBase + 0x800;
    private const int CodeSize = 0x800;

    private static readonly byte[] Prologue = Words(
        // x5 = RAM base; mtvec = handler; mstatus and mie from the table; mepc = the stream.
        Encoder.Encode(Op.Addi, 5, 0, 0, 1),
        Encoder.Encode(Op.Slli, 5, 5, 0, 31),
        Encoder.Encode(Op.Addi, 6, 5, 0, 0x100),
        Encoder.Encode(Op.Csrrw, 0, 6, 0, CsrAddress.Mtvec),
        Encoder.Encode(Op.Ld, 6, 5, 0, 0x200),
        Encoder.Encode(Op.Csrrw, 0, 6, 0, CsrAddress.Mstatus),
        Encoder.Encode(Op.Ld, 6, 5, 0, 0x208),
        Encoder.Encode(Op.Csrrw, 0, 6, 0, CsrAddress.Mie),
        Encoder.Encode(Op.Addi, 6, 5, 0, 0x7FF),
        Encoder.Encode(Op.Addi, 6, 6, 0, 1),
        Encoder.Encode(Op.Csrrw, 0, 6, 0, CsrAddress.Mepc),
        Encoder.Encode(Op.Ld, 6, 5, 0, 0x218),
        Encoder.Encode(Op.Ld, 5, 5, 0, 0x210),
        Encoder.Encode(Op.Mret));

    private static readonly byte[] TrapHandler = Words(
        // mepc = stream + ((mepc + 4 - stream) mod 2 KiB): skip the instruction, stay in the stream.
        Encoder.Encode(Op.Csrrs, 31, 0, 0, CsrAddress.Mepc),
        Encoder.Encode(Op.Addi, 31, 31, 0, 4),
        Encoder.Encode(Op.Addi, 30, 0, 0, 1),
        Encoder.Encode(Op.Slli, 30, 30, 0, 31),
        Encoder.Encode(Op.Addi, 30, 30, 0, 0x7FF),
        Encoder.Encode(Op.Addi, 30, 30, 0, 1),
        Encoder.Encode(Op.Sub, 31, 31, 30),
        Encoder.Encode(Op.Andi, 31, 31, 0, 0x7FF),
        Encoder.Encode(Op.Add, 31, 31, 30),
        Encoder.Encode(Op.Csrrw, 0, 31, 0, CsrAddress.Mepc),
        Encoder.Encode(Op.Mret));

    /// <summary>Registers x1..x31 at the start of the stream: pointers everywhere interesting, and edges.</summary>
    private static readonly ulong[] Registers =
    [
        Code, RamBase + RamSize - 0x100, RamBase, 0x0200_0000, RamBase + 0x10, 0x0200_4000, 0x1000_0000,
        0x0010_0000, RamBase + RamSize - 8, 0, ulong.MaxValue, 0x8000_0000_0000_0000, 1, 0x7FF, Code + 0x400,
        Handler, Table, 0x0200_BFF8, 0xFFFF_FFFF_FFFF_F000, 0x3F_FFFF_F000, 0x7FFF_FFFF_FFFF_FFFF, 2, 4096, 63,
        0xDEAD_BEEF, RamBase + RamSize, RamBase - 8, 0x1000_0005, 0x8000_0000, 0x0010_0000 + 4, 0x5555_5555_5555_5555,
    ];

    public override string Name => "hart";

    public override string Contract => "flags + instruction bytes: decode, disassemble, run 10k instructions bare metal under a skipping trap handler; no exception, ends within the budget";

    public override IReadOnlyList<string> Instrumented => ["Cloak.Chip.dll", "Cloak.Isa.dll", "Cloak.dll"];

    public override int MaxInputLength => 1 + CodeSize;

    public override bool Run(ReadOnlySpan<byte> input)
    {
        if (input.Length == 0) return false;
        byte flags = input[0];
        var code = input[1..Math.Min(input.Length, 1 + CodeSize)];
        DecodeEveryWindow(code);

        var machine = new BareMetalMachine(new MachineOptions
        {
            RamSize = RamSize,
            Hart = new HartOptions { MisalignedAccess = (flags & 4) != 0 ? MisalignedAccessPolicy.Trap : MisalignedAccessPolicy.Allow },
        });
        var dram = machine.Dram;
        dram.Write(RamBase, Prologue);
        dram.Write(Handler, TrapHandler);
        bool user = (flags & 1) != 0, interrupts = (flags & 2) != 0;
        ulong mstatus = (user ? 0UL : Hart.MstatusMpp) | (interrupts ? Hart.MstatusMpie : 0);
        dram.WriteUInt64(Table, mstatus);
        dram.WriteUInt64(Table + 8, interrupts ? 0x888UL : 0);
        dram.WriteUInt64(Table + 16, Registers[4]);
        dram.WriteUInt64(Table + 24, Registers[5]);
        dram.Write(Code, code);
        if (interrupts) machine.Clint.Mtimecmp = 200;
        machine.Hart.Reset(RamBase);
        for (int r = 1; r < 32; r++)
            if (r is not 5 and not 6) machine.Hart.SetRegister(r, Registers[r - 1]);

        var outcome = Watchdog.Run(token => machine.Run(Budget, token));
        if ((long)outcome.InstructionsRetired > Budget)
            throw new ContractViolationException($"the run retired {outcome.InstructionsRetired} instructions with a budget of {Budget}");
        return outcome.End != RunEnd.HostError;
    }

    private static void DecodeEveryWindow(ReadOnlySpan<byte> code)
    {
        Span<byte> window = stackalloc byte[4];
        for (int at = 0; at < code.Length; at += 2)
        {
            window.Clear();
            code.Slice(at, Math.Min(4, code.Length - at)).CopyTo(window);
            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(window);
            _ = Disassembler.Disassemble(Decoder.Decode(bits), Code + (ulong)at);
        }
    }

    private static byte[] Words(params uint[] words)
    {
        var bytes = new byte[words.Length * 4];
        for (int i = 0; i < words.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), words[i]);
        return bytes;
    }
}
