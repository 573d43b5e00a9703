using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cloak.Crypto;

/// <summary>
/// The per-cache-line MAC of the authenticated memory mode, and the counter tree's node hash.
/// Threat: an adversary who writes external memory: flips bits in a line, moves (splices) a line to
/// another address, or replays an old version of it. The tweak binds the tag to the line's address
/// and version, so each of these changes the message and, without the key, the adversary can only
/// guess the new tag (probability about 2^-64 per attempt with the 64-bit truncation).
/// </summary>
/// <remarks>
/// tag = first 8 bytes (little-endian) of AES_K2(GHASH_H(tweak (16 bytes, little-endian) || line)),
/// H = AES_K1(0^128), GHASH as in GCM (NIST SP 800-38D 6.4, lengths block included): a hash-then-
/// encrypt MAC, not GMAC itself. Why not GMAC (tag = AES_K1(nonce || 1) xor GHASH_H(...)): GMAC is
/// only secure while a nonce never repeats under one key, and the callers cannot promise that.
/// Counter 0 alone would be safe: the sealing tool MACs image lines under a fresh program key per
/// sealing, and trp.enter MACs a run's lines at counter 0 with the image's own content, the same
/// every time (MemoryEncryptionUnit.ConvertImageLine). But:
/// (1) The counter tree hashes every node of a level under the same tweak (the level), with ever
/// changing content. (2) A line's tweak (region, instance, line, counter) repeats with different
/// content whenever its counters start over under the same key: a region whose on-chip root was
/// evicted and that is opened again, or a sealed image's run after a power cycle (instances restart,
/// the program key does not), writes counter 1, 2, ... again. Two GMAC tags under one nonce give the
/// adversary GHASH_H(m1) xor GHASH_H(m2), a polynomial in H whose roots reveal H and with it
/// forgeries for every line. Here a repeated tweak is harmless: the final AES_K2 is a PRF over the
/// GHASH output, and GHASH is almost-XOR-universal (collision probability at most 6 / 2^128 for two
/// distinct 80-byte messages), so the composition is a PRF on its own (Carter-Wegman hash then
/// PRF; the same design as GCM-SIV's tag, RFC 8452) with no nonce requirement: the tag depends only
/// on (tweak, line), exactly as CBC-MAC's did. What a repeated tweak does allow, replaying an old
/// (line, tag) pair across a counter restart, is what the on-chip root of the counter tree stops
/// while the region lives, as before. Truncating a PRF keeps it a PRF. K1 and K2 are independent,
/// and independent of the XTS keys that encrypt the same lines (HKDF with their own label).
/// </remarks>
internal sealed class LineMac : IDisposable
{
    public const int LineSize = 64;
    /// <summary>K1 (the AES key whose encryption of zero is H) || K2 (the final cipher's key).</summary>
    public const int KeySize = 2 * Aes128.KeySize;

    private readonly Ghash _hash;
    private readonly Aes128 _finish;

    public LineMac(ReadOnlySpan<byte> key32)
        : this(key32, allowHardware: true)
    {
    }

    /// <param name="allowHardware">False forces the class-library AES and the portable GHASH (for tests).</param>
    internal LineMac(ReadOnlySpan<byte> key32, bool allowHardware)
    {
        if (key32.Length != KeySize)
            throw new ArgumentException("The line MAC key is 32 bytes.", nameof(key32));
        Span<byte> h = stackalloc byte[Aes128.BlockSize];
        using (var hashKeyCipher = new Aes128(key32[..Aes128.KeySize], allowHardware))
        {
            h.Clear();
            hashKeyCipher.EncryptBlock(h, h);
        }
        _hash = new Ghash(h, allowHardware);
        h.Clear();
        _finish = new Aes128(key32[Aes128.KeySize..], allowHardware);
    }

    /// <summary>True when both halves run on host instructions (AES-NI and PCLMULQDQ).</summary>
    public bool UsesHardware => _hash.UsesHardware && _finish.UsesHardware;

    /// <summary>The 64-bit tag of one 64-byte line under a tweak.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // compiled alone, as XtsAes128.EncryptLine is, for the same reason
    public ulong Compute(UInt128 tweak, ReadOnlySpan<byte> line64)
    {
        if (line64.Length != LineSize)
            throw new ArgumentException("A line is 64 bytes.", nameof(line64));
        Vector128<byte> digest = _hash.DigestLine(tweak, line64);
        // The hardware rounds straight on the register (Aes128.Encrypt's class-library fallback would
        // make the JIT keep the digest in memory on the way: a store and a load on the critical path).
        Vector128<byte> tag = _finish.UsesHardware
            ? Aes128.Rounds10(digest, ref _finish.HardwareRoundKeys(encrypt: true), encrypt: true)
            : _finish.Encrypt(digest);
        // Bytes 0..7 of the tag block as a little-endian ulong (lane 0; .NET is little-endian).
        return tag.AsUInt64().ToScalar();
    }

    /// <summary>For tests: true when no byte of either key's expanded form remains (after <see cref="Dispose"/>).</summary>
    internal bool KeyMaterialIsZero() => _hash.KeyMaterialIsZero() && _finish.RoundKeysAreZero();

    public void Dispose()
    {
        _hash.Dispose();
        _finish.Dispose();
    }
}
