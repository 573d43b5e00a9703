using System.CommandLine;
using Cloak.BareMetal;
using Cloak.Chip.Cpu;
using Cloak.Chip.Security;
using Cloak.Elf;
using Cloak.Kernel;
using Cloak.Os;
using Cloak.Sealing;
using Cloak.Cli.Terminal;
using Cloak.Observation;
using Cloak.Tracing;

namespace Cloak.Cli.Commands;

/// <summary><c>cloak run</c>: runs a bare-metal RISC-V program and exits with its status.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var programs = new Argument<string[]>("program")
        {
            Description = "The RISC-V ELF64 executable to run (linked for bare metal at the RAM base, e.g. picolibc with --oslib=semihost).",
            Arity = ArgumentArity.OneOrMore,
        };
        // An unknown option would otherwise be taken for a program name.
        programs.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
                if (token.Value.StartsWith('-')) result.AddError($"unrecognized option '{token.Value}'");
        });
        var instruments = new InstrumentOptions();
        var trace = new Option<string?>("--trace") { Description = "Write one line per retired instruction (pc, bits, disassembly, register written, memory accessed) to FILE; under the OS model each line names its process, and a protected process's instructions show only as 'protected instruction N'.", HelpName = "FILE" };
        var maxInstructions = new Option<long?>("--max-instructions") { Description = "Stop after N instructions (exit code 124).", HelpName = "N" };
        var ramSize = new Option<string>("--ram-size") { Description = "RAM size, e.g. 128M, 1G, 0x800000.", DefaultValueFactory = _ => "128M", HelpName = "SIZE" };
        var ramBase = new Option<string>("--ram-base") { Description = "Physical address of RAM.", DefaultValueFactory = _ => "0x80000000", HelpName = "ADDRESS" };
        var misaligned = new Option<string>("--misaligned") { Description = "Misaligned loads/stores: 'allow' (as QEMU) or 'trap' (as Spike).", DefaultValueFactory = _ => "allow" };
        misaligned.AcceptOnlyFromAmong("allow", "trap");
        var tlbEntries = new Option<int>("--tlb-entries") { Description = "Entries in each of the instruction and data TLBs (power of two).", DefaultValueFactory = _ => 256, HelpName = "N" };
        var hostFiles = new Option<string?>("--host-files") { Description = "Let semihosting open host files under DIR (refused by default).", HelpName = "DIR" };
        var cmdline = new Option<string>("--cmdline") { Description = "The command line SYS_GET_CMDLINE returns to a bare-metal program.", DefaultValueFactory = _ => "", HelpName = "TEXT" };
        var quantum = new Option<ulong>("--quantum") { Description = "OS model: instructions a process runs before the timer preempts it.", DefaultValueFactory = _ => 100_000, HelpName = "N" };
        var seed = new Option<int>("--seed") { Description = "OS model: seed of frame allocation and address-space layout (same seed, same run).", DefaultValueFactory = _ => 1, HelpName = "N" };
        var swap = new Option<string>("--swap") { Description = "OS model: swap store size, e.g. 256M.", DefaultValueFactory = _ => "256M", HelpName = "SIZE" };
        var outputDir = new Option<string?>("--output-dir") { Description = "OS model: write each process's output to DIR/<pid>-<name>.out instead of prefixed lines on stdout.", HelpName = "DIR" };
        var chip = new Option<string?>("--chip") { Description = "The chip's private key (from cloak keygen): makes the chip tamper resistant; needed for sealed programs (default: chip.key if it exists).", HelpName = "FILE" };
        var auth = new Option<bool>("--auth") { Description = "Authenticated memory: per-line MACs and write counters under an on-chip root (tampering and replay are detected)." };
        var dcache = new Option<string>("--dcache") { Description = "Data cache size (64-byte lines).", DefaultValueFactory = _ => "32K", HelpName = "SIZE" };
        var icache = new Option<string>("--icache") { Description = "Instruction cache size (64-byte lines).", DefaultValueFactory = _ => "32K", HelpName = "SIZE" };
        var ways = new Option<int>("--cache-ways") { Description = "Associativity of both caches.", DefaultValueFactory = _ => 8, HelpName = "N" };
        var earEntries = new Option<int>("--ear-entries") { Description = "Encrypted attribute registers per process.", DefaultValueFactory = _ => new SecurityOptions().EarEntries, HelpName = "N" };
        var latency = new Option<string>("--crypto-latency") { Description = "Cycles the protection hardware adds: decrypt,encrypt,mac,node,context (per line decrypted, line encrypted, MAC, counter-tree node, sealed context).", DefaultValueFactory = _ => new CryptoLatency().ToString(), HelpName = "D,E,M,N,C" };
        ramSize.Aliases.Add("--dram");

        var command = new Command("run", "Run RISC-V programs: one bare-metal program (semihosting/HTIF), or user processes (linked with libcloak) under the OS model; exit with the program's exit code.")
        {
            programs, trace, maxInstructions, ramSize, ramBase, misaligned, tlbEntries, hostFiles, cmdline, quantum, seed, swap, outputDir,
            chip, auth, dcache, icache, ways, earEntries, latency,
        };
        foreach (var option in instruments.All) command.Options.Add(option);
        command.SetAction(parse =>
        {
            string[] files = parse.GetRequiredValue(programs);
            var hart = new HartOptions
            {
                MisalignedAccess = parse.GetValue(misaligned) == "trap" ? MisalignedAccessPolicy.Trap : MisalignedAccessPolicy.Allow,
                TlbEntries = parse.GetValue(tlbEntries),
            };
            var programsLoaded = files.Select(LoadProgram).ToList();
            var request = instruments.Read(parse);
            if (files.Length > 1 || programsLoaded[0].IsUserProcess)
            {
                var kernel = new KernelOptions
                {
                    Quantum = parse.GetValue(quantum),
                    Seed = parse.GetValue(seed),
                    SwapSlots = (int)Math.Min(int.MaxValue, Numbers.ParseSize(parse.GetRequiredValue(swap), "--swap") / 4096),
                    MaxInstructions = parse.GetValue(maxInstructions),
                };
                var security = new SecurityOptions
                {
                    Mode = parse.GetValue(auth) ? MemoryProtectionMode.Authenticated : MemoryProtectionMode.Confidentiality,
                    DataCacheBytes = (int)Math.Min(int.MaxValue, Numbers.ParseSize(parse.GetRequiredValue(dcache), "--dcache")),
                    InstructionCacheBytes = (int)Math.Min(int.MaxValue, Numbers.ParseSize(parse.GetRequiredValue(icache), "--icache")),
                    DataCacheWays = parse.GetValue(ways),
                    InstructionCacheWays = parse.GetValue(ways),
                    EarEntries = parse.GetValue(earEntries),
                    Latency = ParseLatency(parse.GetRequiredValue(latency)),
                };
                string? chipKey = parse.GetValue(chip) ?? (File.Exists("chip.key") ? "chip.key" : null);
                if (chipKey is null && programsLoaded.Any(p => p.Sealed is not null))
                    throw new CliError(ExitCodes.Usage, "sealed programs need the chip's private key: --chip FILE (create one with cloak keygen)");
                return OsRun.Execute(programsLoaded, hart, Numbers.ParseSize(parse.GetRequiredValue(ramSize), "--ram-size"),
                    kernel, security, chipKey, parse.GetValue(outputDir), request, parse.GetValue(trace));
            }
            return Execute(
                files[0],
                programsLoaded[0].Elf!,
                hart,
                Numbers.ParseSize(parse.GetRequiredValue(ramSize), "--ram-size"),
                Numbers.ParseAddress(parse.GetRequiredValue(ramBase), "--ram-base"),
                parse.GetValue(maxInstructions),
                parse.GetValue(trace),
                request,
                parse.GetValue(hostFiles),
                parse.GetRequiredValue(cmdline));
        });
        return command;
    }

    /// <summary>Reads and checks an ELF file or sealed image; a missing or malformed file is a one-line error.</summary>
    internal static ProgramFile LoadProgram(string path)
    {
        if (!File.Exists(path)) throw new CliError(ExitCodes.NoInput, $"{path}: no such file");
        try
        {
            return ProgramFile.Load(path);
        }
        catch (ElfFormatException e)
        {
            throw new CliError(ExitCodes.BadInput, $"{path}: {e.Message}");
        }
        catch (SealedImageException e)
        {
            throw new CliError(ExitCodes.BadInput, $"{path}: {e.Message}");
        }
    }

    /// <summary>Reads and checks an ELF file; a missing or malformed file is a one-line error.</summary>
    internal static ElfImage LoadImage(string path)
    {
        if (!File.Exists(path)) throw new CliError(ExitCodes.NoInput, $"{path}: no such file");
        try
        {
            return ElfImage.Load(path);
        }
        catch (ElfFormatException e)
        {
            throw new CliError(ExitCodes.BadInput, $"{path}: {e.Message}");
        }
    }

    private static int Execute(string path, ElfImage image, HartOptions hart, ulong ramSize, ulong ramBase, long? maxInstructions,
        string? tracePath, InstrumentRequest request, string? hostFiles, string commandLine)
    {
        if (maxInstructions is < 0) throw new CliError(ExitCodes.Usage, "--max-instructions must not be negative");

        using var instruments = Instruments.Open(request);
        using var traceWriter = tracePath is null ? null : OpenTrace(tracePath);
        using var interruption = new Interruption();
        BareMetalMachine? machine = null;
        var status = new ProgressStatus();
        using var progress = ProgressLine.Start(() => machine is null ? "" : status.Describe(machine.Processor, instruments.Recorder));
        using var stdout = new LineFlushingStream(Console.OpenStandardOutput(), progress, ownsInner: true);
        using var stderr = new LineFlushingStream(Console.OpenStandardError(), progress, ownsInner: true);
        using var stdin = Console.OpenStandardInput();
        MachineOptions options;
        try
        {
            options = new MachineOptions
            {
                RamBase = ramBase,
                RamSize = ramSize,
                Hart = hart,
                Stdout = stdout,
                Stderr = stderr,
                Stdin = stdin,
                HostFileRoot = hostFiles,
                CommandLine = commandLine,
            };
            machine = new BareMetalMachine(options);
        }
        catch (ArgumentException e)
        {
            throw new CliError(ExitCodes.Usage, FirstLine(e.Message));
        }
        try
        {
            machine.Load(image);
        }
        catch (ElfFormatException e)
        {
            throw new CliError(ExitCodes.BadInput, $"{path}: {e.Message}");
        }

        var commitLog = traceWriter is null ? null : new CommitLogWriter(traceWriter);
        if (commitLog is not null) machine.Hart.Tracer = commitLog;
        if (request.Any) instruments.Attach(RunRecorder.Attach(machine, MachineConfiguration.Of(machine, options)));

        RunOutcome? outcome = null;
        try
        {
            outcome = machine.Run(maxInstructions, interruption.Token);
        }
        catch (OperationCanceledException)
        {
            // Interrupted: the output so far is out already; the files below are still written.
        }
        finally
        {
            progress.Stop();
        }
        string? traceFailure = FinishTrace(commitLog, traceWriter, tracePath);

        // The statistics state the exit code the command returns (before any failed output file).
        int code = outcome?.End switch
        {
            null => interruption.ExitCode,
            RunEnd.Exited => outcome.ExitCode & 0xFF,
            RunEnd.GuestFault => ExitCodes.GuestFault,
            RunEnd.InstructionLimit => ExitCodes.InstructionLimit,
            _ => ExitCodes.GuestStuck,
        };
        var conclusion = outcome is null
            ? new RunConclusion("interrupted", code, $"interrupted by {interruption.What} at pc 0x{machine.Hart.Pc:x} after {machine.Hart.InstructionsRetired} instructions",
                instruments.Recorder?.Elapsed ?? TimeSpan.Zero, Interrupted: true)
            : new RunConclusion(Names(outcome.End), code, outcome.Message, outcome.HostTime);
        var failures = instruments.Finish(conclusion).ToList();
        if (traceFailure is not null) failures.Add(traceFailure);
        foreach (string failure in failures) Console.Error.WriteLine($"cloak: {failure}");

        if (conclusion.Message is not null) Console.Error.WriteLine($"cloak: {conclusion.Message}");
        return failures.Count > 0 && code == 0 ? ExitCodes.NoInput : code;
    }

    /// <summary>How a bare-metal run ended, as the statistics name it.</summary>
    private static string Names(RunEnd end) => end switch
    {
        RunEnd.Exited => "exited",
        RunEnd.GuestFault => "guest-fault",
        RunEnd.InstructionLimit => "instruction-limit",
        RunEnd.WaitingForever => "waiting-forever",
        _ => "host-error",
    };

    /// <summary>Flushes the commit log; a trace that could not be written (a full disk, /dev/full) is a message, not a crash.</summary>
    internal static string? FinishTrace(CommitLogWriter? log, StreamWriter? writer, string? path)
    {
        if (log is null || writer is null) return null;
        if (log.Failure is { } failure) return $"--trace: writing '{path}' failed: {failure}";
        try
        {
            writer.Flush();
            return null;
        }
        catch (IOException e)
        {
            return $"--trace: writing '{path}' failed: {e.Message}";
        }
    }

    internal static StreamWriter OpenTrace(string path) =>
        new(Instruments.OpenOutput(path, "--trace"), new System.Text.UTF8Encoding(false), 1 << 16);

    private static CryptoLatency ParseLatency(string text)
    {
        try
        {
            return CryptoLatency.Parse(text);
        }
        catch (FormatException e)
        {
            throw new CliError(ExitCodes.Usage, $"--crypto-latency {e.Message}");
        }
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
