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

    /// <summary>
    /// Runs one instruction of gdb's <paramref name="thread"/> by <paramref name="step"/>, recording its
    /// data accesses while the thread has watchpoints, and says which stop it ends in: the last
    /// watchpoint it hit, else the end of gdb's single step, else none. Both debuggers (bare metal and
    /// OS model) step this way.
    /// </summary>
    public static StopEvent? StepOne<T>(GdbStub stub, Hart hart, int thread, Func<T> step, out T result)
    {
        var recorder = stub.HasWatchpoints(thread) ? new AccessRecorder(hart.Tracer) : null;
        if (recorder is not null) hart.Tracer = recorder;
        result = step();
        if (recorder is not null) hart.Tracer = recorder.Inner;
        StopEvent? stop = stub.SteppingThread == thread ? StopEvent.Step(thread) : null;
        foreach (var access in recorder?.Accesses ?? [])
            if (stub.WatchpointHit(thread, access.VirtualAddress, access.Size, access.IsWrite) is { } watch)
                stop = StopEvent.Watch(thread, watch, access.VirtualAddress);
        return stop;
    }
}
