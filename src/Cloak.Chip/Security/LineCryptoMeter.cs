using System.Diagnostics;
using System.Runtime.CompilerServices;
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
            var lines64 = new Lines(xts, mac);
            double encrypt = Rate(lines, repeat, () => { for (int i = 0; i < lines; i++) lines64.Encrypt(i); });
            double decrypt = Rate(lines, repeat, () => { for (int i = 0; i < lines; i++) lines64.Decrypt(i); });
            double macAlone = Rate(lines, repeat, () => { for (int i = 0; i < lines; i++) lines64.Mac(i); });
            double encryptAndMac = Rate(lines, repeat, () => { for (int i = 0; i < lines; i++) lines64.EncryptAndMac(i); });
            double decryptAndCheck = Rate(lines, repeat, () => { for (int i = 0; i < lines; i++) lines64.CheckAndDecrypt(i); });
            ulong sink = lines64.Sink;
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

    /// <summary>
    /// One line's work per call, as the memory encryption unit does it on a fill or a write-back: each
    /// operation a method of its own, called once per line. A loop of inlined calls would be measured
    /// in the JIT's on-stack-replacement code of the loop, which is not what the chip runs; each
    /// method is optimized from its first call, so the first measurement does not time tier 0.
    /// </summary>
    private sealed class Lines(XtsAes128 xts, LineMac mac)
    {
        private readonly byte[] _plain = RandomNumberGenerator.GetBytes(64), _cipher = new byte[64];
        public ulong Sink;

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public void Encrypt(int i) => xts.EncryptLine((UInt128)i, _plain, _cipher);

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public void Decrypt(int i) => xts.DecryptLine((UInt128)i, _cipher, _plain);

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public void Mac(int i) => Sink ^= mac.Compute((UInt128)i, _cipher);

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public void EncryptAndMac(int i)
        {
            xts.EncryptLine((UInt128)i, _plain, _cipher);
            Sink ^= mac.Compute((UInt128)i, _cipher);
        }

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public void CheckAndDecrypt(int i)
        {
            Sink ^= mac.Compute((UInt128)i, _cipher);
            xts.DecryptLine((UInt128)i, _cipher, _plain);
        }
    }

    /// <summary>
    /// GB/s for the best of <paramref name="repeat"/> timed runs after warming up (JIT tiering needs a
    /// few calls), timed in this process's processor time: on a loaded machine wall time counts the
    /// time other processes held the core, processor time does not.
    /// </summary>
    private static double Rate(int lines, int repeat, Action work)
    {
        for (int i = 0; i < 3; i++) work();
        double best = double.MaxValue;
        using var self = Process.GetCurrentProcess();
        for (int i = 0; i < repeat; i++)
        {
            self.Refresh();
            TimeSpan before = self.TotalProcessorTime;
            work();
            self.Refresh();
            best = Math.Min(best, (self.TotalProcessorTime - before).TotalSeconds);
        }
        return lines * 64.0 / best / 1e9;
    }
}
