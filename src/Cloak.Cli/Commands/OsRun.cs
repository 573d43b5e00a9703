using Cloak.Chip.Cpu;
using Cloak.Chip.Security;
using Cloak.Cli.Terminal;
using Cloak.Debugging;
using Cloak.Elf;
using Cloak.Experiments;
using Cloak.Kernel;
using Cloak.Observation;
using Cloak.Os;
using Cloak.Sealing;
using Cloak.Tracing;

namespace Cloak.Cli.Commands;

/// <summary>Everything one OS-model run needs, from the command line or a run file.</summary>
internal sealed record OsRunRequest(
    IReadOnlyList<ProgramFile> Programs, IReadOnlyList<IReadOnlyList<string>> Arguments, IReadOnlyList<string?> Names,
    HartOptions Hart, ulong RamSize, KernelOptions Kernel, SecurityOptions Security, string? ChipKey, string? OutputDir,
    InstrumentRequest Instruments, string? TracePath, IReadOnlyList<AttackSpec> Attacks, string? Secret, ReportRequest Report,
    IReadOnlyList<Kernel.Adversaries.Adversary> Adversaries)
{
    /// <summary>--gdb PORT: wait for gdb before the first instruction.</summary>
    public int? GdbPort { get; init; }
}

/// <summary><c>cloak run a.elf b.elf ...</c>: user processes on the OS model, output kept apart per process, attacked if asked.</summary>
internal static class OsRun
{
    public static int Execute(OsRunRequest run)
    {
        var (programs, arguments, hart, ramSize, kernel, security, chipKey, outputDir, request, tracePath) =
            (run.Programs, run.Arguments, run.Hart, run.RamSize, run.Kernel, run.Security, run.ChipKey, run.OutputDir, run.Instruments, run.TracePath);
        var names = programs.Select((p, i) => run.Names[i] ?? p.Name).ToList();
        var reportRequest = run.Report;
        foreach (var program in programs)
            if (!program.IsUserProcess)
                throw new CliError(ExitCodes.BadInput,
                    $"{program.Path}: a bare-metal program (no libcloak entry point); only user programs run under the OS model: build it with cloak cc (without --bare-metal), or run it alone");
        // The kernel knows programs by name (file name without extension): two files must not share one.
        foreach (var clash in programs.Select((p, i) => (Program: p, Name: names[i])).GroupBy(x => x.Name)
                     .Where(g => g.Select(x => Path.GetFullPath(x.Program.Path)).Distinct().Count() > 1))
            throw new CliError(ExitCodes.Usage, $"two programs named '{clash.Key}' ({string.Join(", ", clash.Select(x => x.Program.Path).Distinct())}): processes find programs by name; rename one");
        if (run.Secret is not null && run.Attacks.Count == 0)
            throw new CliError(ExitCodes.Usage, "--secret is what an attack searches for: give --attack snoop (or remap, mitm) too");
        ChipIdentity? identity = null;
        if (chipKey is not null)
        {
            try
            {
                InputFile.Require(chipKey, "the chip key", InputFile.MaxKeyBytes);
                identity = ChipIdentity.Load(chipKey);
            }
            catch (SealedImageException e)
            {
                // A key file that cannot be read is missing input; one that reads but is not a key is bad input.
                throw new CliError(e.InnerException is IOException or UnauthorizedAccessException ? ExitCodes.NoInput : ExitCodes.BadInput, e.Message);
            }
        }
        using var identityScope = identity;
        if (outputDir is not null) CreateOutputDirectory(outputDir);

        using var instruments = Instruments.Open(request);
        using var reportSession = ReportSession.Open(reportRequest);
        using var traceWriter = tracePath is null ? null : RunCommand.OpenTrace(tracePath);
        using var interruption = new Interruption();
        OsMachine? machine = null;
        var status = new ProgressStatus();
        using var progress = ProgressLine.Start(() => machine is null ? "" : status.Describe(machine.Processor, instruments.Recorder));
        using var stdout = new LineFlushingStream(Console.OpenStandardOutput(), progress, ownsInner: true);
        var outputs = new List<Stream>();
        Stream OutputFor(int pid, string name)
        {
            Stream stream = outputDir is not null
                ? new LineFlushingStream(Instruments.OpenOutput(Path.Combine(outputDir, $"{pid}-{name}.out"), "--output-dir"), ProgressLine.None, ownsInner: true)
                : programs.Count == 1 ? stdout : new PrefixedLineStream(stdout, $"[{pid}:{name}] ");
            outputs.Add(stream);
            return stream;
        }

        OsMachineOptions options;
        AttackSession? attacks = null;
        // The debugger knows each sealed program's flags and encrypted regions (what it may show of it).
        using var debugger = run.GdbPort is null ? null : new OsDebugger(
            programs.Select((p, i) => (p.Sealed, Name: names[i])).Where(x => x.Sealed is not null).DistinctBy(x => x.Name).ToDictionary(x => x.Name, x => x.Sealed!));
        try
        {
            options = new OsMachineOptions
            {
                RamSize = ramSize,
                Hart = hart,
                Identity = identity,
                Security = security,
                WrapPort = debugger is null ? null : debugger.Wrap,
                Kernel = kernel with
                {
                    OutputFor = OutputFor,
                    InputFor = (pid, _) => pid == 1 && programs.Count == 1 ? Console.OpenStandardInput() : Stream.Null,
                },
            };
            machine = new OsMachine(options);
            debugger?.Bind(machine);
            // Attacks are judged partly from the chip's reports (TRP refusals): they need a recorder too.
            if (request.Any || traceWriter is not null || run.Attacks.Count > 0 || reportRequest.NeedsRecorder)
                instruments.Attach(RunRecorder.Attach(machine, MachineConfiguration.Of(machine, options)));
            reportSession.Attach(instruments.Recorder, machine);
            if (reportSession.Report is { } report) report.Title = $"cloak run {string.Join(' ', programs.Select(p => Path.GetFileName(p.Path)))}";
            for (int i = 0; i < programs.Count; i++)
            {
                machine.Register(names[i], programs[i]);
                if (programs[i].Sealed is { } image && ((SealedImageFlags)image.Flags).HasFlag(SealedImageFlags.Debuggable))
                    instruments.Recorder?.MarkDebuggable(names[i]);
            }
            attacks = run.Attacks.Count == 0 ? null : AttackSession.Arm(machine, run.Attacks, run.Secret, run.Attacks.Any(a => a.Kind == AttackKind.Remap && a.Into is null) ? Spy() : null);
            foreach (var adversary in run.Adversaries) machine.Attach(adversary);   // --adversary: before any process starts
            for (int i = 0; i < programs.Count; i++)
                machine.Start(names[i], [names[i], .. arguments[i]]);
            attacks?.StartSpy(machine);
            foreach (var (program, i) in programs.Select((p, i) => (p, i)))
                if (program.Sealed is { } image && ((SealedImageFlags)image.Flags).HasFlag(SealedImageFlags.Debuggable))
                    foreach (var p in machine.Kernel.Processes.Where(p => p.Name == names[i]))
                        Console.Error.WriteLine($"cloak: process {p.Pid} ({p.Name}) is debuggable: it was sealed with --debuggable, so a debugger sees its registers and plaintext");
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

        var recorder = instruments.Recorder;
        var commitLog = traceWriter is null ? null : new CommitLogWriter(traceWriter, who: () => recorder?.Running is { } p ? $"[{p.Pid}:{p.Name}]" : "[os]");
        if (commitLog is not null) machine.Processor.Hart.Tracer = commitLog;

        using var gdb = run.GdbPort is { } port ? GdbOption.Accept(port) : null;
        using var killed = debugger?.KillToken.Register(interruption.KilledByDebugger);
        OsRunOutcome outcome;
        try
        {
            if (gdb is not null) debugger!.Attach(gdb);
            outcome = machine.Run(interruption.Token);
        }
        finally
        {
            progress.Stop();
            foreach (var stream in outputs) stream.Flush();
            foreach (var stream in outputs.Where(s => s != stdout)) stream.Dispose();
            stdout.Flush();
        }
        string? traceFailure = RunCommand.FinishTrace(commitLog, traceWriter, tracePath);

        foreach (var p in outcome.Processes.Where(p => p.KillReason is not null))
            Console.Error.WriteLine($"cloak: process {p.Pid} ({p.Name}) killed: {p.KillReason}");
        var failed = outcome.Processes.FirstOrDefault(p => p.ExitCode != 0);
        var (end, code, message) = outcome.End switch
        {
            KernelRunEnd.InstructionLimit => ("instruction-limit", ExitCodes.InstructionLimit,
                $"stopped after {outcome.Statistics.Instructions} instructions (--max-instructions)"),
            KernelRunEnd.Interrupted => ("interrupted", interruption.ExitCode,
                $"interrupted by {interruption.What} after {outcome.Statistics.Instructions} instructions; {outcome.Processes.Count(p => p.KillReason is null && p.ExitCode == 0 && !Ended(machine, p.Pid))} process(es) were still running"),
            _ => ("all-exited", failed is null ? ExitCodes.Success : failed.ExitCode & 0xFF, (string?)null),
        };
        if (outcome.End == KernelRunEnd.AllExited) debugger?.Stub.Exited(code);
        else debugger?.Stub.Terminated(9);
        var conclusion = new RunConclusion(end, code, message, outcome.Statistics.HostTime, outcome.End == KernelRunEnd.Interrupted);
        IReadOnlyList<AttackOutcome> judged = [];
        if (attacks is not null)
        {
            // The attacks are judged from the counters the recorder kept during the run (TRP refusals per process).
            judged = attacks.Judge(outcome, recorder?.Statistics);
            var verdict = AttackSession.Overall(judged);
            conclusion = conclusion with { Verdict = AttackSession.Describe(verdict), Explanation = string.Join(" ", judged.Select(j => j.Explanation + ".")) };
        }
        var failures = instruments.Finish(conclusion, outcome.Statistics).ToList();
        reportSession.PrintInspections(Console.Error);
        failures.AddRange(reportSession.Finish());
        if (traceFailure is not null) failures.Add(traceFailure);
        foreach (string failure in failures) Console.Error.WriteLine($"cloak: {failure}");
        if (message is not null) Console.Error.WriteLine($"cloak: {message}");
        if (attacks is not null) PrintVerdict(judged);
        return failures.Count > 0 && code == 0 ? ExitCodes.NoInput : code;
    }

    /// <summary>The attacks' verdict, as the demo prints its own (stdout, after the programs' output).</summary>
    private static void PrintVerdict(IReadOnlyList<AttackOutcome> judged)
    {
        var o = Console.Out;
        o.WriteLine();
        o.WriteLine($"Verdict: {AttackSession.Describe(AttackSession.Overall(judged))}");
        foreach (var j in judged)
        {
            string kind = j.Spec.Kind.ToString().ToLowerInvariant() + ": ";
            string why = j.Explanation.StartsWith(kind, StringComparison.Ordinal) ? j.Explanation[kind.Length..] : j.Explanation;
            o.WriteLine($"  {j.Spec.Text}: {AttackSession.Describe(j.Verdict)}. {why}.");
        }
        o.Flush();
    }

    /// <summary>Cloak's spy program, which remap maps the victim's frames into (guest/build/share/share_spy.elf).</summary>
    private static ElfImage Spy()
    {
        string path;
        try
        {
            path = Path.Combine(Sdk.GuestRuntime.Locate().ShareProgramDirectory, "share_spy.elf");
        }
        catch (Sdk.GuestBuildException e)
        {
            throw new CliError(ExitCodes.Unavailable, $"--attack remap: {e.Message} (or name a spy of your own with remap:VICTIM,into=PROCESS)");
        }
        if (!File.Exists(path))
            throw new CliError(ExitCodes.NoInput, $"--attack remap: Cloak's spy {path} is missing: build it with make -C guest share (or name a spy of your own with into=PROCESS)");
        return RunCommand.LoadImage(path);
    }

    private static bool Ended(OsMachine machine, int pid) =>
        machine.Kernel.Processes.FirstOrDefault(p => p.Pid == pid)?.State is ProcessState.Zombie or ProcessState.Reaped;

    /// <summary>Creates --output-dir, or fails with one line if it names a file or cannot be made.</summary>
    private static void CreateOutputDirectory(string path)
    {
        if (File.Exists(path) || (Path.Exists(path) && !Directory.Exists(path)))
            throw new CliError(ExitCodes.NoInput, $"--output-dir: '{path}' exists and is not a directory");
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliError(ExitCodes.NoInput, $"--output-dir: cannot create '{path}': {e.Message}");
        }
    }
}
