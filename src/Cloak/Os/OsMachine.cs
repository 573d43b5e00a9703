using Cloak.Chip;
using Cloak.Chip.Cpu;
using Cloak.Chip.Security;
using Cloak.Elf;
using Cloak.Kernel;
using Cloak.Kernel.Adversaries;
using Cloak.Sealing;

namespace Cloak.Os;

/// <summary>Options of a machine that runs user processes under the OS model.</summary>
public sealed record OsMachineOptions
{
    public ulong RamSize { get; init; } = 128UL << 20;
    public HartOptions Hart { get; init; } = new();
    public KernelOptions Kernel { get; init; } = new();

    /// <summary>The chip's identity: makes the chip tamper resistant, so sealed programs sealed for it can run.</summary>
    public ChipIdentity? Identity { get; init; }

    public SecurityOptions Security { get; init; } = new();

    /// <summary>
    /// Puts something between the kernel and the chip's port (the host's debugger,
    /// <see cref="Debugging.OsDebugger"/>, which runs processes one instruction at a time there). Null: the port itself.
    /// </summary>
    public Func<Platform.OsPort, Platform.OsPort>? WrapPort { get; init; }
}

/// <summary>How one process ended: the exit code and the kernel's report, and the same as data (<see cref="End"/> and what caused it).</summary>
public sealed record ProcessOutcome(int Pid, string Name, int ExitCode, string? KillReason, ProcessStatistics Statistics)
{
    public ProcessEnd End { get; init; }
    public Isa.Trap? FatalTrap { get; init; }
    public Platform.ContextRefusal? Refusal { get; init; }
    public Isa.TrpStatus? ImageRefusal { get; init; }
    public bool Sealed { get; init; }
}

/// <summary>The result of running processes to the end (or the instruction limit).</summary>
public sealed record OsRunOutcome(KernelRunEnd End, IReadOnlyList<ProcessOutcome> Processes, KernelStatistics Statistics)
{
    /// <summary>The chip's protection counters at the end of the run.</summary>
    public ChipStatistics? Chip { get; init; }
}

/// <summary>
/// A machine for user processes: the processor (traps go to the host) and the kernel model on it.
/// Programs are ELF files linked with libcloak (guest/lib); each is registered under its file name
/// without ".elf", so processes can spawn each other by that name.
/// </summary>
public sealed class OsMachine
{
    public OsMachine(OsMachineOptions options)
    {
        Processor = new Processor(new ChipOptions
        {
            RamSize = options.RamSize,
            Hart = options.Hart with { HostHandlesTraps = true, Semihosting = false },
            Identity = options.Identity,
            Security = options.Security,
        });
        Kernel = new Kernel.Kernel(options.WrapPort is { } wrap ? wrap(Processor.Port) : Processor.Port, options.Kernel);
    }

    public Processor Processor { get; }
    public Kernel.Kernel Kernel { get; }

    /// <summary>True if the image was linked as a user process (it carries libcloak's entry code).</summary>
    public static bool IsUserProcessImage(ElfImage image) => image.Symbol("__cloak_start") is not null;

    public static string ProgramName(string path) => Path.GetFileNameWithoutExtension(path);

    public void Register(string name, ElfImage image) => Kernel.Register(name, image);

    public void Register(string name, SealedImage image) => Kernel.Register(name, image);

    public void Register(string name, ProgramFile program)
    {
        if (program.Sealed is not null) Register(name, program.Sealed);
        else Register(name, program.Elf!);
    }

    public Process Start(string name, IReadOnlyList<string>? arguments = null) => Kernel.Start(name, arguments ?? [name]);

    public void Attach(Adversary adversary) => Kernel.Attach(adversary);

    /// <summary>Runs every started process to its end, the instruction limit, or until <paramref name="cancellation"/> is signalled.</summary>
    public OsRunOutcome Run(CancellationToken cancellation = default)
    {
        var (end, statistics) = Kernel.Run(cancellation);
        // Dirty protected lines go back to DRAM (as ciphertext), so what is left there is the final state.
        Processor.FlushCaches();
        return new OsRunOutcome(end,
            [.. Kernel.Processes.Select(p => new ProcessOutcome(p.Pid, p.Name, p.ExitCode, p.KillReason, p.Statistics)
            {
                End = p.End, FatalTrap = p.FatalTrap, Refusal = p.Refusal, ImageRefusal = p.ImageRefusal, Sealed = p.SealedImage,
            })],
            statistics)
        { Chip = Processor.Statistics() };
    }
}
