using System.Text;
using Cloak.Kernel.Adversaries;
using Cloak.Os;

namespace Cloak.Kernel.Tests.Support;

/// <summary>
/// An <see cref="OsMachine"/> set up for a test: small DRAM by default (tests that want swapping make
/// it smaller still), every guest program registered by name, each process's output captured, and an
/// instruction limit so that a kernel that hangs fails the test instead of the run.
/// </summary>
internal sealed class TestMachine
{
    public const ulong DefaultRam = 4UL << 20;
    public const long DefaultInstructionLimit = 30_000_000;

    private readonly OutputCapture _output = new();
    private byte[]? _pendingInput;

    public TestMachine(ulong ramSize = DefaultRam, ulong quantum = 100_000, int seed = 1, int swapSlots = 4096,
        long? maxInstructions = DefaultInstructionLimit)
    {
        Machine = new OsMachine(new OsMachineOptions
        {
            RamSize = ramSize,
            Kernel = new KernelOptions
            {
                Quantum = quantum,
                Seed = seed,
                SwapSlots = swapSlots,
                MaxInstructions = maxInstructions,
                OutputFor = _output.For,
                InputFor = (_, _) => TakeInput(),
            },
        });
        foreach (string name in GuestPrograms.All) Machine.Register(name, GuestPrograms.Image(name));
        Watchdog = Attach(new FaultWatchdog());
    }

    /// <summary>Attached to every test machine: turns a paging livelock into a kill instead of a hang.</summary>
    public FaultWatchdog Watchdog { get; }

    public OsMachine Machine { get; }
    public Kernel Kernel => Machine.Kernel;

    /// <summary>Starts a registered program; argv[0] is its name, followed by <paramref name="arguments"/>.</summary>
    public Process Start(string program, params string[] arguments) => Machine.Start(program, [program, .. arguments]);

    /// <summary>Starts a program whose stdin holds <paramref name="input"/>.</summary>
    public Process StartWithInput(string program, byte[] input, params string[] arguments)
    {
        _pendingInput = input;
        try
        {
            return Start(program, arguments);
        }
        finally
        {
            _pendingInput = null;
        }
    }

    public T Attach<T>(T adversary) where T : Adversary
    {
        Machine.Attach(adversary);
        return adversary;
    }

    public TestRun Run() => new(Machine.Run(), _output, Watchdog);

    private Stream TakeInput()
    {
        var input = _pendingInput;
        _pendingInput = null;
        return input is null ? Stream.Null : new MemoryStream(input, writable: false);
    }
}

/// <summary>What a run produced: the kernel's outcome and every process's output.</summary>
internal sealed class TestRun(OsRunOutcome outcome, OutputCapture output, FaultWatchdog watchdog)
{
    public OsRunOutcome Outcome { get; } = outcome;
    public KernelStatistics Statistics => Outcome.Statistics;
    public IReadOnlyList<(int Pid, string Line)> AllLines => output.Lines;

    public string Output(int pid) => output.Text(pid);
    public string Output(Process process) => output.Text(process.Pid);

    public string[] Lines(int pid) => [.. output.Lines.Where(l => l.Pid == pid).Select(l => l.Line)];
    public string[] Lines(Process process) => Lines(process.Pid);

    public ProcessOutcome Process(int pid) => Outcome.Processes.Single(p => p.Pid == pid);
    public ProcessOutcome Process(Process process) => Process(process.Pid);

    /// <summary>The value after "<paramref name="key"/> " on the process's first line that starts with it.</summary>
    public string Value(Process process, string key) => Value(process.Pid, key);

    /// <summary>The value after "<paramref name="key"/> " on the first line of process <paramref name="pid"/> that starts with it.</summary>
    public string Value(int pid, string key)
    {
        string prefix = key + " ";
        string? line = Lines(pid).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(line is not null, $"no line starting with '{prefix}' from process {pid}\n{Describe()}");
        return line[prefix.Length..];
    }

    /// <summary>Every process ran to its end by itself with exit code 0.</summary>
    public TestRun AssertAllExitedCleanly()
    {
        Assert.True(Outcome.End == KernelRunEnd.AllExited, $"the run ended with {Outcome.End}\n{Describe()}");
        foreach (var p in Outcome.Processes)
            Assert.True(p.ExitCode == 0 && p.KillReason is null, $"process {p.Pid} ({p.Name}) ended with {p.ExitCode} {p.KillReason}\n{Describe()}");
        return this;
    }

    /// <summary>Every process's outcome and output, for failure messages.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        if (watchdog.Fired is { } fired) text.AppendLine(fired);
        text.AppendLine($"run ended: {Outcome.End}, {Statistics.Instructions} instructions, {Statistics.SwapOuts}/{Statistics.SwapIns} swap outs/ins");
        foreach (var p in Outcome.Processes)
        {
            text.AppendLine($"--- {p.Pid}:{p.Name} exit {p.ExitCode}{(p.KillReason is null ? "" : $" killed: {p.KillReason}")}");
            text.Append(output.Text(p.Pid));
        }
        return text.ToString();
    }
}
