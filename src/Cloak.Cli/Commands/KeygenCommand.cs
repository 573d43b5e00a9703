using System.CommandLine;
using Cloak.Chip.Security;

namespace Cloak.Cli.Commands;

/// <summary><c>cloak keygen</c>: creates a simulated chip's identity (key pair).</summary>
internal static class KeygenCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out", "-o")
        {
            Description = "Path prefix of the files to write: PREFIX.key (the chip's private key, readable by you only) and PREFIX.pub (its public key, for sealing).",
            DefaultValueFactory = _ => "chip",
            HelpName = "PREFIX",
        };
        var force = new Option<bool>("--force") { Description = "Overwrite existing files." };
        var command = new Command("keygen", "Create a chip identity: a P-256 key pair. The private key stays with the simulated chip; the public key is what programs are sealed for.")
        {
            output, force,
        };
        command.SetAction(parse =>
        {
            string prefix = parse.GetRequiredValue(output);
            string key = prefix + ".key", pub = prefix + ".pub";
            if (!parse.GetValue(force) && (File.Exists(key) || File.Exists(pub)))
                throw new CliError(ExitCodes.Usage, $"{key} or {pub} exists already; use --force to overwrite");
            using var identity = ChipIdentity.Generate();
            try
            {
                identity.Save(key, pub);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliError(ExitCodes.NoInput, $"cannot write the chip identity: {e.Message}");
            }
            Console.WriteLine($"{identity}: private key {key}, public key {pub}");
            return ExitCodes.Success;
        });
        return command;
    }
}
