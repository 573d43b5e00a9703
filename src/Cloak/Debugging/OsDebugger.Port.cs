using Cloak.Platform;

namespace Cloak.Debugging;

public sealed partial class OsDebugger
{
    /// <summary>Runs a process for the kernel in a way gdb can stop: in chunks, or one instruction at a time.</summary>
    private UserRunResult RunUser(OsPort inner, UserContext context, ulong timeSliceCycles, long maxInstructions)
    {
        var process = _stub is null || _stub.Detached ? null : Live().FirstOrDefault(p => ReferenceEquals(ContextOf(p), context));
        if (process is null) return inner.RunUser(context, timeSliceCycles, maxInstructions);
        int thread = process.Pid;
        long retired = 0;
        ulong start = inner.Cycles;
        while (true)
        {
            if (_pending is { } stop)
            {
                _pending = null;
                // A stop of a process that has ended since is no longer worth telling.
                if (Find(stop.Thread) is not null) Serve(stop);
                if (Stub.Killed) return new UserRunResult(UserExit.Budget, default, retired);
            }
            ulong used = inner.Cycles - start;
            ulong sliceLeft = used >= timeSliceCycles ? 1 : timeSliceCycles - used;
            ulong? pc = Stub.NeedsStepping(thread) ? Pc(process) : null;
            if (pc is null)
            {
                // Nothing to stop at (or a protected process whose pc the OS cannot know): run freely.
                var free = inner.RunUser(context, sliceLeft, Math.Min(maxInstructions - retired, Chunk));
                retired += free.InstructionsRetired;
                if (Stub.PollInterrupt()) _pending = StopEvent.Interrupted(thread);
                if (free.Exit != UserExit.Budget || retired >= maxInstructions) return free with { InstructionsRetired = retired };
                continue;
            }
            if (_resumeFrom != (thread, pc.Value) && Stub.CodeBreakpointAt(thread, pc.Value) is { } hit)
            {
                _pending = StopEvent.Hit(thread, hit);
                continue;
            }
            _resumeFrom = null;
            _pending = AccessRecorder.StepOne(Stub, _machine!.Processor.Hart, thread, () => inner.RunUser(context, sliceLeft, 1), out var result);
            retired += result.InstructionsRetired;
            if ((retired & 0xFFF) == 0 && Stub.PollInterrupt()) _pending ??= StopEvent.Interrupted(thread);
            if (result.Exit != UserExit.Budget || retired >= maxInstructions) return result with { InstructionsRetired = retired };
        }
    }

    /// <summary>The chip's port as the kernel sees it, with the debugger's run loop in <see cref="RunUser"/>; everything else passes through.</summary>
    private sealed class DebugPort(OsDebugger debugger, OsPort inner) : OsPort
    {
        public override Dram Memory => inner.Memory;
        public override ulong Cycles => inner.Cycles;
        public override ulong ClockHz => inner.ClockHz;
        public override bool IsTamperResistant => inner.IsTamperResistant;
        public override IntegrityMetadataStore? IntegrityMetadata => inner.IntegrityMetadata;

        public override UserRunResult RunUser(UserContext context, ulong timeSliceCycles, long maxInstructions) =>
            debugger.RunUser(inner, context, timeSliceCycles, maxInstructions);

        public override void ReleaseProtectedContext(UserContext context) => inner.ReleaseProtectedContext(context);
        public override void FlushTranslations() => inner.FlushTranslations();
        public override void Idle(ulong cycles) => inner.Idle(cycles);
        public override bool AttachBusTap(IBusTap tap) => inner.AttachBusTap(tap);
        public override void DetachBusTap(IBusTap tap) => inner.DetachBusTap(tap);
    }
}
