using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using Cloak.Crypto;

namespace Cloak.Chip.Tests.Security;

public sealed class XtsAes128Tests
{
    // IEEE 1619-2007 Annex B, vectors 1 to 3 (32-byte data units), each on both AES paths.
    public static TheoryData<string, string, string, ulong, string, string, bool> Ieee1619Vectors()
    {
        var data = new TheoryData<string, string, string, ulong, string, string, bool>();
        foreach (bool allowHardware in new[] { true, false })
        {
            data.Add("V1", new string('0', 32), new string('0', 32), 0,
                new string('0', 64), "917cf69ebd68b2ec9b9fe9a3eadda692cd43d2f59598ed858c02c2652fbf922e", allowHardware);
            data.Add("V2", string.Concat(Enumerable.Repeat("11", 16)), string.Concat(Enumerable.Repeat("22", 16)), 0x33_3333_3333,
                string.Concat(Enumerable.Repeat("44", 32)), "c454185e6a16936e39334038acef838bfb186fff7480adc4289382ecd6d394f0", allowHardware);
            data.Add("V3", "fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0", string.Concat(Enumerable.Repeat("22", 16)), 0x33_3333_3333,
                string.Concat(Enumerable.Repeat("44", 32)), "af85336b597afc1a900b2eb21ec949d292df4c047e0b21532186a5971a227a89", allowHardware);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Ieee1619Vectors))]
    public void Ieee1619_vectors_encrypt_and_decrypt(string name, string key1, string key2, ulong dataUnit, string plaintext, string ciphertext, bool allowHardware)
    {
        _ = name;
        using var xts = new XtsAes128(Convert.FromHexString(key1), Convert.FromHexString(key2), allowHardware);
        byte[] ptx = Convert.FromHexString(plaintext);
        byte[] ctx = Convert.FromHexString(ciphertext);
        var output = new byte[ptx.Length];

        xts.Encrypt(dataUnit, ptx, output);
        Assert.Equal(ctx, output);

        xts.Decrypt(dataUnit, ctx, output);
        Assert.Equal(ptx, output);
    }

    [Theory]
    [MemberData(nameof(Ieee1619Vectors))]
    public void The_line_path_reproduces_the_vectors_in_the_first_half_of_a_line(string name, string key1, string key2, ulong dataUnit, string plaintext, string ciphertext, bool allowHardware)
    {
        // Blocks 0 and 1 of a 64-byte data unit are those of a 32-byte one under the same tweak.
        _ = name;
        using var xts = new XtsAes128(Convert.FromHexString(key1), Convert.FromHexString(key2), allowHardware);
        byte[] line = [.. Convert.FromHexString(plaintext), .. Convert.FromHexString(plaintext)];
        var output = new byte[64];

        xts.EncryptLine(dataUnit, line, output);
        Assert.Equal(Convert.FromHexString(ciphertext), output[..32]);

        xts.DecryptLine(dataUnit, output, output);
        Assert.Equal(line, output);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EncryptLine_agrees_with_Encrypt_and_with_a_reference_xts_on_random_lines_and_tweaks(bool allowHardware)
    {
        var random = new Random(1619);
        var key1 = new byte[16];
        var key2 = new byte[16];
        var line = new byte[64];
        var viaLine = new byte[64];
        var viaUnit = new byte[64];
        for (int trial = 0; trial < 200; trial++)
        {
            random.NextBytes(key1);
            random.NextBytes(key2);
            random.NextBytes(line);
            UInt128 tweak = RandomUInt128(random);
            using var xts = new XtsAes128(key1, key2, allowHardware);

            xts.EncryptLine(tweak, line, viaLine);
            xts.Encrypt(tweak, line, viaUnit);
            Assert.Equal(viaUnit, viaLine);
            Assert.Equal(ReferenceXts(key1, key2, tweak, line, encrypt: true), viaLine);

            xts.DecryptLine(tweak, viaLine, viaUnit);
            Assert.Equal(line, viaUnit);
        }
    }

    [Theory]
    [InlineData(true, 16)]
    [InlineData(true, 48)]
    [InlineData(true, 80)]
    [InlineData(true, 4096)]
    [InlineData(false, 16)]
    [InlineData(false, 112)]
    [InlineData(false, 512)]
    public void Data_units_of_any_whole_block_length_agree_with_a_reference_xts(bool allowHardware, int length)
    {
        var random = new Random(length);
        var key1 = new byte[16];
        var key2 = new byte[16];
        var plaintext = new byte[length];
        random.NextBytes(key1);
        random.NextBytes(key2);
        random.NextBytes(plaintext);
        UInt128 dataUnit = RandomUInt128(random);
        using var xts = new XtsAes128(key1, key2, allowHardware);
        var ciphertext = new byte[length];

        xts.Encrypt(dataUnit, plaintext, ciphertext);
        Assert.Equal(ReferenceXts(key1, key2, dataUnit, plaintext, encrypt: true), ciphertext);

        xts.Decrypt(dataUnit, ciphertext, ciphertext);
        Assert.Equal(plaintext, ciphertext);
    }

    [Fact]
    public void Equal_lines_under_different_tweaks_encrypt_differently()
    {
        using var xts = new XtsAes128(new byte[16], Enumerable.Repeat((byte)1, 16).ToArray());
        var line = new byte[64];
        var a = new byte[64];
        var b = new byte[64];
        xts.EncryptLine(0x8000_0000, line, a);
        xts.EncryptLine(0x8000_0040, line, b);
        Assert.NotEqual(a, b);
        xts.EncryptLine((UInt128)1 << 64 | 0x8000_0000, line, b); // same address, another version
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void MultiplyByAlpha_shifts_the_little_endian_tweak_and_reduces_by_0x87()
    {
        var random = new Random(87);
        Span<byte> bytes = stackalloc byte[16];
        for (int trial = 0; trial < 1000; trial++)
        {
            UInt128 value = trial switch
            {
                0 => UInt128.MaxValue,
                1 => (UInt128)1 << 127,
                2 => (UInt128)1 << 63,
                _ => RandomUInt128(random),
            };
            UInt128 expected = (value << 1) ^ (value >> 127 == 1 ? 0x87u : 0u);
            BinaryPrimitives.WriteUInt128LittleEndian(bytes, value);

            Vector128<byte> product = XtsAes128.MultiplyByAlpha(Vector128.Create<byte>(bytes));

            product.CopyTo(bytes);
            Assert.Equal(expected, BinaryPrimitives.ReadUInt128LittleEndian(bytes));
        }
    }

    [Fact]
    public void Wrong_lengths_and_partial_overlap_are_rejected()
    {
        using var xts = new XtsAes128(new byte[16], new byte[16]);
        Assert.Throws<ArgumentException>(() => new XtsAes128(new byte[16], new byte[32]));
        Assert.Throws<ArgumentException>(() => xts.Encrypt(0, [], []));
        Assert.Throws<ArgumentException>(() => xts.Encrypt(0, new byte[17], new byte[17]));
        Assert.Throws<ArgumentException>(() => xts.Decrypt(0, new byte[32], new byte[48]));
        Assert.Throws<ArgumentException>(() => xts.EncryptLine(0, new byte[48], new byte[64]));
        Assert.Throws<ArgumentException>(() => xts.DecryptLine(0, new byte[64], new byte[32]));
        var buffer = new byte[80];
        Assert.Throws<ArgumentException>(() => xts.Encrypt(0, buffer.AsSpan(0, 64), buffer.AsSpan(16, 64)));
    }

    private static UInt128 RandomUInt128(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return BinaryPrimitives.ReadUInt128LittleEndian(bytes);
    }

    // XTS written straight from IEEE 1619 5.3 over the class library's AES-ECB, byte by byte.
    internal static byte[] ReferenceXts(byte[] key1, byte[] key2, UInt128 dataUnit, byte[] input, bool encrypt)
    {
        using var dataAes = System.Security.Cryptography.Aes.Create();
        dataAes.Key = key1;
        using var tweakAes = System.Security.Cryptography.Aes.Create();
        tweakAes.Key = key2;

        var tweakIn = new byte[16];
        BinaryPrimitives.WriteUInt128LittleEndian(tweakIn, dataUnit);
        byte[] t = tweakAes.EncryptEcb(tweakIn, PaddingMode.None);
        var output = new byte[input.Length];
        var x = new byte[16];
        for (int offset = 0; offset < input.Length; offset += 16)
        {
            for (int i = 0; i < 16; i++)
                x[i] = (byte)(input[offset + i] ^ t[i]);
            byte[] y = encrypt ? dataAes.EncryptEcb(x, PaddingMode.None) : dataAes.DecryptEcb(x, PaddingMode.None);
            for (int i = 0; i < 16; i++)
                output[offset + i] = (byte)(y[i] ^ t[i]);

            // T <- T * alpha: IEEE 1619 5.2, byte 0 least significant.
            int carry = 0;
            for (int i = 0; i < 16; i++)
            {
                int next = t[i] >> 7;
                t[i] = (byte)((t[i] << 1) | carry);
                carry = next;
            }
            if (carry != 0)
                t[0] ^= 0x87;
        }
        return output;
    }
}
