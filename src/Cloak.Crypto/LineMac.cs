using System.Runtime.Intrinsics;

namespace Cloak.Crypto;

/// <summary>
/// The per-cache-line MAC of the authenticated memory mode.
/// Threat: an adversary who writes external memory: flips bits in a line, moves (splices) a line to
/// another address, or replays an old version of it. The tweak binds the tag to the line's address
/// and version, so each of these changes the message and, without the key, the adversary can only
/// guess the new tag (probability 2^-64 per attempt with the 64-bit truncation).
/// </summary>
/// <remarks>
/// AES-128 CBC-MAC with a zero IV over the fixed 80-byte message tweak (16 bytes, little-endian) ||
/// line (64 bytes); the tag is the first 8 bytes of the last CBC block, read as a little-endian
/// ulong. CBC-MAC is a secure PRF when every message has the same length (Bellare, Kilian and
/// Rogaway 1994); its known forgeries all splice messages of different lengths, and here every
/// message is exactly five blocks. Truncating a PRF's output keeps it a PRF. The key must be
/// independent of the XTS keys that encrypt the same lines.
/// </remarks>
internal sealed class LineMac : IDisposable
{
    public const int LineSize = 64;

    private readonly Aes128 _cipher;

    public LineMac(ReadOnlySpan<byte> key16)
        : this(key16, allowHardware: true)
    {
    }

    /// <param name="allowHardware">False forces the class-library AES path (for tests).</param>
    internal LineMac(ReadOnlySpan<byte> key16, bool allowHardware)
    {
        if (key16.Length != Aes128.KeySize)
            throw new ArgumentException("The line MAC key is 16 bytes.", nameof(key16));
        _cipher = new Aes128(key16, allowHardware);
    }

    /// <summary>The 64-bit tag of one 64-byte line under a tweak.</summary>
    public ulong Compute(UInt128 tweak, ReadOnlySpan<byte> line64)
    {
        if (line64.Length != LineSize)
            throw new ArgumentException("A line is 64 bytes.", nameof(line64));

        // Zero IV: the first block is E(tweak); every further block chains through the cipher.
        Vector128<byte> x = _cipher.Encrypt(Vector128.Create((ulong)tweak, (ulong)(tweak >> 64)).AsByte());
        x = _cipher.Encrypt(x ^ Aes128.Load(line64, 0));
        x = _cipher.Encrypt(x ^ Aes128.Load(line64, 16));
        x = _cipher.Encrypt(x ^ Aes128.Load(line64, 32));
        x = _cipher.Encrypt(x ^ Aes128.Load(line64, 48));
        // Bytes 0..7 of the last block as a little-endian ulong (lane 0; .NET is little-endian).
        return x.AsUInt64().ToScalar();
    }

    public void Dispose() => _cipher.Dispose();
}
