using System.CommandLine;
using Cloak.Chip.Security;
using Cloak.Elf;
using Cloak.Os;
using Cloak.Sealing;

namespace Cloak.Cli.Commands;

/// <summary><c>cloak seal</c>: encrypts a user program for one chip.</summary>
internal static class SealCommand
{
    public static Command Create()
    {
        var program = new Argument<string>("program") { Description = "A user program (ELF linked with libcloak, guest/lib) to seal." };
        var chip = new Option<string>("--chip")
        {
            Description = "The chip's public key file (from cloak keygen); the sealed program runs on that chip only.",
            DefaultValueFactory = _ => "chip.pub",
            HelpName = "FILE",
        };
        var output = new Option<string?>("--out", "-o") { Description = "Output file (default: PROGRAM with .sealed instead of .elf).", HelpName = "FILE" };
        var provision = new Option<string[]>("--provision")
        {
            Description = "Put FILE's bytes into the sealed copy of the initialised data symbol SYMBOL (a key given in advance, e.g. cloak_common_key); " +
                          "a PEM P-256 key gives a 32-byte symbol its private scalar, a 64-byte one its public X||Y. Repeatable.",
            HelpName = "SYMBOL=FILE",
            AllowMultipleArgumentsPerToken = false,
        };
        var debuggable = new Option<bool>("--debuggable")
        {
            Description = "Mark the image debuggable (header flag bit 0, covered by its digest, so it is part of the program's identity): " +
                          "a debugger attached with cloak run --gdb sees its registers and plaintext, and the run says so (docs/debugging.md).",
        };
        var command = new Command("seal", "Seal a program for a chip: its code and data encrypted under a fresh program key, that key wrapped to the chip's public key and bound to the image (docs/sealed-image.md).")
        {
            program, chip, output, provision, debuggable,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetRequiredValue(program);
            var image = RunCommand.LoadImage(path);
            if (!OsMachine.IsUserProcessImage(image))
                throw new CliError(ExitCodes.BadInput,
                    $"{path}: a bare-metal program; only user programs linked with libcloak can be sealed (a sealed program runs as a process): build it with cloak cc, without --bare-metal");
            byte[] publicKey;
            try
            {
                InputFile.Require(parse.GetRequiredValue(chip), "the chip public key", InputFile.MaxKeyBytes);
                publicKey = ChipIdentity.LoadPublicKey(parse.GetRequiredValue(chip));
            }
            catch (SealedImageException e)
            {
                // A key file that cannot be read is missing input; one that reads but is not a key is bad input.
                throw new CliError(e.InnerException is IOException or UnauthorizedAccessException ? ExitCodes.NoInput : ExitCodes.BadInput, e.Message);
            }
            var provisioned = ProvisionValues.Read(parse.GetValue(provision) ?? [], image, path);
            byte[] sealedBytes;
            try
            {
                sealedBytes = ElfSealer.Seal(image, publicKey, provisioned,
                    parse.GetValue(debuggable) ? (ushort)SealedImageFlags.Debuggable : (ushort)SealedImageFlags.None);
            }
            catch (ElfFormatException e)
            {
                throw new CliError(ExitCodes.BadInput, $"{path}: {e.Message}");
            }
            finally
            {
                ProvisionValues.Clear(provisioned);
            }
            string target = parse.GetValue(output) ?? Path.ChangeExtension(path, ".sealed");
            try
            {
                File.WriteAllBytes(target, sealedBytes);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliError(ExitCodes.NoInput, $"cannot write '{target}': {e.Message}");
            }
            Console.WriteLine($"{target}: {sealedBytes.Length} bytes sealed for chip {Convert.ToHexString(SealedImage.Fingerprint(publicKey), 0, 8).ToLowerInvariant()}" +
                (parse.GetValue(debuggable) ? " (debuggable: a debugger sees its plaintext)" : ""));
            return ExitCodes.Success;
        });
        return command;
    }
}
