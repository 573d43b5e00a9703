using Cloak.Chip.Cpu;
using Cloak.Chip.Security;
using Cloak.Cli.Terminal;
using Cloak.Elf;
using Cloak.Kernel;
using Cloak.Observation;
using Cloak.Os;
using Cloak.Sealing;
using Cloak.Tracing;

namespace Cloak.Cli.Commands;

/// <summary><c>cloak run a.elf b.elf ...</c>: user processes on the OS model, output kept apart per process.</summary>
internal static class OsRun
{
    public static int Execute(IReadOnlyList<ProgramFile> programs, HartOptions hart, ulong ramSize,
        KernelOptions kernel, SecurityOptions security, string? chipKey, string? outputDir, InstrumentRequest request, string? tracePath,
        IReadOnlyList<Kernel.Adversaries.Adversary>? adversaries = null)
    {
        foreach (var program in programs)
            if (!program.IsUserProcess)
                throw new CliError(ExitCodes.BadInput,
                    $"{program.Path}: a bare-metal program (no libcloak entry point); only user programs linked with guest/lib can run under the OS model");
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
        if (outputDir is not null) CreateOutputDirectory(outputDir);

        using var instruments = Instruments.Open(request);
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
        try
        {
            options = new OsMachineOptions
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
            };
            machine = new OsMachine(options);
            if (request.Any || traceWriter is not null) instruments.Attach(RunRecorder.Attach(machine, MachineConfiguration.Of(machine, options)));
            foreach (var program in programs) machine.Register(program.Name, program);
            foreach (var adversary in adversaries ?? []) machine.Attach(adversary);   // --adversary: before any process starts
            foreach (var program in programs) machine.Start(program.Name);
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

        OsRunOutcome outcome;
        try
        {
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
        var failures = instruments.Finish(new RunConclusion(end, code, message, outcome.Statistics.HostTime, outcome.End == KernelRunEnd.Interrupted), outcome.Statistics).ToList();
        if (traceFailure is not null) failures.Add(traceFailure);
        foreach (string failure in failures) Console.Error.WriteLine($"cloak: {failure}");
        if (message is not null) Console.Error.WriteLine($"cloak: {message}");
        return failures.Count > 0 && code == 0 ? ExitCodes.NoInput : code;
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
