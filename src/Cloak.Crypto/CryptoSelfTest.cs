namespace Cloak.Crypto;

/// <summary>
/// Known-answer tests the chip runs at power-on, before it installs any key.
/// Threat: a broken cipher path (a miscompiled intrinsic, a faulty host, a wrong fallback) that
/// would otherwise write memory under a cipher nobody can check, or in the clear. Like a FIPS 140
/// power-on self-test, a failure means the chip must refuse to run.
/// </summary>
internal static class CryptoSelfTest
{
    /// <summary>True when AES-128 (FIPS 197 C.1) and XTS-AES-128 (IEEE 1619 vector 1) give their
    /// published answers in both directions, through the block, data-unit and line entry points.</summary>
    public static bool Run()
    {
        // FIPS 197 Appendix C.1.
        ReadOnlySpan<byte> aesKey = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f];
        ReadOnlySpan<byte> aesPlain = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff];
        ReadOnlySpan<byte> aesCipher = [0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30, 0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a];

        // IEEE 1619-2007 Annex B, vector 1: both keys zero, data unit 0, 32 zero bytes.
        ReadOnlySpan<byte> xtsCipher =
        [
            0x91, 0x7c, 0xf6, 0x9e, 0xbd, 0x68, 0xb2, 0xec, 0x9b, 0x9f, 0xe9, 0xa3, 0xea, 0xdd, 0xa6, 0x92,
            0xcd, 0x43, 0xd2, 0xf5, 0x95, 0x98, 0xed, 0x85, 0x8c, 0x02, 0xc2, 0x65, 0x2f, 0xbf, 0x92, 0x2e,
        ];

        Span<byte> block = stackalloc byte[16];
        using (var aes = new Aes128(aesKey))
        {
            aes.EncryptBlock(aesPlain, block);
            if (!block.SequenceEqual(aesCipher))
                return false;
            aes.DecryptBlock(aesCipher, block);
            if (!block.SequenceEqual(aesPlain))
                return false;
        }

        Span<byte> zeroKey = stackalloc byte[16];
        zeroKey.Clear();
        Span<byte> zeros = stackalloc byte[XtsAes128.LineSize];
        zeros.Clear();
        Span<byte> buffer = stackalloc byte[XtsAes128.LineSize];
        using var xts = new XtsAes128(zeroKey, zeroKey);

        xts.Encrypt(0, zeros[..32], buffer[..32]);
        if (!buffer[..32].SequenceEqual(xtsCipher))
            return false;
        xts.Decrypt(0, xtsCipher, buffer[..32]);
        if (buffer[..32].ContainsAnyExcept((byte)0))
            return false;

        // Blocks 0 and 1 of a 64-byte data unit are those of the 32-byte one: the line path must
        // reproduce vector 1 in its first half.
        xts.EncryptLine(0, zeros, buffer);
        if (!buffer[..32].SequenceEqual(xtsCipher))
            return false;
        xts.DecryptLine(0, buffer, buffer);
        return !buffer.ContainsAnyExcept((byte)0);
    }
}
