using Cloak.Chip.Cpu;
using Cloak.Isa;

namespace Cloak.Debugging;

/// <summary>
/// Put on the hart while watchpoints are set: keeps the data accesses of the instruction just
/// retired (the hart reports them to a tracer) and passes everything on to the tracer that was there
/// (--trace). For a protected context the hart hides the virtual addresses, so watchpoints never see
/// its on-chip accesses.
/// </summary>
internal sealed class AccessRecorder(IInstructionTracer? inner) : IInstructionTracer
{
    public IInstructionTracer? Inner { get; } = inner;

    public List<MemoryAccess> Accesses { get; } = [];

    public void Retired(in RetiredInstruction instruction)
    {
        Accesses.AddRange(instruction.Accesses);
        Inner?.Retired(instruction);
    }

    public void TrapTaken(Trap trap, ulong pc) => Inner?.TrapTaken(trap, pc);
}
