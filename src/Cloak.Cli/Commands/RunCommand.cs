using System.CommandLine;
using Cloak.BareMetal;
using Cloak.Chip.Cpu;
using Cloak.Chip.Security;
using Cloak.Chip.Timing;
using Cloak.Debugging;
using Cloak.Elf;
using Cloak.Experiments;
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
            Description = "The RISC-V ELF64 executable to run (linked for bare metal at the RAM base, e.g. picolibc with --oslib=semihost). " +
                          "Arguments: PROGRAM -- ARG... for one program, PROGRAM:ARG1,ARG2 for each of several (\\, is a comma inside an argument).",
            Arity = ArgumentArity.OneOrMore,
        };
        var instruments = new InstrumentOptions();
        var reports = new ReportOptions();
        var trace = new Option<string?>("--trace") { Description = "Write one line per retired instruction (pc, bits, disassembly, register written, memory accessed) to FILE; under the OS model each line names its process, and a protected process's instructions show only as 'protected instruction N'.", HelpName = "FILE" };
        var maxInstructions = new Option<long?>("--max-instructions") { Description = "Stop after N instructions (exit code 124).", HelpName = "N" };
        var ramSize = new Option<string>("--ram-size") { Description = "RAM size, e.g. 128M, 1G, 0x800000.", DefaultValueFactory = _ => "128M", HelpName = "SIZE" };
        var ramBase = new Option<string>("--ram-base") { Description = "Physical address of RAM.", DefaultValueFactory = _ => "0x80000000", HelpName = "ADDRESS" };
        var misaligned = new Option<string>("--misaligned") { Description = "Misaligned loads/stores: 'allow' (as QEMU) or 'trap' (as Spike).", DefaultValueFactory = _ => "allow" };
        misaligned.AcceptOnlyFromAmong("allow", "trap");
        var tlbEntries = new Option<int>("--tlb-entries") { Description = "Entries in each of the instruction and data TLBs (power of two).", DefaultValueFactory = _ => 256, HelpName = "N" };
        var hostFiles = new Option<string?>("--host-files") { Description = "Let semihosting open host files under DIR (refused by default).", HelpName = "DIR" };
        var cmdline = new Option<string>("--cmdline") { Description = "The command line SYS_GET_CMDLINE returns to a bare-metal program (default: PROGRAM and the arguments after --, as QEMU's -kernel and -append).", DefaultValueFactory = _ => "", HelpName = "TEXT" };
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
        var engine = new Option<string?>("--engine") { Description = "How the hart executes: 'translate' (hot blocks compiled to host code; traced runs are interpreted) or 'interp' (every instruction interpreted, the reference). Default: the CLOAK_ENGINE environment variable, else translate.", HelpName = "ENGINE" };
        engine.AcceptOnlyFromAmong("translate", "interp");
        var scheme = new Option<string>("--protection-scheme")
        {
            Description = "What the timing model charges protected lines for: xts (decrypt after the data arrives, TME-MK/SEV-like) or ctr (counter mode with a counter cache, SGX-MEE-like); see docs/cost-model.md.",
            DefaultValueFactory = _ => "xts",
            HelpName = "xts|ctr",
        };
        scheme.AcceptOnlyFromAmong("xts", "ctr");
        ramSize.Aliases.Add("--dram");

        var command = new Command("run", "Run RISC-V programs: one bare-metal program (semihosting/HTIF), or user processes (linked with libcloak) under the OS model; exit with the program's exit code.")
        {
            programs, trace, maxInstructions, ramSize, ramBase, misaligned, tlbEntries, hostFiles, cmdline, quantum, seed, swap, outputDir,
            chip, auth, dcache, icache, ways, earEntries, latency, engine, scheme,
        };
        foreach (var option in instruments.All) command.Options.Add(option);
        var attack = new Option<string[]>("--attack")
        {
            Description = "OS model: attack the run (repeatable): snoop, mitm, remap:VICTIM[@AREA][,into=P], tamper:VICTIM@ADDRESS|AREA[,at=TRIGGER], " +
                          "replay:VICTIM@TARGET[,capture=T][,restore=T], context:VICTIM[,at=switch:N]; the run ends with a verdict (docs/cli.md).",
            HelpName = "ATTACK",
        };
        var secret = new Option<string?>("--secret") { Description = "What snoop, remap and mitm search for in what the OS sees (DRAM, swap, messages, the bus).", HelpName = "TEXT" };
        command.Options.Add(attack);
        command.Options.Add(secret);
        foreach (var option in reports.All) command.Options.Add(option);
        var gdb = GdbOption.Create();
        command.Options.Add(gdb);
        var adversaries = new AdversaryOption();
        command.Options.Add(adversaries.Option);
        command.SetAction(parse =>
        {
            // Words after -- are program arguments; before it, an unknown option would otherwise be taken for a program name.
            var (words, afterDash, dashed) = DoubleDash.Split(parse, programs);
            DoubleDash.RejectOptions(words, "");
            ExperimentSpec spec;
            if (words.Count == 1 && !dashed && words[0].EndsWith(".toml", StringComparison.OrdinalIgnoreCase))
            {
                InputFile.Require(words[0]);
                try
                {
                    spec = RunFile.Load(words[0]);
                }
                catch (RunFileException e)
                {
                    throw new CliError(ExitCodes.Usage, e.Message);
                }
            }
            else
            {
                spec = new ExperimentSpec
                {
                    Processes = [.. ProgramArguments.Parse(words, afterDash, dashed).Select(r => new ProcessSpec(r.Path, r.Arguments))],
                };
            }
            // Options given on the command line override the run file; options left out keep its values.
            spec = spec.With(new ExperimentSpec
            {
                ChipKey = parse.GetValue(chip),
                Authenticated = parse.GetValue(auth) ? true : null,
                DataCacheBytes = Given(parse, dcache) is { } d ? Numbers.ParseSize(d, "--dcache") : null,
                InstructionCacheBytes = Given(parse, icache) is { } i ? Numbers.ParseSize(i, "--icache") : null,
                CacheWays = GivenValue(parse, ways),
                EarEntries = GivenValue(parse, earEntries),
                Latency = Given(parse, latency) is { } l ? ParseLatency(l) : null,
                Scheme = Given(parse, scheme) is { } ps ? MemoryTiming.ParseScheme(ps) : null,
                TlbEntries = GivenValue(parse, tlbEntries),
                TrapMisaligned = Given(parse, misaligned) is { } m ? m == "trap" : null,
                Engine = HartOptions.ParseEngine(parse.GetValue(engine)),
                RamBytes = Given(parse, ramSize) is { } r ? Numbers.ParseSize(r, "--ram-size") : null,
                SwapBytes = Given(parse, swap) is { } sw ? Numbers.ParseSize(sw, "--swap") : null,
                Quantum = GivenValue(parse, quantum),
                Seed = GivenValue(parse, seed),
                MaxInstructions = parse.GetValue(maxInstructions),
                Attacks = [.. (parse.GetValue(attack) ?? []).Select(ParseAttack)],
                Secret = parse.GetValue(secret),
                Stats = parse.GetValue(instruments.Stats) ? true : null,
                StatsJson = parse.GetValue(instruments.StatsJson),
                Events = parse.GetValue(instruments.Events),
                EventsFilter = Given(parse, instruments.EventsFilter),
                Timeline = parse.GetValue(instruments.Timeline),
                Trace = parse.GetValue(trace),
                OutputDir = parse.GetValue(outputDir),
            });
            var reportRequest = reports.Read(parse);
            return Run(spec, instruments, reportRequest with { Report = reportRequest.Report ?? spec.Report },
                parse.GetRequiredValue(ramBase), parse.GetValue(hostFiles), parse.GetRequiredValue(cmdline), adversaries, parse,
                parse.GetValue(gdb));
        });
        return command;
    }

    /// <summary>An option's value if the user gave it (not its default), else null.</summary>
    private static T? Given<T>(ParseResult parse, Option<T> option) where T : class =>
        parse.GetResult(option) is { Implicit: false } ? parse.GetValue(option) : null;

    private static T? GivenValue<T>(ParseResult parse, Option<T> option) where T : struct =>
        parse.GetResult(option) is { Implicit: false } ? parse.GetValue(option) : null;

    private static AttackSpec ParseAttack(string text)
    {
        try
        {
            return AttackSpec.Parse(text);
        }
        catch (FormatException e)
        {
            throw new CliError(ExitCodes.Usage, $"--attack: {e.Message}");
        }
    }

    /// <summary>Runs an experiment: one bare-metal program, or user processes under the OS model (with any attacks).</summary>
    private static int Run(ExperimentSpec spec, InstrumentOptions instrumentOptions, ReportRequest reportRequest, string ramBase, string? hostFiles, string cmdline,
        AdversaryOption adversaries, ParseResult parse, int? gdbPort)
    {
        if (spec.Processes.Count == 0) throw new CliError(ExitCodes.Usage, "no program to run");
        var hart = new HartOptions
        {
            MisalignedAccess = spec.TrapMisaligned == true ? MisalignedAccessPolicy.Trap : MisalignedAccessPolicy.Allow,
            TlbEntries = spec.TlbEntries ?? new HartOptions().TlbEntries,
            Engine = spec.Engine ?? HartOptions.EngineFromEnvironment(),
        };
        var request = instrumentOptions.From(spec);
        var programsLoaded = spec.Processes.Select(p => LoadProgram(p.File)).ToList();
        ulong ram = spec.RamBytes ?? 128UL << 20;
        if (spec.Processes.Count == 1 && !programsLoaded[0].IsUserProcess)
        {
            if (adversaries.Given(parse))
                throw new CliError(ExitCodes.Usage, $"--adversary needs user processes under the OS model; {spec.Processes[0].File} is a bare-metal program");
            if (spec.Attacks.Count > 0)
                throw new CliError(ExitCodes.Usage, $"--attack needs user processes under the OS model; {spec.Processes[0].File} is a bare-metal program");
        }
        if (spec.Processes.Count > 1 || programsLoaded[0].IsUserProcess || spec.Attacks.Count > 0 || adversaries.Given(parse))
        {
            var defaults = new SecurityOptions();
            var kernel = new KernelOptions
            {
                Quantum = spec.Quantum ?? new KernelOptions().Quantum,
                Seed = spec.Seed ?? 1,
                SwapSlots = (int)Math.Min(int.MaxValue, (spec.SwapBytes ?? 256UL << 20) / 4096),
                MaxInstructions = spec.MaxInstructions,
            };
            var security = new SecurityOptions
            {
                Mode = spec.Authenticated == true ? MemoryProtectionMode.Authenticated : MemoryProtectionMode.Confidentiality,
                DataCacheBytes = (int)Math.Min(int.MaxValue, spec.DataCacheBytes ?? (ulong)defaults.DataCacheBytes),
                InstructionCacheBytes = (int)Math.Min(int.MaxValue, spec.InstructionCacheBytes ?? (ulong)defaults.InstructionCacheBytes),
                DataCacheWays = spec.CacheWays ?? defaults.DataCacheWays,
                InstructionCacheWays = spec.CacheWays ?? defaults.InstructionCacheWays,
                EarEntries = spec.EarEntries ?? defaults.EarEntries,
                Latency = spec.Latency ?? defaults.Latency,
                Timing = defaults.Timing with { Scheme = spec.Scheme ?? defaults.Timing.Scheme },
            };
            string? chipKey = spec.ChipKey ?? (File.Exists("chip.key") ? "chip.key" : null);
            if (chipKey is null && programsLoaded.Any(p => p.Sealed is not null))
                throw new CliError(ExitCodes.Usage, "sealed programs need the chip's private key: --chip FILE (create one with cloak keygen)");
            return OsRun.Execute(new OsRunRequest(programsLoaded, [.. spec.Processes.Select(p => p.Arguments)], [.. spec.Processes.Select(p => p.Name)],
                hart, ram, kernel, security, chipKey, spec.OutputDir, request, spec.Trace, spec.Attacks, spec.Secret, reportRequest, adversaries.Load(parse))
            {
                GdbPort = gdbPort,
            });
        }
        var only = spec.Processes[0];
        RejectMislinkedUserProgram(only.File, programsLoaded[0].Elf!);
        // Loaded anyway, as QEMU would (a segment without flags): said once, before the program's own output.
        foreach (string warning in programsLoaded[0].Elf!.Warnings) Console.Error.WriteLine($"cloak: warning: {only.File}: {warning}");
        string commandLine = cmdline;
        if (only.Arguments.Count > 0)
        {
            if (commandLine.Length > 0) throw new CliError(ExitCodes.Usage, "give program arguments either with --cmdline or after the program, not both");
            commandLine = ProgramArguments.BareMetalCommandLine(new ProgramRequest(only.File, only.Arguments));
        }
        if (spec.Secret is not null) throw new CliError(ExitCodes.Usage, "--secret is for attacks on user processes (--attack); a bare-metal program runs alone, with no OS to attack it");
        return Execute(only.File, programsLoaded[0].Elf!, hart, ram, Numbers.ParseAddress(ramBase, "--ram-base"), spec.MaxInstructions,
            spec.Trace, request, hostFiles, commandLine, reportRequest, gdbPort);
    }

    /// <summary>Reads and checks an ELF file or sealed image; a missing or malformed file is a one-line error.</summary>
    internal static ProgramFile LoadProgram(string path)
    {
        InputFile.Require(path);
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
        InputFile.Require(path);
        try
        {
            return ElfImage.Load(path);
        }
        catch (ElfFormatException e)
        {
            throw new CliError(ExitCodes.BadInput, $"{path}: {e.Message}");
        }
    }

    /// <summary>
    /// A program that contains libcloak but not its entry point was linked as bare metal by mistake
    /// (libcloak given as a plain archive, without crt0.o and lib/user.ld): say how to link it.
    /// </summary>
    private static void RejectMislinkedUserProgram(string path, ElfImage image)
    {
        if (image.Symbol("cloak_write") is not null || image.Symbol("__cloak_protect_process") is not null)
            throw new CliError(ExitCodes.BadInput,
                $"{path}: contains libcloak but not its entry point (__cloak_start), so it is neither a user program nor a bare-metal one: " +
                "build a user program with cloak cc (it links crt0.o, all of libcloak and lib/user.ld), or a bare-metal program without libcloak with cloak cc --bare-metal");
    }

    private static int Execute(string path, ElfImage image, HartOptions hart, ulong ramSize, ulong ramBase, long? maxInstructions,
        string? tracePath, InstrumentRequest request, string? hostFiles, string commandLine, ReportRequest reportRequest, int? gdbPort)
    {
        if (maxInstructions is < 0) throw new CliError(ExitCodes.Usage, "--max-instructions must not be negative");
        reportRequest.RequireOsModel();

        using var instruments = Instruments.Open(request);
        using var reportSession = ReportSession.Open(reportRequest);
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
        if (request.Any || reportRequest.NeedsRecorder) instruments.Attach(RunRecorder.Attach(machine, MachineConfiguration.Of(machine, options)));
        reportSession.Attach(instruments.Recorder, null);
        if (reportSession.Report is { } report) report.Title = $"cloak run {Path.GetFileName(path)}";

        using var gdb = gdbPort is { } port ? GdbOption.Accept(port) : null;
        using var debugger = gdb is null ? null : new BareMetalDebugger(machine, gdb);
        using var killed = debugger?.KillToken.Register(interruption.KilledByDebugger);
        RunOutcome? outcome = null;
        try
        {
            debugger?.Attach();
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
        if (outcome?.End == RunEnd.Exited) debugger?.Stub.Exited(code);
        else debugger?.Stub.Terminated(outcome?.End == RunEnd.GuestFault ? 11 : 9);
        var conclusion = outcome is null
            ? new RunConclusion("interrupted", code, $"interrupted by {interruption.What} at pc 0x{machine.Hart.Pc:x} after {machine.Hart.InstructionsRetired} instructions",
                instruments.Recorder?.Elapsed ?? TimeSpan.Zero, Interrupted: true)
            : new RunConclusion(Names(outcome.End), code, outcome.Message, outcome.HostTime);
        var failures = instruments.Finish(conclusion).ToList();
        failures.AddRange(reportSession.Finish());
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
