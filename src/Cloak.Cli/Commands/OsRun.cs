using System.Globalization;
using Cloak.Chip.Cpu;
using Cloak.Chip.Security;
using Cloak.Elf;
using Cloak.Kernel;
using Cloak.Os;
using Cloak.Sealing;

namespace Cloak.Cli.Commands;

/// <summary><c>cloak run a.elf b.elf ...</c>: user processes on the OS model, output kept apart per process.</summary>
internal static class OsRun
{
    public static int Execute(IReadOnlyList<ProgramFile> programs, HartOptions hart, ulong ramSize,
        KernelOptions kernel, SecurityOptions security, string? chipKey, string? outputDir, bool printStats,
        IReadOnlyList<IReadOnlyList<string>>? arguments = null)
    {
        foreach (var program in programs)
            if (!program.IsUserProcess)
                throw new CliError(ExitCodes.BadInput,
                    $"{program.Path}: a bare-metal program (no libcloak entry point); only user programs run under the OS model: build it with cloak cc (without --bare-metal), or run it alone");
        // The kernel knows programs by name (file name without extension): two files must not share one.
        foreach (var clash in programs.GroupBy(p => p.Name).Where(g => g.Select(p => Path.GetFullPath(p.Path)).Distinct().Count() > 1))
            throw new CliError(ExitCodes.Usage, $"two programs named '{clash.Key}' ({string.Join(", ", clash.Select(p => p.Path).Distinct())}): processes find programs by file name; rename one");
        ChipIdentity? identity = null;
        if (chipKey is not null)
        {
            try
            {
                identity = ChipIdentity.Load(chipKey);
            }
            catch (SealedImageException e)
            {
                // A key file that cannot be read is missing input; one that reads but is not a key is bad input.
                throw new CliError(e.InnerException is IOException or UnauthorizedAccessException ? ExitCodes.NoInput : ExitCodes.BadInput, e.Message);
            }
        }
        using var identityScope = identity;
        if (outputDir is not null) Directory.CreateDirectory(outputDir);

        using var stdout = new BufferedStream(Console.OpenStandardOutput(), 1 << 16);
        var outputs = new List<Stream>();
        Stream OutputFor(int pid, string name)
        {
            Stream stream = outputDir is not null
                ? new FileStream(Path.Combine(outputDir, $"{pid}-{name}.out"), FileMode.Create, FileAccess.Write)
                : programs.Count == 1 ? stdout : new PrefixedLineStream(stdout, $"[{pid}:{name}] ");
            outputs.Add(stream);
            return stream;
        }

        OsMachine machine;
        try
        {
            machine = new OsMachine(new OsMachineOptions
            {
                RamSize = ramSize,
                Hart = hart,
                Identity = identity,
                Security = security,
                Kernel = kernel with
                {
                    OutputFor = OutputFor,
                    InputFor = (pid, _) => pid == 1 && programs.Count == 1 ? Console.OpenStandardInput() : Stream.Null,
                },
            });
            foreach (var program in programs) machine.Register(program.Name, program);
            for (int i = 0; i < programs.Count; i++)
                machine.Start(programs[i].Name, [programs[i].Name, .. arguments?[i] ?? []]);
        }
        catch (ArgumentException e)
        {
            throw new CliError(ExitCodes.Usage, e.Message.Split('\n')[0]);
        }
        catch (ElfFormatException e)
        {
            throw new CliError(ExitCodes.BadInput, e.Message);
        }
        catch (InvalidOperationException e)
        {
            throw new CliError(ExitCodes.Usage, $"cannot start the programs: {e.Message} (try a larger --dram)");
        }

        var outcome = machine.Run();
        foreach (var stream in outputs) stream.Flush();
        foreach (var stream in outputs.Where(s => s != stdout)) stream.Dispose();
        stdout.Flush();

        foreach (var p in outcome.Processes.Where(p => p.KillReason is not null))
            Console.Error.WriteLine($"cloak: process {p.Pid} ({p.Name}) killed: {p.KillReason}");
        if (printStats) PrintStats(outcome);
        if (outcome.End == KernelRunEnd.InstructionLimit)
        {
            Console.Error.WriteLine($"cloak: stopped after {outcome.Statistics.Instructions} instructions (--max-instructions)");
            return ExitCodes.InstructionLimit;
        }
        var failed = outcome.Processes.FirstOrDefault(p => p.ExitCode != 0);
        return failed is null ? ExitCodes.Success : failed.ExitCode & 0xFF;
    }

    private static void PrintStats(OsRunOutcome o)
    {
        var c = CultureInfo.InvariantCulture;
        var e = Console.Error;
        e.WriteLine("cloak: pid  name              exit  instructions  page-faults  swap-ins  switches  syscalls");
        foreach (var p in o.Processes)
            e.WriteLine(string.Create(c, $"cloak: {p.Pid,3}  {p.Name,-16} {p.ExitCode,5}  {p.Statistics.Instructions,12}  {p.Statistics.PageFaults,11}  {p.Statistics.SwapIns,8}  {p.Statistics.ContextSwitches,8}  {p.Statistics.Syscalls,8}"));
        var s = o.Statistics;
        e.WriteLine(string.Create(c, $"""
            cloak: instructions retired  {s.Instructions}
            cloak: simulated cycles      {o.Chip?.Cycles ?? 0}
            cloak: host seconds          {s.HostTime.TotalSeconds:F3}
            cloak: MIPS                  {s.Mips:F1}
            cloak: context switches      {s.ContextSwitches}
            cloak: timer interrupts      {s.TimerInterrupts}
            cloak: syscalls              {s.Syscalls}
            cloak: page faults           {s.PageFaults}
            cloak: swap outs / ins       {s.SwapOuts} / {s.SwapIns}
            """));
        if (o.Chip is not { } chip || chip.Protection.ContextSaves + chip.Encryption.LinesDecrypted == 0) return;
        e.WriteLine(string.Create(c, $"""
            cloak: protection cycles     {chip.ProtectionStallCycles} (latency model; part of the simulated cycles)
            cloak: lines decrypted       {chip.Encryption.LinesDecrypted} ({chip.Encryption.BytesDecrypted} bytes)
            cloak: lines encrypted       {chip.Encryption.LinesEncrypted} ({chip.Encryption.BytesEncrypted} bytes)
            cloak: MAC checks / failures {chip.Encryption.MacChecks} / {chip.Encryption.MacFailures}
            cloak: data cache hits/miss  {chip.DataCacheHits} / {chip.DataCacheMisses} ({chip.DataCacheWriteBacks} write-backs)
            cloak: icache misses         {chip.InstructionCacheMisses}
            cloak: EAR lookups           {chip.Protection.EarLookups}
            cloak: contexts saved/restored {chip.Protection.ContextSaves} / {chip.Protection.ContextRestores} (refused {chip.Protection.ContextsRefused})
            cloak: bus lines read/written {chip.BusLinesRead} / {chip.BusLinesWritten}
            """));
    }
}
