using System.CommandLine;
using Cloak.Sdk;

namespace Cloak.Cli.Commands;

/// <summary>
/// <c>cloak cc</c>: compiles and links guest programs with the flags in guest/sdk.mk: a user program
/// linked with libcloak (built on first use), or a bare-metal program. docs/sdk.md.
/// </summary>
internal static class CcCommand
{
    public static Command Create()
    {
        var sources = new Argument<string[]>("source")
        {
            Description = "C (.c) and assembly (.S, .s) sources, objects (.o) and archives (.a). Compiler flags of your own go after --, e.g. -- -Wall.",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string?>("--out", "-o") { Description = "The program to write (default: the first source's name with .elf); with -c, the object.", HelpName = "FILE" };
        var bareMetal = new Option<bool>("--bare-metal") { Description = "A bare-metal program (M-mode at 0x80000000, console and exit over semihosting) instead of a user program for the OS model (libcloak)." };
        var compileOnly = new Option<bool>("-c") { Description = "Compile to objects only, no link." };
        var include = new Option<string[]>("-I") { Description = "Add DIR to the header search path (before Cloak's guest/include).", HelpName = "DIR", AllowMultipleArgumentsPerToken = false };
        var define = new Option<string[]>("-D") { Description = "Define a preprocessor macro.", HelpName = "NAME[=VALUE]", AllowMultipleArgumentsPerToken = false };
        var optimize = new Option<string>("-O") { Description = "Optimisation level: 0, 1, 2, 3, s, g, z or fast.", DefaultValueFactory = _ => "2", HelpName = "LEVEL" };
        optimize.AcceptOnlyFromAmong([.. GuestCompiler.OptimizationLevels]);
        var debug = new Option<bool>("-g") { Description = "Debug information." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Print the commands run (to stderr)." };
        var command = new Command("cc", "Compile and link C and assembly files into a Cloak guest program: a user program linked with libcloak (default; seal it with cloak seal, run it with cloak run), or a bare-metal program (--bare-metal). Uses riscv64-unknown-elf-gcc and picolibc with the flags in guest/sdk.mk.")
        {
            sources, output, bareMetal, compileOnly, include, define, optimize, debug, verbose,
        };
        command.SetAction(parse =>
        {
            var (inputs, extra, _) = DoubleDash.Split(parse, sources);
            DoubleDash.RejectOptions(inputs, " (compiler flags of your own go after --, e.g. cloak cc prog.c -- -Wall)");
            if (inputs.Count == 0) throw new CliError(ExitCodes.Usage, "no source files (compiler flags go after the sources and --)");
            foreach (string input in inputs)
            {
                InputFile.Require(input);
                if (!GuestCompiler.SourceExtensions.Contains(Path.GetExtension(input)))
                    throw new CliError(ExitCodes.Usage, $"{input}: not a source Cloak can build (give .c, .S or .s sources, .o objects or .a archives)");
            }
            var build = new GuestBuild
            {
                Inputs = inputs,
                Output = parse.GetValue(output),
                Kind = parse.GetValue(bareMetal) ? GuestProgramKind.BareMetal : GuestProgramKind.User,
                CompileOnly = parse.GetValue(compileOnly),
                IncludeDirectories = parse.GetValue(include) ?? [],
                Defines = parse.GetValue(define) ?? [],
                Optimization = parse.GetRequiredValue(optimize),
                Debug = parse.GetValue(debug),
                ExtraFlags = extra,
            };
            if (build.CompileOnly && build.Output is not null && inputs.Count > 1)
                throw new CliError(ExitCodes.Usage, "-c with -o takes one source (without -o, each source gets its own .o)");
            string target = build.Output ?? (build.CompileOnly ? "." : build.DefaultOutput);
            string? targetDirectory = Path.GetDirectoryName(Path.GetFullPath(target));
            if (targetDirectory is not null && !Directory.Exists(targetDirectory))
                throw new CliError(ExitCodes.NoInput, $"cannot write '{target}': no such directory {targetDirectory}");
            if (Directory.Exists(target) && !build.CompileOnly)
                throw new CliError(ExitCodes.NoInput, $"cannot write '{target}': it is a directory");

            bool verbosely = parse.GetValue(verbose);
            try
            {
                var runtime = GuestRuntime.Locate();
                if (build.Kind == GuestProgramKind.User && !build.CompileOnly)
                    runtime.EnsureBuilt(message => Console.Error.WriteLine($"cloak: {message}"));
                string compiler = Toolchain.Compiler;
                var arguments = GuestCompiler.Arguments(build, runtime);
                if (verbosely) Console.Error.WriteLine($"cloak: {GuestCompiler.Quote(compiler, arguments)}");
                int status = GuestCompiler.Run(compiler, arguments);
                if (status != 0) throw new CliError(ExitCodes.BadInput, $"compilation failed ({compiler} exited {status}; its messages are above)");
            }
            catch (GuestBuildException e)
            {
                throw new CliError(ExitCodes.Unavailable, e.Message);
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
