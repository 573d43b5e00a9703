using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Cloak.Chip.Security;

namespace Cloak.Bench;

/// <summary>
/// Throughput of the memory encryption unit's line operations (64-byte lines), measured by the chip
/// (<see cref="LineCryptoMeter"/>): XTS encrypt and decrypt (confidentiality mode) and XTS plus the
/// line MAC (authenticated mode), the MAC alone, side by side with the class library's AES-ECB called once per line
/// (what a naive implementation would do) on the same machine in the same run.
/// </summary>
internal static class CryptoSuite
{
    private const int Lines = 1 << 20;

    public static string Run()
    {
        string loadBefore = BenchCli.LoadAverage();
        var rates = LineCryptoMeter.Measure(Lines);
        double libraryEcb = LibraryEcbRate(Lines / 16);

        var c = CultureInfo.InvariantCulture;
        var table = new StringBuilder();
        table.AppendLine("### Memory encryption unit, per 64-byte line\n");
        table.AppendLine($"AES-NI in use: {rates.HardwareAes}; PCLMULQDQ (GHASH) in use: {rates.HardwareGhash}. {rates.Lines:N0} lines per measurement, one call per line as the chip makes them, best of 3 in processor time (wall time would count other processes on a loaded machine). Targets from issue 11.\n");
        table.AppendLine("| operation | GB/s | ns/line | target |");
        table.AppendLine("|---|---:|---:|---|");
        table.AppendLine(string.Create(c, $"| XTS encrypt (confidentiality, write-back) | {rates.Encrypt:F2} | {64 / rates.Encrypt:F0} | 4 GB/s |"));
        table.AppendLine(string.Create(c, $"| XTS decrypt (confidentiality, fill) | {rates.Decrypt:F2} | {64 / rates.Decrypt:F0} | 4 GB/s |"));
        table.AppendLine(string.Create(c, $"| line MAC alone (GHASH + one AES block) | {rates.Mac:F2} | {64 / rates.Mac:F0} | |"));
        table.AppendLine(string.Create(c, $"| XTS encrypt + line MAC (authenticated, write-back) | {rates.EncryptAndMac:F2} | {64 / rates.EncryptAndMac:F0} | 2 GB/s |"));
        table.AppendLine(string.Create(c, $"| line MAC check + XTS decrypt (authenticated, fill) | {rates.DecryptAndCheck:F2} | {64 / rates.DecryptAndCheck:F0} | 2 GB/s |"));
        table.AppendLine(string.Create(c, $"| reference: class library Aes.EncryptEcb, one call per line | {libraryEcb:F3} | {64 / libraryEcb:F0} | |"));
        table.AppendLine(string.Create(c, $"\nRatio to the reference: XTS encrypt is {rates.Encrypt / libraryEcb:F0}x faster than one class-library call per line.\n"));
        table.AppendLine($"Load average (1, 5, 15 min) before: {loadBefore}; after: {BenchCli.LoadAverage()}.\n");
        return table.ToString();
    }

    private static double LibraryEcbRate(int lines)
    {
        using var reference = Aes.Create();
        reference.Key = RandomNumberGenerator.GetBytes(16);
        byte[] plain = RandomNumberGenerator.GetBytes(64), cipher = new byte[64];
        void Work() { for (int i = 0; i < lines; i++) reference.EncryptEcb(plain, cipher, PaddingMode.None); }
        Work();
        double best = double.MaxValue;
        using var self = Process.GetCurrentProcess();
        for (int i = 0; i < 3; i++)
        {
            self.Refresh();
            TimeSpan before = self.TotalProcessorTime;
            Work();
            self.Refresh();
            best = Math.Min(best, (self.TotalProcessorTime - before).TotalSeconds);
        }
        return lines * 64.0 / best / 1e9;
    }
}
