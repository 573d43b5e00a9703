using Cloak.Chip.Bus;
using Cloak.Chip.Bus.Devices;
using Cloak.Chip.Cpu;

namespace Cloak.Chip;

/// <summary>
/// The processor package and the DRAM wired to it: one hart, its CLINT, the system bus.
/// Everything on this object is the hardware's own view; an operating system model gets the
/// narrow <see cref="OsPort"/> instead (see <see cref="Port"/>).
/// </summary>
public sealed class Processor
{
    public Processor(ChipOptions options)
    {
        options.Validate();
        Options = options;
        Dram = new Dram(options.RamBase, options.RamSize);
        Bus = new SystemBus(Dram);
        Hart hart = null!;
        Clint = new Clint(() => hart.Cycles, options.Hart.CyclesPerTimerTick);
        hart = new Hart(Bus, Clint, options.Hart);
        Hart = hart;
        Bus.Attach(options.ClintBase, Clint);
        Port = new OsPort(this);
    }

    public ChipOptions Options { get; }
    public Dram Dram { get; }
    public SystemBus Bus { get; }
    public Clint Clint { get; }
    public Hart Hart { get; }

    /// <summary>The door an operating system uses: run user contexts, program the timer, touch DRAM.</summary>
    public OsPort Port { get; }

    /// <summary>Nominal clock: the CLINT timebase is 10 MHz at the default divider of 10 cycles per tick.</summary>
    public ulong ClockHz => 10_000_000 * Options.Hart.CyclesPerTimerTick;
}
