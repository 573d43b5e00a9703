using System.CommandLine;
using System.Text;
using Cloak.Chip.Security;
using Cloak.Cli.Terminal;
using Cloak.Demo;
using Cloak.Observation;

namespace Cloak.Cli.Commands;

/// <summary><c>cloak demo</c>: a sharing method end to end on a fresh chip, narrated, under an attack.</summary>
internal static class DemoCommand
{
    private static readonly Dictionary<ShareMethod, string> Claims = new()
    {
        [ShareMethod.M1] = "claims 1-2, 10-11: common key given in advance",
        [ShareMethod.M2] = "claims 3-5, 7, 12-14, 16: key exchange with hidden regions",
        [ShareMethod.M3] = "claims 6, 15: key exchange authenticated by signatures (with --attested: by the chip's attestation reports, a variant)",
        [ShareMethod.M4] = "claims 8-9, 17-18: owner notifies the common key to each client",
        [ShareMethod.M5] = "beyond the claims: M4, then a client is removed and the region re-keyed",
    };

    public static Command Create()
    {
        var method = new Argument<string>("method")
        {
            Description = "m1, m2, m3, m4 or m5 (default m4).",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => "m4",
        };
        method.AcceptOnlyFromAmong("m1", "m2", "m3", "m4", "m5");
        var clients = new Option<int?>("--clients") { Description = $"Clients of the owner: 1-{ShareScenario.MaxClients} for M1, 2-{ShareScenario.MaxClients} for M4 and M5 (default 3); M2 and M3 have one.", HelpName = "N" };
        var earEntries = new Option<int?>("--ear-entries")
        {
            Description = $"Encrypted attribute registers per process on the demo's chip ({SecurityOptions.MinEarEntries}-{SecurityOptions.MaxEarEntries}, default {new SecurityOptions().EarEntries}); a process that needs more is refused by the chip.",
            HelpName = "N",
        };
        var attack = new Option<string>("--attack")
        {
            Description = "What the OS does meanwhile: none, snoop, mitm, remap, tamper, replay or context; with --attested also impostor, debuggable or report-replay.",
            DefaultValueFactory = _ => "snoop",
        };
        attack.AcceptOnlyFromAmong("none", "snoop", "mitm", "remap", "tamper", "replay", "context", "impostor", "debuggable", "report-replay");
        var auth = new Option<bool>("--auth") { Description = "Authenticated memory (MACs, counters, on-chip root) instead of confidentiality only." };
        var signedExchange = new Option<bool>("--signed") { Description = "M4/M5: authenticate the pairwise key exchanges with signatures (as M3)." };
        var attested = new Option<bool>("--attested") { Description = "M3/M4/M5: authenticate the key exchanges with the chip's attestation reports instead of provisioned signing keys (docs/attestation.md)." };
        var saveReports = new Option<string?>("--save-reports") { Description = "With --attested: write each attestation report sent (OWNER-or-CLIENT-N.report) and the chip's public key (chip.pub) into DIR, for 'cloak attest verify'.", HelpName = "DIR" };
        var narrate = new Option<string>("--narrate") { Description = "Whose protocol steps to narrate as they happen: all, owner or none.", DefaultValueFactory = _ => "all" };
        narrate.AcceptOnlyFromAmong("all", "owner", "none");
        var seed = new Option<int>("--seed") { Description = "Seed of the OS model's frame allocation and layout (the chip's keys are random whatever the seed).", DefaultValueFactory = _ => 1, HelpName = "N" };
        var instruments = new InstrumentOptions();
        var reports = new ReportOptions();
        var command = new Command("demo", "Run a sharing method end to end on a fresh chip with sealed owner and client programs, narrate each claim step, show what a process reads beside what the OS sees, and give a verdict. Plain 'cloak demo' is M4 with 3 clients under a snooping OS.")
        {
            method, clients, attack, auth, signedExchange, attested, saveReports, narrate, seed, earEntries,
        };
        foreach (var option in instruments.All) command.Options.Add(option);
        foreach (var option in reports.All) command.Options.Add(option);
        var adversaries = new AdversaryOption();
        command.Options.Add(adversaries.Option);
        command.SetAction(parse =>
        {
            var options = new ScenarioOptions
            {
                Method = Enum.Parse<ShareMethod>(parse.GetRequiredValue(method), ignoreCase: true),
                Clients = parse.GetValue(clients),
                Attack = Enum.Parse<Attack>(parse.GetRequiredValue(attack).Replace("-", "", StringComparison.Ordinal), ignoreCase: true),
                Authenticated = parse.GetValue(auth),
                Signed = parse.GetValue(signedExchange),
                Attested = parse.GetValue(attested),
                Narration = Console.Out,
                Narrate = Enum.Parse<NarrationLevel>(parse.GetRequiredValue(narrate), ignoreCase: true),
                Seed = parse.GetValue(seed),
                EarEntries = parse.GetValue(earEntries),
            };
            if (options.Problem is { } problem) throw new CliError(ExitCodes.Usage, problem);
            string? reportDirectory = parse.GetValue(saveReports);
            if (reportDirectory is not null && !options.Attested)
                throw new CliError(ExitCodes.Usage, "--save-reports needs --attested (only attested exchanges send reports)");
            if (reportDirectory is not null) AttestCommand.PrepareDirectory(reportDirectory);
            return Run(options with { Observers = adversaries.Load(parse) }, instruments.Read(parse), reports.Read(parse), reportDirectory);
        });
        return command;
    }

