using System.CommandLine;
using System.CommandLine.Help;
using Cloak.Cli.Commands;
using Cloak.Kernel.Adversaries;
using Cloak.Scripting;

namespace Cloak.Cli;

/// <summary>Builds the command tree and turns every failure into one line on stderr and an exit code.</summary>
internal static class CloakCli
{
    public static int Run(string[] args)
    {
        // A plain command named "cloak" rather than RootCommand, whose name would be the assembly's
        // ("Cloak.Cli") in every usage line.
        var root = new Command("cloak",
            "Cloak: a tamper-resistant RISC-V processor simulator (RV64IMAC) for running programs protected\n" +
            "and studying how protected processes share encrypted memory.")
        {
            new HelpOption(),
            new VersionOption(),
            RunCommand.Create(),
            DemoCommand.Create(),
            KeygenCommand.Create(),
            SealCommand.Create(),
            AttestCommand.Create(),
            CcCommand.Create(),
            DisassembleCommand.Create(),
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            // One line: the most specific error (an unknown token beats "required command was not provided").
            var error = parse.Errors.FirstOrDefault(e => e.Message.Contains("nrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            Console.Error.WriteLine($"cloak: {ErrorText.Describe(error)}");
            Console.Error.WriteLine("Try 'cloak --help' or 'cloak <command> --help'.");
            return ExitCodes.Usage;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (CliError e)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"cloak: {ErrorText.Clean(e.Message)}");
            return e.ExitCode;
        }
        catch (AdversaryFailedException e) when (AdversaryFailures.Describe(e) is { } failure)
        {
            // A user's adversary threw (--adversary): their bug, named with its file and line.
            Console.Out.Flush();
            Console.Error.WriteLine($"cloak: {failure}");
            if (Environment.GetEnvironmentVariable("CLOAK_DEBUG") == "1") Console.Error.WriteLine(e.InnerException);
            return ExitCodes.InternalError;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug in Cloak, not in the input: one line naming it, the trace only on request.
            Console.Out.Flush();
            Console.Error.WriteLine($"cloak: internal error: {e.GetType().Name}: {e.Message} (a bug in Cloak; set CLOAK_DEBUG=1 for the stack trace)");
            if (Environment.GetEnvironmentVariable("CLOAK_DEBUG") == "1") Console.Error.WriteLine(e);
            return ExitCodes.InternalError;
        }
    }
}
