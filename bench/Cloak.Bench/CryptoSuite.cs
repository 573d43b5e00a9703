using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Cloak.Chip.Security.Crypto;

namespace Cloak.Bench;

/// <summary>
/// Throughput of the memory encryption unit's line operations (64-byte lines): XTS encrypt and
/// decrypt (confidentiality mode) and XTS plus the line MAC (authenticated mode), side by side with
/// the class library's AES-ECB called once per line (the reference a naive implementation would use).
/// </summary>
internal static class CryptoSuite
{
    private const int Lines = 1 << 20;

    public static string Run()
    {
        byte[] key = RandomNumberGenerator.GetBytes(32), macKey = RandomNumberGenerator.GetBytes(16);
        using var xts = new XtsAes128(key.AsSpan(0, 16), key.AsSpan(16));
        using var mac = new LineMac(macKey);
        using var reference = System.Security.Cryptography.Aes.Create();
        reference.Key = key.AsSpan(0, 16).ToArray();
        var plain = RandomNumberGenerator.GetBytes(64);
        var cipher = new byte[64];
        ulong sink = 0;

        double encrypt = Rate(() => { for (int i = 0; i < Lines; i++) xts.EncryptLine((UInt128)i, plain, cipher); });
        double decrypt = Rate(() => { for (int i = 0; i < Lines; i++) xts.DecryptLine((UInt128)i, cipher, plain); });
        double authenticated = Rate(() =>
        {
            for (int i = 0; i < Lines; i++)
            {
                xts.EncryptLine((UInt128)i, plain, cipher);
                sink ^= mac.Compute((UInt128)i, cipher);
            }
        });
        double libraryEcb = Rate(() => { for (int i = 0; i < Lines / 16; i++) reference.EncryptEcb(plain, cipher, PaddingMode.None); }, Lines / 16);
        GC.KeepAlive(sink);

        var c = CultureInfo.InvariantCulture;
        var table = new StringBuilder();
        table.AppendLine("### Memory encryption unit, per 64-byte line\n");
        table.AppendLine($"AES-NI in use: {Aes128.HardwareAccelerated}. {Lines:N0} lines per measurement, best of 3.\n");
        table.AppendLine("| operation | GB/s | ns/line | target |");
        table.AppendLine("|---|---:|---:|---|");
        table.AppendLine(string.Create(c, $"| XTS encrypt (confidentiality, write-back) | {encrypt:F2} | {64 / encrypt:F0} | 2 GB/s |"));
        table.AppendLine(string.Create(c, $"| XTS decrypt (confidentiality, fill) | {decrypt:F2} | {64 / decrypt:F0} | 2 GB/s |"));
        table.AppendLine(string.Create(c, $"| XTS encrypt + line MAC (authenticated) | {authenticated:F2} | {64 / authenticated:F0} | 1 GB/s |"));
        table.AppendLine(string.Create(c, $"| reference: class library Aes.EncryptEcb, one call per line | {libraryEcb:F3} | {64 / libraryEcb:F0} | |"));
        table.AppendLine(string.Create(c, $"\nRatio to the reference: XTS encrypt is {encrypt / libraryEcb:F0}x faster than one class-library call per line.\n"));
        return table.ToString();
    }

    /// <summary>GB/s of 64-byte lines for the best of three runs.</summary>
    private static double Rate(Action work, int lines = Lines)
    {
        work(); // warm up (JIT, tiering)
        double best = double.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            var clock = Stopwatch.StartNew();
            work();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return lines * 64.0 / best / 1e9;
    }
}
