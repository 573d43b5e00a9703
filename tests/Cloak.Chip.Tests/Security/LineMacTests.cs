using System.Buffers.Binary;
using System.Security.Cryptography;
using Cloak.Crypto;

namespace Cloak.Chip.Tests.Security;

public sealed class LineMacTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_mac_is_the_first_8_bytes_of_the_class_library_cbc_over_tweak_and_line(bool allowHardware)
    {
        var random = new Random(80);
        var key = new byte[16];
        var message = new byte[80];
        for (int trial = 0; trial < 200; trial++)
        {
            random.NextBytes(key);
            random.NextBytes(message);
            UInt128 tweak = BinaryPrimitives.ReadUInt128LittleEndian(message);
            using var reference = System.Security.Cryptography.Aes.Create();
            reference.Key = key;
            byte[] cbc = reference.EncryptCbc(message, new byte[16], PaddingMode.None);
            ulong expected = BinaryPrimitives.ReadUInt64LittleEndian(cbc.AsSpan(64, 8));

            using var mac = new LineMac(key, allowHardware);

            Assert.Equal(expected, mac.Compute(tweak, message.AsSpan(16)));
        }
    }

    [Fact]
    public void Every_single_bit_change_of_tweak_or_line_changes_the_mac()
    {
        var random = new Random(640);
        var key = new byte[16];
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
    public void Wrong_lengths_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new LineMac(new byte[24]));
        using var mac = new LineMac(new byte[16]);
        Assert.Throws<ArgumentException>(() => mac.Compute(0, new byte[63]));
        Assert.Throws<ArgumentException>(() => mac.Compute(0, new byte[128]));
    }
}
