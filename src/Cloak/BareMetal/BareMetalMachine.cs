using System.Diagnostics;
using Cloak.Chip;
using Cloak.Chip.Bus;
using Cloak.Chip.Bus.Devices;
using Cloak.Chip.Cpu;
using Cloak.Elf;
using Cloak.Platform;

namespace Cloak.BareMetal;

/// <summary>
/// A single-hart machine laid out like QEMU's virt board that runs one bare-metal program in M-mode,
/// serving semihosting and HTIF requests. This is what <c>cloak run</c> uses for a plain ELF.
/// </summary>
public sealed class BareMetalMachine
{
    /// <summary>Instructions per Run call, so cancellation is noticed promptly.</summary>
    private const long ChunkInstructions = 64L << 20;

    private readonly MachineOptions _options;
    private readonly TestFinisher _finisher;
    private readonly Semihosting _semihosting;
    private Htif? _htif;

    public BareMetalMachine(MachineOptions options)
    {
        options.Validate();
        _options = options;
        Processor = new Processor(new ChipOptions
        {
            RamBase = options.RamBase,
            RamSize = options.RamSize,
            ClintBase = MemoryMap.ClintBase,
            Hart = options.Hart with { HostHandlesTraps = false },
        });
        _finisher = new TestFinisher(Bus);
        Bus.Attach(MemoryMap.TestFinisherBase, _finisher);
        Bus.Attach(MemoryMap.UartBase, new Uart16550(options.Stdout, options.Stdin));
        _semihosting = new Semihosting(new GuestMemory(Dram), options, () => Hart.Cycles, Processor.ClockHz);
    }

    public Processor Processor { get; }

    /// <summary>
    /// Runs the hart for at most the given number of instructions (default: <see cref="Hart.Run"/>). A
    /// debugger (<see cref="Debugging.BareMetalDebugger"/>) puts itself here to stop at breakpoints,
    /// after steps and on Ctrl-C; it returns the hart's stops for this loop to handle as usual.
    /// </summary>
    public Func<long, RunResult>? Executor { get; set; }
    public Dram Dram => Processor.Dram;
    public SystemBus Bus => Processor.Bus;
    public Clint Clint => Processor.Clint;
    public Hart Hart => Processor.Hart;

    /// <summary>
    /// Copies the program's segments to their physical (load) addresses, as QEMU's -kernel does
    /// (whatever their p_flags), and points the hart at the entry. HTIF is enabled if the program
    /// exports <c>tohost</c>.
    /// </summary>
    public void Load(ElfImage image)
    {
        foreach (var segment in image.Segments)
        {
            if (!Dram.Contains(segment.PhysicalAddress, segment.MemorySize))
                throw new ElfFormatException(
                    $"{segment} loads at physical [0x{segment.PhysicalAddress:x}, 0x{segment.PhysicalEnd:x}), outside RAM [0x{Dram.BaseAddress:x}, 0x{Dram.EndAddress:x}): " +
                    "use --ram-base/--ram-size, or link it for this machine's RAM (cloak cc --bare-metal; a user program for the OS model is built with cloak cc)");
        }
        foreach (var segment in image.Segments)
        {
            Dram.Write(segment.PhysicalAddress, segment.FileBytes.Span);
            ulong bss = segment.MemorySize - (ulong)segment.FileBytes.Length;
            if (bss > 0) Dram.Clear(segment.PhysicalAddress + (ulong)segment.FileBytes.Length, (int)bss);
        }
        // QEMU's -kernel starts at the entry's physical address (its place in the executable segment's
        // load image). Like QEMU it ignores p_flags: a segment without flags is loaded all the same
        // (ElfImage.Warnings says so).
        var code = image.EntrySegment;
        Hart.Reset(image.Entry - code.VirtualAddress + code.PhysicalAddress);
        Hart.SetRegister(10, (ulong)_options.Hart.HartId); // a0 = hart id, as QEMU's reset vector passes it
        if (image.Symbol("tohost") is { } tohost)
        {
            _htif = new Htif(Dram, tohost, image.Symbol("fromhost"), _options.Stdout, _options.Stderr);
            Bus.Watch(tohost);
        }
    }

