using Cloak.Chip.Security;
using Cloak.Sealing;

namespace Cloak.Fuzz.Targets;

/// <summary>
/// The chip key reader (src/Cloak.Chip/Security/ChipIdentity.cs): <c>ChipIdentity.Load</c> (the
/// chip's private key file, <c>--chip chip.key</c>) and <c>ChipIdentity.LoadPublicKey</c> (the
/// public key a vendor seals for, <c>cloak seal --chip chip.pub</c>). Any file either loads or raises
/// <see cref="SealedImageException"/>. The first input byte chooses the reader and the wrapping: the
/// rest is DER put into a PEM block (so mutations reach the ASN.1 reader instead of breaking the
/// base64), or with wrapping 3 the file's text itself.
/// </summary>
public sealed class ChipKeyTarget : FuzzTarget
{
    private static readonly string[] PrivateLabels = ["PRIVATE KEY", "EC PRIVATE KEY", "PUBLIC KEY"];
    private static readonly string[] PublicLabels = ["PUBLIC KEY", "EC PRIVATE KEY", "PRIVATE KEY"];

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"cloak-fuzz-key-{Environment.ProcessId}.pem");

    public override string Name => "key";

    public override string Contract => "mode byte + DER (in a PEM block) or PEM text: ChipIdentity.Load / LoadPublicKey; only SealedImageException";

    public override IReadOnlyList<string> Instrumented => ["Cloak.Chip.dll"];

    public override int MaxInputLength => 16 * 1024;

    public override bool Run(ReadOnlySpan<byte> input)
    {
        if (input.Length == 0) return false;
        bool isPublic = (input[0] & 1) != 0;
        int wrapping = (input[0] >> 1) & 3;
        var body = input[1..];
        string text = wrapping == 3
            ? System.Text.Encoding.UTF8.GetString(body)
            : Pem((isPublic ? PublicLabels : PrivateLabels)[wrapping], body);
        File.WriteAllText(_path, text);
        try
        {
            if (isPublic)
            {
                byte[] key = ChipIdentity.LoadPublicKey(_path);
                if (key.Length != 64) throw new ContractViolationException($"a public key of {key.Length} bytes was accepted (X || Y is 64)");
                _ = SealedImage.Fingerprint(key);
            }
            else
            {
                using var identity = ChipIdentity.Load(_path);
                if (identity.PublicKey.Length != 64) throw new ContractViolationException($"a chip key with a public key of {identity.PublicKey.Length} bytes was accepted");
                _ = identity.ToString();
            }
            return true;
        }
        catch (SealedImageException)
        {
            return false;
        }
        finally
        {
            File.Delete(_path);
        }
    }

    private static string Pem(string label, ReadOnlySpan<byte> der) =>
        $"-----BEGIN {label}-----\n{Convert.ToBase64String(der, Base64FormattingOptions.InsertLineBreaks)}\n-----END {label}-----\n";
}
