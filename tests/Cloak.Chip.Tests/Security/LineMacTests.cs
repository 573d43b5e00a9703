using System.Buffers.Binary;
using System.Security.Cryptography;
using Cloak.Crypto;

namespace Cloak.Chip.Tests.Security;

public sealed class LineMacTests
{
    /// <summary>
    /// The tag from the class library alone: AesGcm under K1 with an empty plaintext and tweak || line
    /// as associated data gives E_K1(J0) xor GHASH; removing E_K1(J0) (AES-ECB) leaves the GHASH, and
    /// AES-ECB under K2 finishes the tag. The nonce is arbitrary: the MAC itself has none.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_mac_is_aes_k2_of_the_class_library_gcm_ghash_over_tweak_and_line_truncated_to_8_bytes(bool allowHardware)
    {
        var random = new Random(80);
        byte[] key = new byte[32], message = new byte[80], nonce = new byte[12], gcmTag = new byte[16];
        for (int trial = 0; trial < 300; trial++)
        {
            random.NextBytes(key);
            random.NextBytes(message);
            random.NextBytes(nonce);
            UInt128 tweak = BinaryPrimitives.ReadUInt128LittleEndian(message);
            using (var gcm = new AesGcm(key.AsSpan(0, 16), tagSizeInBytes: 16))
                gcm.Encrypt(nonce, Array.Empty<byte>(), Array.Empty<byte>(), gcmTag, message);
            byte[] j0 = new byte[16];
            nonce.CopyTo(j0, 0);
            j0[15] = 1;
            byte[] ghash = Xor(gcmTag, Ecb(key.AsSpan(0, 16), j0));
            ulong expected = BinaryPrimitives.ReadUInt64LittleEndian(Ecb(key.AsSpan(16), ghash));

            using var mac = new LineMac(key, allowHardware);

            Assert.Equal(expected, mac.Compute(tweak, message.AsSpan(16)));
        }
    }

    [Fact]
    public void The_hardware_and_fallback_paths_give_the_same_tags()
    {
        var random = new Random(6);
        byte[] key = new byte[32], line = new byte[64];
        for (int trial = 0; trial < 100; trial++)
        {
            random.NextBytes(key);
            random.NextBytes(line);
            UInt128 tweak = (UInt128)(ulong)random.NextInt64() << 64 | (ulong)random.NextInt64();
            using var fast = new LineMac(key);
            using var fallback = new LineMac(key, allowHardware: false);
            Assert.False(fallback.UsesHardware);
            Assert.Equal(fallback.Compute(tweak, line), fast.Compute(tweak, line));
        }
    }

    [Fact]
    public void A_repeated_tweak_gives_the_same_tag_for_the_same_line_and_no_nonce_reuse_pattern_for_different_lines()
    {
        // With GMAC, tag(t, m1) xor tag(t, m2) would equal GHASH(m1) xor GHASH(m2) and so be the same
        // for every key-independent tweak t; through the final AES it must not be.
        byte[] key = RandomNumberGenerator.GetBytes(32);
        byte[] line1 = new byte[64], line2 = new byte[64];
        line2[0] = 1;
        using var mac = new LineMac(key);
        Assert.Equal(mac.Compute(5, line1), mac.Compute(5, line1));
        ulong differenceAt5 = mac.Compute(5, line1) ^ mac.Compute(5, line2);
        ulong differenceAt6 = mac.Compute(6, line1) ^ mac.Compute(6, line2);
        Assert.NotEqual(differenceAt5, differenceAt6);
    }

    [Fact]
    public void Every_single_bit_change_of_tweak_or_line_changes_the_mac()
    {
        var random = new Random(640);
        var key = new byte[32];
        var line = new byte[64];
        random.NextBytes(key);
        random.NextBytes(line);
        UInt128 tweak = (UInt128)7 << 64 | 0x8000_1240;
        using var mac = new LineMac(key);
        ulong original = mac.Compute(tweak, line);

        for (int bit = 0; bit < 128; bit++)
            Assert.NotEqual(original, mac.Compute(tweak ^ ((UInt128)1 << bit), line));
        for (int bit = 0; bit < 512; bit++)
        {
            line[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.NotEqual(original, mac.Compute(tweak, line));
            line[bit / 8] ^= (byte)(1 << (bit % 8));
        }
        Assert.Equal(original, mac.Compute(tweak, line));
    }

    [Fact]
    public void Disposing_zeroes_both_keys()
    {
        var mac = new LineMac(RandomNumberGenerator.GetBytes(32));
        Assert.False(mac.KeyMaterialIsZero());
        mac.Dispose();
        Assert.True(mac.KeyMaterialIsZero());
    }

    [Fact]
    public void Wrong_lengths_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new LineMac(new byte[16]));
        using var mac = new LineMac(new byte[32]);
        Assert.Throws<ArgumentException>(() => mac.Compute(0, new byte[63]));
        Assert.Throws<ArgumentException>(() => mac.Compute(0, new byte[128]));
    }

    private static byte[] Ecb(ReadOnlySpan<byte> key, byte[] block)
    {
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = key.ToArray();
        return aes.EncryptEcb(block, PaddingMode.None);
    }

    private static byte[] Xor(byte[] a, byte[] b) => [.. a.Zip(b, (x, y) => (byte)(x ^ y))];
}