    private static int Run(ScenarioOptions options, InstrumentRequest request, ReportRequest reportRequest, string? reportDirectory)
    {
        using var instruments = Instruments.Open(request);
        using var reportSession = ReportSession.Open(reportRequest);
        string setting = $"owner + {options.ClientCount} client(s), attack: {options.Attack.ToString().ToLowerInvariant()}, memory: " +
            (options.Authenticated ? "authenticated (AES-XTS + per-line MACs and counters under an on-chip root)" : "confidentiality (AES-XTS)") +
            (options.Signed ? ", signed exchanges" : options.Attested ? ", attested exchanges" : "");
        if (reportSession.Report is { } report)
        {
            report.Title = $"Cloak demo: {options.Method}";
            report.Subtitle = $"{char.ToUpperInvariant(Claims[options.Method][0])}{Claims[options.Method][1..]}. {char.ToUpperInvariant(setting[0])}{setting[1..]}.";
            report.Marker = ShareScenario.Marker;
        }
        using var interruption = new Interruption();
        Os.OsMachine? machine = null;
        var status = new ProgressStatus();
        using var progress = ProgressLine.Start(() => machine is null ? "" : status.Describe(machine.Processor, instruments.Recorder));
        options = options with
        {
            Cancellation = interruption.Token,
            Narration = progress.Enabled ? new ProgressAwareWriter(Console.Out, progress) : options.Narration,
            Instrument = (built, machineOptions) =>
            {
                machine = built;
                // Always recorded: the progress line names the protocol step reached.
                instruments.Attach(RunRecorder.Attach(built, MachineConfiguration.Of(built, machineOptions)));
                reportSession.Attach(instruments.Recorder, built);
            },
        };
        var o = Console.Out;
        int clients = options.ClientCount;
        o.WriteLine($"Cloak demo: {options.Method} ({Claims[options.Method]})");
        o.WriteLine($"  {setting}");
        o.WriteLine();
        ScenarioResult result;
        try
        {
            result = ShareScenario.Run(options);
        }
        catch (FileNotFoundException e)
        {
            throw new CliError(ExitCodes.NoInput, e.Message);
        }
        finally
        {
            progress.Stop();
        }

        o.WriteLine();
        o.WriteLine("What a process reads from the shared region, and what the OS and the bus see at the same place in DRAM:");
        foreach (var view in result.Views)
        {
            o.WriteLine($"  {view.Who,-9} reads at 0x{view.VirtualAddress:x}: {Hex(view.ProcessView)}  \"{Text(view.ProcessView)}\"");
            o.WriteLine($"  {"the OS",-9} sees at 0x{view.PhysicalAddress:x}: {Hex(view.DramView)}  \"{Text(view.DramView)}\"");
        }
        if (result.Views.Count == 0) o.WriteLine("  (no process got as far as reading the region)");
        o.WriteLine();
        reportSession.PrintInspections(o);
        if (reportSession.Report is { } views) views.Views = result.Views;
        foreach (var (pid, text) in result.Output.OrderBy(p => p.Key))
        {
            foreach (string line in text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("[claim", StringComparison.Ordinal) && !l.StartsWith("VIEW", StringComparison.Ordinal)))
                o.WriteLine($"  [{result.Who(pid)}] {line}");
        }
        foreach (var p in result.Processes.Where(p => p.KillReason is not null))
            o.WriteLine($"  [{result.Who(p.Pid)}] killed: {p.KillReason}");
        if (result.Setup is { } setup)
            o.WriteLine($"  group set up after {setup.Instructions:N0} guest instructions, {setup.HostTime.TotalMilliseconds:F0} ms of host time ({setup.ProcessorTime.TotalMilliseconds:F0} ms of processor time)");
        if (reportDirectory is not null) AttestCommand.SaveReports(o, reportDirectory, result);
        o.WriteLine();
        o.WriteLine($"Verdict: {Describe(result.Verdict)}");
        o.WriteLine($"  {result.Explanation}");
        o.Flush();

        bool interrupted = result.Run.End == Kernel.KernelRunEnd.Interrupted;
        int code = interrupted ? interruption.ExitCode : result.Verdict == Verdict.Failed ? 1 : 0;
        var failures = instruments.Finish(new RunConclusion(
            interrupted ? "interrupted" : result.Run.End == Kernel.KernelRunEnd.InstructionLimit ? "instruction-limit" : "all-exited",
            code, interrupted ? $"interrupted by {interruption.What}" : null, result.Run.Statistics.HostTime, interrupted)
        {
            Verdict = Describe(result.Verdict),
            Explanation = result.Explanation,
        }, result.Run.Statistics).ToList();
        failures.AddRange(reportSession.Finish());
        foreach (string failure in failures) Console.Error.WriteLine($"cloak: {failure}");
        if (interrupted) Console.Error.WriteLine($"cloak: interrupted by {interruption.What}");
        return failures.Count > 0 && code == 0 ? ExitCodes.NoInput : code;
    }

    /// <summary>Narration that steps around the progress line.</summary>
    private sealed class ProgressAwareWriter(TextWriter inner, ProgressLine progress) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value) => progress.Around(() => inner.Write(value));

        public override void WriteLine(string? value) => progress.Around(() => inner.WriteLine(value));
    }

    private static string Describe(Verdict verdict) => verdict switch
    {
        Verdict.SharedCorrectly => "shared correctly",
        Verdict.AttackDetected => "attack detected",
        Verdict.AttackSucceeded => "attack succeeded",
        _ => "failed",
    };

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes.AsSpan(0, Math.Min(24, bytes.Length))).ToLowerInvariant();

    private static string Text(byte[] bytes)
    {
        var s = new StringBuilder();
        foreach (byte b in bytes.AsSpan(0, Math.Min(24, bytes.Length))) s.Append(b is >= 32 and < 127 ? (char)b : '.');
        return s.ToString();
    }
}
