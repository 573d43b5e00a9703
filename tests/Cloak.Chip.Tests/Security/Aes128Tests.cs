using System.Security.Cryptography;
using Cloak.Crypto;

namespace Cloak.Chip.Tests.Security;

// Every test runs twice: allowHardware = true takes AES-NI where the host has it, false forces the
// class-library fallback. Both are checked against FIPS 197 and against the class library's ECB.
public sealed class Aes128Tests
{
    private static readonly byte[] Fips197Key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
    private static readonly byte[] Fips197Plaintext = Convert.FromHexString("00112233445566778899aabbccddeeff");
    private static readonly byte[] Fips197Ciphertext = Convert.FromHexString("69c4e0d86a7b0430d8cdb78070b4c55a");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Fips197_appendix_C1_encrypts_and_decrypts(bool allowHardware)
    {
        using var aes = new Aes128(Fips197Key, allowHardware);
        var output = new byte[16];

        aes.EncryptBlock(Fips197Plaintext, output);
        Assert.Equal(Fips197Ciphertext, output);

        aes.DecryptBlock(Fips197Ciphertext, output);
        Assert.Equal(Fips197Plaintext, output);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Random_keys_and_blocks_agree_with_the_class_library_ecb(bool allowHardware)
    {
        var random = new Random(1197);
        var key = new byte[16];
        var blocks = new byte[64];
        var output = new byte[16];
        for (int trial = 0; trial < 200; trial++)
        {
            random.NextBytes(key);
            random.NextBytes(blocks);
            using var reference = System.Security.Cryptography.Aes.Create();
            reference.Key = key;
            byte[] expected = reference.EncryptEcb(blocks, PaddingMode.None);

            using var aes = new Aes128(key, allowHardware);
            for (int b = 0; b < 64; b += 16)
            {
                aes.EncryptBlock(blocks.AsSpan(b, 16), output);
                Assert.Equal(expected[b..(b + 16)], output);
                aes.DecryptBlock(expected.AsSpan(b, 16), output);
                Assert.Equal(blocks[b..(b + 16)], output);
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Encrypt4_and_Decrypt4_agree_with_four_single_block_calls(bool allowHardware)
    {
        var random = new Random(4);
        var key = new byte[16];
        var input = new byte[64];
        var four = new byte[64];
        var singles = new byte[64];
        for (int trial = 0; trial < 100; trial++)
        {
            random.NextBytes(key);
            random.NextBytes(input);
            using var aes = new Aes128(key, allowHardware);

            aes.Encrypt4(input, four);
            for (int b = 0; b < 64; b += 16)
                aes.EncryptBlock(input.AsSpan(b, 16), singles.AsSpan(b, 16));
            Assert.Equal(singles, four);

            aes.Decrypt4(input, four);
            for (int b = 0; b < 64; b += 16)
                aes.DecryptBlock(input.AsSpan(b, 16), singles.AsSpan(b, 16));
            Assert.Equal(singles, four);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Blocks_may_be_transformed_in_place(bool allowHardware)
    {
        using var aes = new Aes128(Fips197Key, allowHardware);
        byte[] buffer = [.. Fips197Plaintext, .. Fips197Plaintext, .. Fips197Plaintext, .. Fips197Plaintext];

        aes.EncryptBlock(buffer.AsSpan(0, 16), buffer.AsSpan(0, 16));
        Assert.Equal(Fips197Ciphertext, buffer[..16]);
        aes.DecryptBlock(buffer.AsSpan(0, 16), buffer.AsSpan(0, 16));

        aes.Encrypt4(buffer, buffer);
        for (int b = 0; b < 64; b += 16)
            Assert.Equal(Fips197Ciphertext, buffer[b..(b + 16)]);
        aes.Decrypt4(buffer, buffer);
        for (int b = 0; b < 64; b += 16)
            Assert.Equal(Fips197Plaintext, buffer[b..(b + 16)]);
    }

    [Fact]
    public void The_fallback_switch_selects_the_class_library_and_the_default_follows_the_host()
    {
        using var forced = new Aes128(Fips197Key, allowHardware: false);
        using var chosen = new Aes128(Fips197Key);
        Assert.False(forced.UsesHardware);
        Assert.Equal(Aes128.HardwareAccelerated, chosen.UsesHardware);
    }

    [Fact]
    public void The_hardware_path_allocates_nothing_per_call()
    {
        if (!Aes128.HardwareAccelerated)
            return; // nothing to measure: the fallback's allocations belong to the class library
        using var aes = new Aes128(Fips197Key);
        Span<byte> line = stackalloc byte[64];
        for (int i = 0; i < 1000; i++)
            aes.Encrypt4(line, line);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            aes.EncryptBlock(line[..16], line[..16]);
            aes.DecryptBlock(line[..16], line[..16]);
            aes.Encrypt4(line, line);
            aes.Decrypt4(line, line);
        }
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Dispose_zeroes_the_round_keys_and_later_use_throws(bool allowHardware)
    {
        var aes = new Aes128(Fips197Key, allowHardware);
        Assert.Equal(aes.UsesHardware, !aes.RoundKeysAreZero());

        aes.Dispose();
        aes.Dispose();

        Assert.True(aes.RoundKeysAreZero());
        Assert.Throws<ObjectDisposedException>(() => aes.EncryptBlock(Fips197Plaintext, new byte[16]));
    }

    [Fact]
    public void Wrong_lengths_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new Aes128(new byte[15]));
        Assert.Throws<ArgumentException>(() => new Aes128(new byte[32]));
        using var aes = new Aes128(Fips197Key);
        Assert.Throws<ArgumentException>(() => aes.EncryptBlock(new byte[15], new byte[16]));
        Assert.Throws<ArgumentException>(() => aes.DecryptBlock(new byte[16], new byte[17]));
        Assert.Throws<ArgumentException>(() => aes.Encrypt4(new byte[48], new byte[64]));
        Assert.Throws<ArgumentException>(() => aes.Decrypt4(new byte[64], new byte[63]));
    }
}
