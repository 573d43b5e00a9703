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
/// Under the OS model each line starts with the process (<paramref name="who"/>, e.g. "[3:owner]"),
/// and an instruction of a protected process is only "protected instruction N of that process": the
/// chip reports nothing more of it (its pc, bits and values stay on chip), so the trace cannot leak
/// what the protection hides; plain accesses it made (its bounce buffer) show as the bus carries them.
/// </summary>
public sealed class CommitLogWriter(TextWriter writer, int hartId = 0, Func<string?>? who = null) : IInstructionTracer
{
    private const int DisassemblyWidth = 32;
    private readonly Dictionary<string, ulong> _protectedCounts = new(StringComparer.Ordinal);

    /// <summary>Why writing stopped (the file could not be written, e.g. a full disk), or null.</summary>
    public string? Failure { get; private set; }

    private void Emit(string line)
    {
        if (Failure is not null) return;
        try
        {
            writer.WriteLine(line);
        }
        catch (IOException e)
        {
            // The run goes on without its trace; the caller reports the failure at the end.
            Failure = e.Message;
        }
    }

    public void Retired(in RetiredInstruction instruction)
    {
        var i = instruction;
        var line = new System.Text.StringBuilder(128);
        string? process = who?.Invoke();
        if (process is not null) line.Append(process).Append(' ');
        if (i.Protected)
        {
            string key = process ?? "";
            ulong n = _protectedCounts[key] = _protectedCounts.GetValueOrDefault(key) + 1;
            line.Append(CultureInfo.InvariantCulture, $"core {hartId,3}: {(int)i.Privilege} protected instruction {n}");
            foreach (var a in i.Accesses)
                line.Append(CultureInfo.InvariantCulture, $" plain {(a.IsWrite ? "store" : "load")} pa 0x{a.PhysicalAddress:x16}{(a.IsWrite ? $" 0x{a.Value:x}" : "")}");
            Emit(line.ToString());
            return;
        }
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
        Emit(line.ToString());
    }

    public void TrapTaken(Trap trap, ulong pc)
    {
        string? process = who?.Invoke();
        Emit(string.Create(CultureInfo.InvariantCulture,
            $"{(process is null ? "" : process + " ")}core {hartId,3}: trap {trap.Describe()} (mcause 0x{(ulong)trap.Cause:x}) at pc 0x{pc:x16}, tval 0x{trap.Tval:x16}"));
    }
}
