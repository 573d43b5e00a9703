using System.Globalization;
using Cloak.Chip.Cpu;
using Cloak.Isa;

namespace Cloak.Tracing;

/// <summary>
/// Writes one line per retired instruction in the spirit of Spike's <c>--log-commits</c>:
/// privilege, pc, raw bits, disassembly, then the register written and the memory accessed.
/// <code>core   0: 3 0x0000000080000000 (0x00000297) auipc t0,0x0        x5  0x0000000080000000
/// core   0: 3 0x0000000080000004 (0x0082b283) ld t0,8(t0)              x5  0x0000000000000005 mem 0x0000000080000008</code>
/// Stores print "mem ADDRESS VALUE"; traps print a "trap" line. Lines are diffable across runs.
/// </summary>
public sealed class CommitLogWriter(TextWriter writer, int hartId = 0) : IInstructionTracer
{
    private const int DisassemblyWidth = 32;

    public void Retired(in RetiredInstruction instruction)
    {
        var i = instruction;
        var line = new System.Text.StringBuilder(128);
        bool compressed = (i.Bits & 3) != 3;
        line.Append(CultureInfo.InvariantCulture, $"core {hartId,3}: {(int)i.Privilege} 0x{i.Pc:x16} ");
        line.Append(compressed ? $"(0x{i.Bits & 0xFFFF:x4})    " : $"(0x{i.Bits:x8})");
        line.Append(' ').Append(Disassembler.Disassemble(i.Bits, i.Pc).PadRight(DisassemblyWidth));
        if (i.Rd != 0) line.Append(CultureInfo.InvariantCulture, $" x{i.Rd,-2} 0x{i.RdValue:x16}");
        foreach (var a in i.Accesses)
        {
            line.Append(CultureInfo.InvariantCulture, $" mem 0x{a.VirtualAddress:x16}");
            if (a.IsWrite) line.Append(CultureInfo.InvariantCulture, $" 0x{a.Value:x}");
        }
        writer.WriteLine(line.ToString());
    }

    public void TrapTaken(Trap trap, ulong pc) =>
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"core {hartId,3}: trap {trap.Describe()} (mcause 0x{(ulong)trap.Cause:x}) at pc 0x{pc:x16}, tval 0x{trap.Tval:x16}"));
}
