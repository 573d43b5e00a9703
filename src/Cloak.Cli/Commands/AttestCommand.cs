using System.CommandLine;
using System.Security.Cryptography;
using Cloak.Attestation;
using Cloak.Chip.Security;
using Cloak.Demo;
using Cloak.Isa;
using Cloak.Sealing;

namespace Cloak.Cli.Commands;

/// <summary>
/// <c>cloak attest verify</c>: checks an attestation report saved from a run (<c>cloak demo --attested
/// --save-reports DIR</c>) against a chip's public key and a policy (docs/attestation.md). Exit 0: the
/// report verified and met the policy; 1: it was refused (the reason on stderr); 65: not a report or
/// not a key; 66: a file cannot be read; 2: usage.
/// </summary>
internal static class AttestCommand
{
    public static Command Create()
    {
        var report = new Argument<string>("report") { Description = "The report file (232 bytes, as trp.attest writes it)." };
        var chip = new Option<string>("--chip-public") { Description = "The chip's public key (PEM), the trust anchor.", Required = true, HelpName = "KEY" };
        var measurement = new Option<string?>("--measurement") { Description = "The measurement (64 hex digits: the sealed image's digest) the process must have.", HelpName = "HEX" };
        var nonce = new Option<string?>("--nonce") { Description = "The nonce (64 hex digits) the report must carry: the verifier's own, fresh.", HelpName = "HEX" };
        var userData = new Option<string?>("--user-data") { Description = "The user data (128 hex digits) the report must carry.", HelpName = "HEX" };
        var allowDebuggable = new Option<bool>("--allow-debuggable") { Description = "Accept a process whose image was sealed debuggable (refused by default)." };
        var verify = new Command("verify", "Check an attestation report: format, the chip's signature, and the policy (not debuggable, measurement, nonce, user data). Prints its fields.")
        {
            report, chip, measurement, nonce, userData, allowDebuggable,
        };
        verify.SetAction(parse =>
        {
            var policy = new ReportPolicy
            {
                Measurement = Hex(parse.GetValue(measurement), "--measurement", AttestationReport.MeasurementSize),
                Nonce = Hex(parse.GetValue(nonce), "--nonce", AttestationReport.NonceSize),
                UserData = Hex(parse.GetValue(userData), "--user-data", AttestationReport.UserDataSize),
                AllowDebuggable = parse.GetValue(allowDebuggable),
            };
            byte[] publicKey = ReadChipKey(parse.GetRequiredValue(chip));
            string path = parse.GetRequiredValue(report);
            InputFile.Require(path, "the report", InputFile.MaxKeyBytes);
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliError(ExitCodes.NoInput, $"cannot read the report {path}: {e.Message}");
            }
            var verdict = new ReportVerifier(publicKey).Verify(bytes, policy);
            if (verdict.Problem == ReportProblem.Malformed) throw new CliError(ExitCodes.BadInput, $"{path}: {verdict.Message}");
            var r = verdict.Report!.Value;
            Console.WriteLine($"report      {path}");
            Console.WriteLine($"version     {r.Version}");
            Console.WriteLine($"chip        {Convert.ToHexString(r.ChipFingerprint).ToLowerInvariant()}");
            Console.WriteLine($"measurement {Convert.ToHexString(r.Measurement).ToLowerInvariant()}");
            Console.WriteLine($"debuggable  {(r.Debuggable ? "yes" : "no")}");
            Console.WriteLine($"nonce       {Convert.ToHexString(r.Nonce).ToLowerInvariant()}");
            Console.WriteLine($"user data   {Convert.ToHexString(r.UserData).ToLowerInvariant()}");
            if (!verdict.Accepted)
            {
                Console.Out.Flush();
                Console.Error.WriteLine($"cloak: report refused: {verdict.Message}");
                return ExitCodes.Refused;
            }
            Console.WriteLine($"verified: signed by the chip" + (policy.Measurement is null ? "" : ", the expected measurement") +
                (policy.Nonce is null ? "" : ", the expected nonce") + (policy.UserData is null ? "" : ", the expected user data") +
                (r.Debuggable ? " (debuggable, allowed)" : ", not debuggable"));
            return ExitCodes.Success;
        });
        return new Command("attest", "Attestation reports: what the chip certifies about a protected process (docs/attestation.md).") { verify };
    }

    private static byte[]? Hex(string? text, string option, int size)
    {
        if (text is null) return null;
        try
        {
            byte[] bytes = Convert.FromHexString(text);
            if (bytes.Length == size) return bytes;
        }
        catch (FormatException)
        {
            // Reported below with the expected form.
        }
        throw new CliError(ExitCodes.Usage, $"{option} must be {size * 2} hex digits ({size} bytes)");
    }

    private static byte[] ReadChipKey(string path)
    {
        try
        {
            InputFile.Require(path, "the chip public key", InputFile.MaxKeyBytes);
            return ChipIdentity.LoadPublicKey(path);
        }
        catch (SealedImageException e)
        {
            // A key file that cannot be read is missing input; one that reads but is not a key is bad input.
            throw new CliError(e.InnerException is IOException or UnauthorizedAccessException ? ExitCodes.NoInput : ExitCodes.BadInput, e.Message);
        }
    }

    /// <summary>Creates the directory for --save-reports before the run, so a bad path costs no run.</summary>
    public static void PrepareDirectory(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliError(ExitCodes.NoInput, $"cannot create the report directory {directory}: {e.Message}");
        }
    }

    /// <summary>Writes each report the processes sent, and the chip's public key, into <paramref name="directory"/>.</summary>
    public static void SaveReports(TextWriter o, string directory, ScenarioResult result)
    {
        try
        {
            string chip = Path.Combine(directory, "chip.pub");
            using (var key = ECDsa.Create(new ECParameters
                   {
                       Curve = ECCurve.NamedCurves.nistP256,
                       Q = new ECPoint { X = result.ChipPublicKey[..32], Y = result.ChipPublicKey[32..] },
                   }))
                File.WriteAllText(chip, key.ExportSubjectPublicKeyInfoPem());
            o.WriteLine();
            o.WriteLine($"Attestation reports saved in {directory} (trust anchor: {chip}; the owner's measurement {Convert.ToHexString(result.OwnerMeasurement).ToLowerInvariant()}):");
            var counts = new Dictionary<string, int>();
            foreach (var sent in result.Reports)
            {
                string name = sent.Sender.Replace(' ', '-');
                int n = counts[name] = counts.GetValueOrDefault(name) + 1;
                string file = Path.Combine(directory, n == 1 ? $"{name}.report" : $"{name}-{n}.report");
                File.WriteAllBytes(file, sent.Report);
                o.WriteLine($"  {file}: sent by {sent.Sender} on {sent.Channel}");
            }
            if (result.Reports.Count == 0) o.WriteLine("  (no process sent a report)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliError(ExitCodes.NoInput, $"cannot write the reports into {directory}: {e.Message}");
        }
    }
}