    /// <summary>Runs until the program exits, faults, waits forever or retires <paramref name="maxInstructions"/>.</summary>
    public RunOutcome Run(long? maxInstructions = null, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        ulong start = Hart.InstructionsRetired, startTraps = Hart.TrapsTaken;
        long limit = maxInstructions ?? long.MaxValue;
        try
        {
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                // Traps count against the limit too: a trap storm that retires nothing must still end.
                long retired = (long)(Hart.InstructionsRetired - start), traps = (long)(Hart.TrapsTaken - startTraps);
                long done = retired + traps;
                if (done >= limit)
                    return Outcome(RunEnd.InstructionLimit, 0, traps > retired
                        ? $"stopped after {retired} instructions and {traps} traps (--max-instructions counts traps as well: the program spent the budget taking traps)"
                        : $"stopped after {retired} instructions (--max-instructions)");
                var result = Executor is { } execute ? execute(Math.Min(limit - done, ChunkInstructions)) : Hart.Run(Math.Min(limit - done, ChunkInstructions));
                switch (result.Reason)
                {
                    case StopReason.InstructionLimit:
                        continue;
                    case StopReason.Semihosting:
                        switch (_semihosting.Handle(Hart))
                        {
                            case Semihosting.Outcome.Exit exit: return Outcome(RunEnd.Exited, exit.Code, null);
                            case Semihosting.Outcome.Unsupported u: return Outcome(RunEnd.HostError, 0, u.Message);
                        }
                        Hart.CompleteSemihostingCall();
                        continue;
                    case StopReason.Attention:
                        Bus.ClearAttention();
                        if (_finisher.ExitCode is { } finished) return Outcome(RunEnd.Exited, finished, null);
                        if (_htif?.Poll() is { } status) return Outcome(RunEnd.Exited, status, null);
                        continue;
                    case StopReason.UnhandledTrap:
                    {
                        var trap = Hart.LastTrap!.Value;
                        return Outcome(RunEnd.GuestFault, 0,
                            $"unhandled trap: {trap.Describe()} (mcause {(ulong)trap.Cause}) at pc 0x{Hart.Mepc:x}, tval 0x{trap.Tval:x}; no trap handler is installed (mtvec = 0)");
                    }
                    case StopReason.WaitingForever:
                        return Outcome(RunEnd.WaitingForever, 0, $"the hart executed wfi at pc 0x{Hart.Pc - 4:x} with no interrupt enabled that could wake it");
                    case StopReason.TrapLoop:
                    {
                        var trap = Hart.LastTrap!.Value;
                        return Outcome(RunEnd.WaitingForever, 0,
                            $"the program can never continue: the trap handler at mtvec 0x{Hart.Mtvec & ~3UL:x} itself takes {trap.Describe()} (mcause {(ulong)trap.Cause}, tval 0x{trap.Tval:x}) " +
                            "before retiring an instruction, so the hart would take that trap forever");
                    }
                    case StopReason.SpinningForever:
                        return Outcome(RunEnd.WaitingForever, 0,
                            $"the program can never continue: it jumps to itself at pc 0x{Hart.Pc:x} with no interrupt enabled that could end the loop " +
                            "(picolibc's start-up code does this when main returns: end a bare-metal program with exit(status))");
                    default:
                        throw new InvalidOperationException($"unexpected stop {result.Reason}");
                }
            }
        }
        finally
        {
            _options.Stdout.Flush();
            _options.Stderr.Flush();
        }

        RunOutcome Outcome(RunEnd end, int code, string? message)
        {
            _semihosting.CloseAll();
            return new RunOutcome(end, code, message,
                end == RunEnd.GuestFault ? Hart.LastTrap : null, end == RunEnd.GuestFault ? Hart.Mepc : 0,
                Hart.InstructionsRetired - start, Hart.Cycles, clock.Elapsed, Hart.PageWalks, Hart.TrapsTaken, Hart.DecodedPagesBuilt);
        }
    }
}
