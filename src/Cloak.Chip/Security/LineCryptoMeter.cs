using System.Diagnostics;
using System.Security.Cryptography;
using Cloak.Crypto;

namespace Cloak.Chip.Security;

/// <summary>Throughput of the memory encryption unit's line operations, in GB/s of 64-byte lines.</summary>
public sealed record LineCryptoRates(bool HardwareAes, int Lines, double Encrypt, double Decrypt, double EncryptAndMac, double DecryptAndCheck)
{
    /// <summary>The line MAC alone (GHASH and one AES block), GB/s.</summary>
    public double Mac { get; init; }
    /// <summary>True when the MAC's GHASH multiplies with PCLMULQDQ.</summary>
    public bool HardwareGhash { get; init; }
}

/// <summary>
/// Measures the line cipher and MAC the memory encryption unit uses (the chip measuring itself, as a
/// power-on self test would), so benchmarks need no access to the chip's internals. Keys are random,
/// made here and zeroed when done; nothing of them leaves this method.
/// </summary>
public static class LineCryptoMeter
{
    public static LineCryptoRates Measure(int lines = 1 << 20, int repeat = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lines, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeat, 1);
        byte[] key = RandomNumberGenerator.GetBytes(32), macKey = RandomNumberGenerator.GetBytes(LineMac.KeySize);
        try
        {
            using var xts = new XtsAes128(key.AsSpan(0, 16), key.AsSpan(16));
            using var mac = new LineMac(macKey);
            byte[] plain = RandomNumberGenerator.GetBytes(64), cipher = new byte[64];
            ulong sink = 0;
            double encrypt = Rate(lines, repeat, () => { for (int i = 0; i < lines; i++) xts.EncryptLine((UInt128)i, plain, cipher); });
            double decrypt = Rate(lines, repeat, () => { for (int i = 0; i < lines; i++) xts.DecryptLine((UInt128)i, cipher, plain); });
            double macAlone = Rate(lines, repeat, () => { for (int i = 0; i < lines; i++) sink ^= mac.Compute((UInt128)i, cipher); });
            double encryptAndMac = Rate(lines, repeat, () =>
            {
                for (int i = 0; i < lines; i++)
                {
                    xts.EncryptLine((UInt128)i, plain, cipher);
                    sink ^= mac.Compute((UInt128)i, cipher);
                }
            });
            double decryptAndCheck = Rate(lines, repeat, () =>
            {
                for (int i = 0; i < lines; i++)
                {
                    sink ^= mac.Compute((UInt128)i, cipher);
                    xts.DecryptLine((UInt128)i, cipher, plain);
                }
            });
            GC.KeepAlive(sink);
            return new LineCryptoRates(Aes128.HardwareAccelerated, lines, encrypt, decrypt, encryptAndMac, decryptAndCheck)
            {
                Mac = macAlone,
                HardwareGhash = mac.UsesHardware,
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(macKey);
        }
    }

    /// <summary>GB/s for the best of <paramref name="repeat"/> timed runs after warming up (JIT tiering needs a few calls).</summary>
    private static double Rate(int lines, int repeat, Action work)
    {
        for (int i = 0; i < 3; i++) work();
        double best = double.MaxValue;
        for (int i = 0; i < repeat; i++)
        {
            var clock = Stopwatch.StartNew();
            work();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return lines * 64.0 / best / 1e9;
    }
}
