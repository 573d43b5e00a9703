using System.Security.Cryptography;
using System.Text;
using Cloak.Elf;

namespace Cloak.Cli.Commands;

/// <summary>
/// The values of <c>cloak seal --provision SYMBOL=FILE</c>: keys the vendor puts into the sealed copy
/// of a program (SPEC 4, M1's common key, M3's signing keys). FILE holds the raw bytes, or a PEM
/// P-256 key: a 32-byte symbol gets its private scalar, a 64-byte symbol its public point X||Y.
/// Threat: these are secrets of the sealed program; they are never printed, and the caller zeroes
/// them once the image is sealed (<see cref="Clear"/>).
/// </summary>
internal static class ProvisionValues
{
    private const int ScalarSize = 32;
    private const int PointSize = 64;
    private const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>Reads every SYMBOL=FILE; errors name the symbol and the problem.</summary>
    public static Dictionary<string, byte[]> Read(IReadOnlyList<string> specifications, ElfImage image, string programPath)
    {
        var values = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            foreach (string specification in specifications)
            {
                int equals = specification.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0 || equals == specification.Length - 1)
                    throw new CliError(ExitCodes.Usage, $"--provision '{specification}': write SYMBOL=FILE, e.g. --provision cloak_common_key=common.key");
                string symbol = specification[..equals], file = specification[(equals + 1)..];
                if (values.ContainsKey(symbol)) throw new CliError(ExitCodes.Usage, $"--provision {symbol}: given twice");
                if (image.Symbol(symbol) is null)
                    throw new CliError(ExitCodes.BadInput, $"{programPath}: cannot provision '{symbol}': the program has no such symbol");
                InputFile.Require(file, $"--provision {symbol}:", InputFile.MaxKeyBytes);
                byte[] bytes;
                try
                {
                    bytes = File.ReadAllBytes(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new CliError(ExitCodes.NoInput, $"--provision {symbol}: cannot read {file}: {e.Message}");
                }
                values[symbol] = IsPem(bytes) ? FromPem(bytes, symbol, file, image.SymbolSize(symbol)) : bytes;
            }
            return values;
        }
        catch
        {
            Clear(values);
            throw;
        }
    }

    /// <summary>Zeroes every value.</summary>
    public static void Clear(Dictionary<string, byte[]> values)
    {
        foreach (byte[] value in values.Values) CryptographicOperations.ZeroMemory(value);
    }

    private static bool IsPem(byte[] bytes) => bytes.AsSpan().TrimStart(" \t\r\n"u8).StartsWith("-----BEGIN "u8);

    private static byte[] FromPem(byte[] bytes, string symbol, string file, ulong symbolSize)
    {
        if (symbolSize is not (ScalarSize or PointSize))
            throw new CliError(ExitCodes.BadInput,
                $"--provision {symbol}: {file} is a PEM key, which fits a 32-byte symbol (private scalar) or a 64-byte one (public X||Y); '{symbol}' is {symbolSize} bytes");
        char[] text = Encoding.ASCII.GetChars(bytes);
        CryptographicOperations.ZeroMemory(bytes);
        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(text);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            throw new CliError(ExitCodes.BadInput, $"--provision {symbol}: {file} is not a P-256 EC key in PEM ({Sentence(e.Message)})");
        }
        finally
        {
            Array.Clear(text);
        }
        bool hasPrivate = symbolSize == ScalarSize;
        ECParameters parameters;
        try
        {
            parameters = key.ExportParameters(hasPrivate);
        }
        catch (CryptographicException)
        {
            throw new CliError(ExitCodes.BadInput, $"--provision {symbol}: {file} holds a public key, and the 32-byte '{symbol}' needs a private key");
        }
        try
        {
            if (parameters.Curve.Oid?.Value != P256Oid)
                throw new CliError(ExitCodes.BadInput, $"--provision {symbol}: {file} is an EC key on {parameters.Curve.Oid?.FriendlyName ?? "another curve"}, not P-256");
            return hasPrivate ? [.. parameters.D!] : [.. parameters.Q.X!, .. parameters.Q.Y!];
        }
        finally
        {
            if (parameters.D is not null) CryptographicOperations.ZeroMemory(parameters.D);
        }
    }

    private static string Sentence(string message) => message.Split('\n')[0].Trim().TrimEnd('.');
}
