using Cloak.Chip.Security;
using Cloak.Elf;
using Cloak.Observation;
using Cloak.Os;
using Cloak.Sealing;
using Cloak.Tests.Support;

namespace Cloak.Tests.Observation;

/// <summary>
/// The recorder's statistics against accounts it does not make: the kernel's own per-process
/// statistics (counted in the kernel, not through the observer hooks), the hart's retired-instruction
/// count, and the chip's <see cref="Cloak.Chip.ChipStatistics"/>, whose stall cycles the protection
/// hardware adds up itself (the recorder's breakdown is counts times the latency table instead).
/// </summary>
public sealed class StatisticsAgreementTests
{
    private static (RunStatistics Statistics, OsRunOutcome Outcome) Run(bool sealedPrograms, MemoryProtectionMode mode, ulong ramSize, params string[] programs)
    {
        using var identity = sealedPrograms ? ChipIdentity.Generate() : null;
        var options = new OsMachineOptions
        {
            RamSize = ramSize,
            Identity = identity,
            Security = new SecurityOptions { Mode = mode },
        };
        var machine = new OsMachine(options);
        var recorder = RunRecorder.Attach(machine, MachineConfiguration.Of(machine, options));
        foreach (string program in programs)
        {
            var image = ElfImage.Load(GuestPrograms.Elf($"{program}.elf"));
            string name = Path.GetFileName(program);
            if (identity is null) machine.Register(name, image);
            else machine.Register(name, SealedImage.Parse(ElfSealer.Seal(image, identity.PublicKey)));
        }
        foreach (string program in programs) machine.Start(Path.GetFileName(program));
        var outcome = machine.Run();
        var statistics = recorder.Complete(new RunConclusion("all-exited", 0, null, outcome.Statistics.HostTime), outcome.Statistics);
        Assert.All(outcome.Processes, p => Assert.True(p.ExitCode == 0, $"{p.Name} exited {p.ExitCode}: {p.KillReason}"));
        return (statistics, outcome);
    }

    public static TheoryData<bool, MemoryProtectionMode, ulong, string[]> Runs() => new()
    {
        { false, MemoryProtectionMode.Confidentiality, 128UL << 20, ["user/producer", "user/consumer"] },
        { true, MemoryProtectionMode.Confidentiality, 128UL << 20, ["user/producer", "user/consumer"] },
        { true, MemoryProtectionMode.Authenticated, 256UL << 10, ["tests/user/swap_stress"] },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void Each_processs_counts_are_the_kernels_own(bool sealedPrograms, MemoryProtectionMode mode, ulong ramSize, string[] programs)
    {
        var (statistics, outcome) = Run(sealedPrograms, mode, ramSize, programs);

        Assert.Equal(outcome.Processes.Count, statistics.Processes.Count);
        foreach (var kernel in outcome.Processes)
        {
            var recorded = statistics.Processes[kernel.Pid];
            Assert.Equal(kernel.Name, recorded.Name);
            Assert.Equal(kernel.ExitCode, recorded.ExitCode);
            Assert.Equal(kernel.Statistics.Instructions, recorded.Chip.Instructions);
            Assert.Equal(kernel.Statistics.PageFaults, recorded.PageFaults);
            Assert.Equal(kernel.Statistics.SwapIns, recorded.SwapIns);
            Assert.Equal(kernel.Statistics.ContextSwitches, recorded.ContextSwitches);
            Assert.Equal(kernel.Statistics.Syscalls, recorded.Syscalls);
            Assert.Equal(sealedPrograms, recorded.Sealed);
            Assert.Equal(sealedPrograms, recorded.Protected);
        }
        if (mode == MemoryProtectionMode.Authenticated) Assert.True(statistics.SwapIns > 0, "the small RAM should have made the program swap");
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void The_totals_are_the_harts_and_the_chips_own(bool sealedPrograms, MemoryProtectionMode mode, ulong ramSize, string[] programs)
    {
        var (statistics, outcome) = Run(sealedPrograms, mode, ramSize, programs);
        var chip = outcome.Chip!;
        var cycles = statistics.CycleBreakdown;

        Assert.Equal(outcome.Statistics.Instructions, statistics.Instructions);
        Assert.Equal(chip.Cycles, statistics.Cycles);
        // The chip adds its stall cycles as it goes; the breakdown reads the timing model's counters by category.
        Assert.Equal(chip.ProtectionStallCycles, cycles.Cache + cycles.Decrypt + cycles.Encrypt + cycles.Mac + cycles.Tree + cycles.Context);
        Assert.Equal(chip.Encryption.LinesDecrypted, statistics.Chip.LinesDecrypted);
        Assert.Equal(chip.Encryption.LinesEncrypted, statistics.Chip.LinesEncrypted);
        Assert.Equal(chip.Encryption.MacChecks, statistics.Chip.MacChecks);
        Assert.Equal(chip.Encryption.MacWrites, statistics.Chip.MacWrites);
        Assert.Equal(chip.Protection.ContextSaves, statistics.Chip.ContextSeals);
        Assert.Equal(chip.Protection.ContextRestores, statistics.Chip.ContextUnseals);
        Assert.Equal(chip.Protection.TrpInstructions, statistics.Chip.TrpInstructions);
        Assert.Equal(chip.Protection.EarLookups, statistics.Chip.EarLookups);
        Assert.Equal(chip.DataCacheHits, statistics.Chip.DataCacheHits);
        Assert.Equal(chip.DataCacheMisses, statistics.Chip.DataCacheMisses);
        Assert.Equal(chip.DataCacheWriteBacks, statistics.Chip.DataCacheWriteBacks);
        Assert.Equal(chip.BusLinesRead, statistics.Chip.BusLinesRead);
        Assert.Equal(chip.BusLinesWritten, statistics.Chip.BusLinesWritten);
        Assert.Equal(sealedPrograms, statistics.Chip.LinesDecrypted > 0);
        // Every region's traffic was counted (the recorder was attached before the first process).
        Assert.Equal(chip.Encryption.LinesDecrypted, statistics.Regions.Values.Aggregate(0UL, (sum, r) => sum + (r.Traffic?.LinesDecrypted ?? 0)));
        Assert.Equal(chip.Encryption.LinesEncrypted, statistics.Regions.Values.Aggregate(0UL, (sum, r) => sum + (r.Traffic?.LinesEncrypted ?? 0)));
    }
}
