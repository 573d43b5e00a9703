using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using Cloak.Crypto;

namespace Cloak.Chip.Tests.Security;

/// <summary>
/// GHASH against GCM itself: GMAC's tag is E_K(IV || 0^31 || 1) xor GHASH_H(A) with H = E_K(0), so
/// GHASH_H(A) = tag xor E_K(J0), with the tag from published vectors or from the class library's AesGcm
/// and E_K from its AES-ECB.
/// </summary>
public sealed class GhashTests
{
    /// <summary>GCM test vectors with an empty plaintext (K, IV, A, T): McGrew and Viega's test case 1 and NIST CAVP gcmEncryptExtIV128.</summary>
    public static TheoryData<string, string, string, string> PublishedGmacVectors => new()
    {
        { "00000000000000000000000000000000", "000000000000000000000000", "", "58e2fccefa7e3061367f1d57a4e7455a" },
        { "11754cd72aec309bf52f7687212e8957", "3c819d9a9bed087615030b65", "", "250327c674aaf477aef2675748cf6971" },
        { "77be63708971c4e240d1cb79e8d77feb", "e0e00f19fed7ba0136a797f3", "7a43ec1d9c0a5a78a0b16533a6213cab", "209fcc8d3675ed938e9c7166709dd946" },
        { "7680c5d3ca6154758e510f4d25b98820", "f8f105f9c3df4965780321f8", "c94c410194c765e3dcc7964379758ed3", "94dca8edfcf90bb74b153c8d48a17930" },
        { "2fb45e5b8f993a2bfebc4b15b533e0b4", "5b05755f984d2b90f94b8027", "e85491b2202caf1d7dce03b97e09331c32473941", "c75b7832b2a2d9bd827412b6ef5769db" },
        { "99e3e8793e686e571d8285c564f75e2b", "c2dd0ab868da6aa8ad9c0d23",
          "b668e42d4e444ca8b23cfdd95a9fedd5178aa521144890b093733cf5cf22526c5917ee476541809ac6867a8c399309fc", "3f4fba100eaf1f34b0baadaae9995d85" },
    };

    [Theory]
    [MemberData(nameof(PublishedGmacVectors))]
    public void Gmac_from_this_ghash_reproduces_the_published_gcm_tags_for_empty_plaintexts(string key, string iv, string aad, string tag)
    {
        foreach (bool allowHardware in new[] { true, false })
        {
            byte[] k = Convert.FromHexString(key), a = Convert.FromHexString(aad);
            using var ghash = new Ghash(HashKey(k), allowHardware);
            byte[] gmac = Xor(Bytes(ghash.Digest(a)), CounterBlock0(k, Convert.FromHexString(iv)));
            Assert.Equal(tag, Convert.ToHexStringLower(gmac));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_digest_is_the_class_library_aes_gcm_tag_without_its_counter_block_for_random_keys_and_data(bool allowHardware)
    {
        var random = new Random(38);
        byte[] key = new byte[16], nonce = new byte[12], tag = new byte[16];
        for (int trial = 0; trial < 300; trial++)
        {
            random.NextBytes(key);
            random.NextBytes(nonce);
            byte[] aad = new byte[random.Next(0, 200)];
            random.NextBytes(aad);
            using (var gcm = new AesGcm(key, tagSizeInBytes: 16))
                gcm.Encrypt(nonce, Array.Empty<byte>(), Array.Empty<byte>(), tag, aad);

            using var ghash = new Ghash(HashKey(key), allowHardware);

            Assert.Equal(Xor(tag, CounterBlock0(key, nonce)), Bytes(ghash.Digest(aad)));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_line_digest_equals_the_general_digest_of_tweak_and_line(bool allowHardware)
    {
        var random = new Random(80);
        byte[] h = new byte[16], message = new byte[80];
        for (int trial = 0; trial < 300; trial++)
        {
            random.NextBytes(h);
            random.NextBytes(message);
            UInt128 tweak = System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(message);
            using var ghash = new Ghash(h, allowHardware);

            Assert.Equal(ghash.Digest(message), ghash.DigestLine(tweak, message.AsSpan(16)));
        }
    }

    [Fact]
    public void The_hardware_and_portable_multiplications_agree()
    {
        var random = new Random(128);
        byte[] h = new byte[16], line = new byte[64];
        for (int trial = 0; trial < 300; trial++)
        {
            random.NextBytes(h);
            random.NextBytes(line);
            UInt128 tweak = ((UInt128)(ulong)random.NextInt64() << 64) | (ulong)random.NextInt64();
            using var fast = new Ghash(h);
            using var portable = new Ghash(h, allowHardware: false);
            Assert.False(portable.UsesHardware);

            Assert.Equal(portable.DigestLine(tweak, line), fast.DigestLine(tweak, line));
        }
    }

    [Fact]
    public void Disposing_zeroes_the_powers_of_h_and_refuses_further_use()
    {
        var ghash = new Ghash(Convert.FromHexString("66e94bd4ef8a2c3b884cfa59ca342b2e"));
        Assert.False(ghash.KeyMaterialIsZero());

        ghash.Dispose();

        Assert.True(ghash.KeyMaterialIsZero());
        Assert.Throws<ObjectDisposedException>(() => ghash.DigestLine(0, new byte[64]));
    }

    [Fact]
    public void Wrong_lengths_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new Ghash(new byte[15]));
        using var ghash = new Ghash(new byte[16]);
        Assert.Throws<ArgumentException>(() => ghash.DigestLine(0, new byte[63]));
    }

    private static byte[] HashKey(byte[] key)
    {
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = key;
        return aes.EncryptEcb(new byte[16], PaddingMode.None);
    }

    /// <summary>E_K(J0) with J0 = IV || 0^31 || 1 (SP 800-38D 7.1 step 2, 96-bit IV).</summary>
    private static byte[] CounterBlock0(byte[] key, byte[] iv)
    {
        byte[] j0 = new byte[16];
        iv.CopyTo(j0, 0);
        j0[15] = 1;
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = key;
        return aes.EncryptEcb(j0, PaddingMode.None);
    }

    private static byte[] Bytes(Vector128<byte> block)
    {
        byte[] bytes = new byte[16];
        block.CopyTo(bytes);
        return bytes;
    }

    private static byte[] Xor(byte[] a, byte[] b) => [.. a.Zip(b, (x, y) => (byte)(x ^ y))];
}
