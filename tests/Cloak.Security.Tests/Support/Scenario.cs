using System.Text;
using Cloak.Chip;
using Cloak.Chip.Bus;
using Cloak.Chip.Security;
using Cloak.Kernel;
using Cloak.Kernel.Adversaries;
using Cloak.Os;
using Cloak.Platform;
using Cloak.Sealing;

namespace Cloak.Security.Tests.Support;

/// <summary>How a scenario's machine is built. Defaults: a tamper-resistant chip, 16 MiB of DRAM, a short quantum.</summary>
internal sealed record ScenarioOptions
{
    public MemoryProtectionMode Mode { get; init; } = MemoryProtectionMode.Confidentiality;

    /// <summary>False builds a plain RISC-V chip (no identity, no protection unit).</summary>
    public bool TamperResistant { get; init; } = true;

    public ChipIdentity? Identity { get; init; }
    public ulong RamSize { get; init; } = 16UL << 20;
    public ulong Quantum { get; init; } = 20_000;
    public int DataCacheBytes { get; init; } = 32 * 1024;
    public int DataCacheWays { get; init; } = 8;

    /// <summary>Verified integrity-tree nodes the chip keeps (authenticated mode).</summary>
    public int IntegrityNodeCache { get; init; } = 4096;

    /// <summary>Integrity roots the chip holds (authenticated mode).</summary>
    public int IntegrityRoots { get; init; } = 1024;

    /// <summary>A safety net: no scenario here needs more.</summary>
    public long MaxInstructions { get; init; } = 60_000_000;
}

/// <summary>One process at the end of a run, with everything it wrote to stdout and stderr.</summary>
internal sealed record ProcessRun(int Pid, string Name, int ExitCode, string? KillReason, string Output)
{
    public bool Killed => KillReason is not null;

    public override string ToString() =>
        $"{Pid}:{Name} exit {ExitCode}{(KillReason is null ? "" : $" killed ({KillReason})")}, output:\n{Output}";
}

/// <summary>The processes and counters of a finished run.</summary>
internal sealed class ScenarioResult(OsRunOutcome outcome, IReadOnlyList<ProcessRun> processes)
{
    public OsRunOutcome Outcome { get; } = outcome;
    public IReadOnlyList<ProcessRun> Processes { get; } = processes;
    public ChipStatistics Chip => Outcome.Chip ?? throw new InvalidOperationException("the run has no chip statistics");

    /// <summary>The one process named <paramref name="name"/>.</summary>
    public ProcessRun this[string name] => Processes.Single(p => p.Name == name);

    public ProcessRun Pid(int pid) => Processes.Single(p => p.Pid == pid);

    public override string ToString() => string.Join("\n", Processes);
}

/// <summary>
/// A machine running user processes under the OS model (<see cref="OsMachine"/>), with sealed programs
/// sealed for its own chip and every process's output captured. One scenario, one run.
/// </summary>
internal sealed class Scenario
{
    private readonly Dictionary<int, MemoryStream> _outputs = [];

    public Scenario(ScenarioOptions? options = null)
    {
        Options = options ?? new ScenarioOptions();
        Identity = Options.TamperResistant ? Options.Identity ?? ChipIdentity.Generate() : null;
        Machine = new OsMachine(new OsMachineOptions
        {
            RamSize = Options.RamSize,
            Identity = Identity,
            Security = new SecurityOptions
            {
                Mode = Options.Mode,
                DataCacheBytes = Options.DataCacheBytes,
                DataCacheWays = Options.DataCacheWays,
                IntegrityNodeCache = Options.IntegrityNodeCache,
                IntegrityRoots = Options.IntegrityRoots,
            },
            Kernel = new KernelOptions
            {
                Quantum = Options.Quantum,
                MaxInstructions = Options.MaxInstructions,
                OutputFor = (pid, _) => Output(pid),
            },
        });
    }

    public ScenarioOptions Options { get; }
    public ChipIdentity? Identity { get; }
    public OsMachine Machine { get; }

    /// <summary>The bus between the chip and DRAM (a tamper-resistant chip has one to tap).</summary>
    public BusInterfaceUnit Bus => Machine.Processor.BusInterface ?? throw new InvalidOperationException("a plain chip has no bus interface unit to tap");

    /// <summary>Off-chip integrity metadata (authenticated mode).</summary>
    public IntegrityMetadataStore Metadata => Machine.Processor.IntegrityMetadata ?? throw new InvalidOperationException("a plain chip keeps no integrity metadata");

    private ChipIdentity Chip => Identity ?? throw new InvalidOperationException("a plain chip cannot run sealed programs");

    /// <summary>Registers guest/tests/secure/<paramref name="program"/> sealed for this chip, as <paramref name="name"/>.</summary>
    public SealedImage AddSealed(string program, string? name = null)
    {
        var image = Guest.Seal(Guest.Secure(program), Chip);
        Machine.Register(name ?? program, image);
        return image;
    }

    /// <summary>Registers an already sealed image (from bytes) as <paramref name="name"/>.</summary>
    public void AddSealedImage(string name, SealedImage image) => Machine.Register(name, image);

    /// <summary>Registers guest/tests/secure/<paramref name="program"/> unsealed (a plain process).</summary>
    public void AddPlain(string program, string? name = null) => Machine.Register(name ?? program, Guest.Load(Guest.Secure(program)));

    public Process Start(string name, params string[] arguments) => Machine.Start(name, [name, .. arguments]);

    public void Attach(Adversary adversary) => Machine.Attach(adversary);

    public ScenarioResult Run()
    {
        var outcome = Machine.Run();
        var processes = outcome.Processes
            .Select(p => new ProcessRun(p.Pid, p.Name, p.ExitCode, p.KillReason, Text(p.Pid)))
            .ToList();
        return new ScenarioResult(outcome, processes);
    }

    private MemoryStream Output(int pid)
    {
        var stream = new MemoryStream();
        _outputs[pid] = stream;
        return stream;
    }

    private string Text(int pid) => _outputs.TryGetValue(pid, out var stream) ? Encoding.UTF8.GetString(stream.ToArray()) : "";
}
