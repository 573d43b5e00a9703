using System.CommandLine;
using Cloak.Kernel.Adversaries;
using Cloak.Scripting;

namespace Cloak.Cli.Commands;

/// <summary>
/// <c>--adversary FILE[:ARG]</c> (repeatable) on run and demo: adversaries written by the user, from a
/// C# file compiled at run time or an assembly (docs/adversary.md, "Loading from the command line").
/// They attach after the built-in attack's, in the order given, before any process starts.
/// </summary>
internal sealed class AdversaryOption
{
    public Option<string[]> Option { get; } = new("--adversary")
    {
        Description = "Attach the adversaries in a C# file (compiled at run time, cached) or an assembly: every public Adversary subclass in it; ARG goes to constructors that take a string. Repeatable.",
        HelpName = "FILE[:ARG]",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>True if the command line names any adversary.</summary>
    public bool Given(ParseResult parse) => parse.GetValue(Option) is { Length: > 0 };

    /// <summary>Loads every adversary named; compiler diagnostics go to stderr, failures become one-line CLI errors.</summary>
    public IReadOnlyList<Adversary> Load(ParseResult parse)
    {
        var specs = parse.GetValue(Option) ?? [];
        if (specs.Length == 0) return [];
        var loader = new AdversaryLoader();
        var adversaries = new List<Adversary>();
        foreach (string spec in specs)
        {
            try
            {
                var result = loader.Load(spec);
                foreach (string warning in result.Warnings) Console.Error.WriteLine(warning.StartsWith("warning:", StringComparison.Ordinal) ? $"cloak: {warning}" : warning);
                adversaries.AddRange(result.Adversaries.Select(a => a.Adversary));
            }
            catch (AdversaryLoadException e)
            {
                foreach (string line in e.Diagnostics) Console.Error.WriteLine(line);
                throw new CliError(e.Failure switch
                {
                    AdversaryLoadFailure.CannotOpen => ExitCodes.NoInput,
                    AdversaryLoadFailure.Usage => ExitCodes.Usage,
                    _ => ExitCodes.BadInput,
                }, $"--adversary {e.Message}");
            }
        }
        return adversaries;
    }
}
