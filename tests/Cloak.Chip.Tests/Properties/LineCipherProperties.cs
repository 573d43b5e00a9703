using System.Buffers.Binary;
using System.Security.Cryptography;
using Cloak.Chip.Security;
using Cloak.Crypto;
using CsCheck;

namespace Cloak.Chip.Tests.Properties;

/// <summary>
/// The line cipher (a key-table slot's XTS-AES-128 with Cloak's line tweak, src/Cloak.Crypto/LineCrypto.cs)
/// against a reference written here: IEEE 1619 XTS on top of System.Security.Cryptography.Aes in ECB
/// mode, with the tweak laid out from its documentation (line in bytes 0-3, write counter in 4-11,
/// region id in 12-15, little-endian; a run of a sealed image has the counter in 4-7 and its instance
/// in 8-11). Random keys, tweaks, instances and lines.
/// </summary>
public sealed class LineCipherProperties
{
    private static readonly Gen<byte[]> Key = Gen.Byte.Array[32];
    private static readonly Gen<byte[]> Line = Gen.Byte.Array[64];
    private static readonly Gen<(uint Region, uint Line, ulong Counter)> Tweak =
        Gen.Select(Gen.UInt, Gen.OneOf(Gen.UInt[0, 4096], Gen.UInt), Gen.OneOf(Gen.ULong[0, 16], Gen.ULong[0, uint.MaxValue], Gen.ULong));

    [Fact]
    public void A_line_encrypts_as_reference_XTS_does_and_decrypts_back()
    {
        Gen.Select(Key, Tweak, Line).Sample((key, tweak, plaintext) =>
        {
            using var keys = new KeyTable(4);
            var cipher = keys.Cipher(keys.Acquire(key));
            var ciphertext = new byte[64];
            var decrypted = new byte[64];

            cipher.EncryptLine(LineCrypto.Tweak(tweak.Region, tweak.Line, tweak.Counter), plaintext, ciphertext);
            cipher.DecryptLine(LineCrypto.Tweak(tweak.Region, tweak.Line, tweak.Counter), ciphertext, decrypted);

            Assert.Equal(ReferenceXts.Encrypt(key, TweakBytes(tweak.Region, tweak.Line, tweak.Counter), plaintext), ciphertext);
            Assert.Equal(plaintext, decrypted);
        }, iter: 2000, threads: 1);
    }

    [Fact]
    public void Lines_differing_only_in_region_id_line_or_counter_encrypt_differently()
    {
        // Which part of the tweak changes, and by how much (never zero).
        var change = Gen.Select(Gen.Int[0, 2], Gen.ULong[1, ulong.MaxValue]);
        Gen.Select(Key, Tweak, Line, change).Sample((key, tweak, plaintext, c) =>
        {
            var (part, delta) = c;
            var other = part switch
            {
                0 => tweak with { Region = tweak.Region + (uint)Math.Max(1, delta % uint.MaxValue) },
                1 => tweak with { Line = tweak.Line + (uint)Math.Max(1, delta % uint.MaxValue) },
                _ => tweak with { Counter = tweak.Counter + delta },
            };
            Assert.NotEqual(tweak, other);
            using var keys = new KeyTable(4);
            var cipher = keys.Cipher(keys.Acquire(key));
            var first = new byte[64];
            var second = new byte[64];

            cipher.EncryptLine(LineCrypto.Tweak(tweak.Region, tweak.Line, tweak.Counter), plaintext, first);
            cipher.EncryptLine(LineCrypto.Tweak(other.Region, other.Line, other.Counter), plaintext, second);

            Assert.NotEqual(first, second);
            // Every 16-byte block differs: XTS masks each block with the tweak's own multiple.
            for (int block = 0; block < 4; block++)
                Assert.False(first.AsSpan(block * 16, 16).SequenceEqual(second.AsSpan(block * 16, 16)), $"block {block} did not change");
        }, iter: 2000, threads: 1);
    }

    [Fact]
    public void Another_key_gives_another_ciphertext_for_the_same_tweak_and_line()
    {
        Gen.Select(Key, Key, Tweak, Line).Sample((key, otherKey, tweak, plaintext) =>
        {
            if (key.AsSpan().SequenceEqual(otherKey)) return;
            using var keys = new KeyTable(4);
            var first = new byte[64];
            var second = new byte[64];
            var t = LineCrypto.Tweak(tweak.Region, tweak.Line, tweak.Counter);

            keys.Cipher(keys.Acquire(key)).EncryptLine(t, plaintext, first);
            keys.Cipher(keys.Acquire(otherKey)).EncryptLine(t, plaintext, second);

            Assert.NotEqual(first, second);
        }, iter: 1000, threads: 1);
    }

    [Fact]
    public void A_line_of_one_run_of_a_sealed_image_encrypts_with_its_instance_and_unlike_another_runs()
    {
        // Issue 8, item 3: the instance in the tweak is what stops the OS moving a written line between
        // two runs of one image (same key, same region ids). Counters stay below LineCrypto.CounterLimit.
        var instances = Gen.Select(Gen.UInt[1, uint.MaxValue], Gen.UInt[1, uint.MaxValue]);
        Gen.Select(Key, Tweak, Line, instances).Sample((key, tweak, plaintext, pair) =>
        {
            var (instance, otherInstance) = pair;
            ulong counter = tweak.Counter % LineCrypto.CounterLimit;
            using var keys = new KeyTable(4);
            var cipher = keys.Cipher(keys.Acquire(key));
            var ciphertext = new byte[64];
            var decrypted = new byte[64];

            cipher.EncryptLine(LineCrypto.Tweak(tweak.Region, tweak.Line, counter, instance), plaintext, ciphertext);
            cipher.DecryptLine(LineCrypto.Tweak(tweak.Region, tweak.Line, counter, instance), ciphertext, decrypted);

            Assert.Equal(ReferenceXts.Encrypt(key, InstanceTweakBytes(tweak.Region, tweak.Line, counter, instance), plaintext), ciphertext);
            Assert.Equal(plaintext, decrypted);
            if (otherInstance == instance) return;
            var other = new byte[64];
            cipher.EncryptLine(LineCrypto.Tweak(tweak.Region, tweak.Line, counter, otherInstance), plaintext, other);
            Assert.NotEqual(ciphertext, other);
        }, iter: 1000, threads: 1);
    }

    /// <summary>The documented tweak layout, written independently of LineCrypto.Tweak.</summary>
    private static byte[] TweakBytes(uint region, uint line, ulong counter)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, line);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(4), counter);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), region);
        return bytes;
    }

    /// <summary>The documented layout for a run of a sealed image: line, counter (32 bits), instance, region id.</summary>
    private static byte[] InstanceTweakBytes(uint region, uint line, ulong counter, uint instance)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, line);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)counter);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), instance);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), region);
        return bytes;
    }

    /// <summary>
    /// IEEE 1619-2007 XTS-AES-128 on one data unit of whole blocks: T = AES_K2(tweak); block j is
    /// AES_K1(P_j xor T_j) xor T_j with T_j = T * alpha^j in GF(2^128), bytes little-endian (5.3.1).
    /// </summary>
    private static class ReferenceXts
    {
        public static byte[] Encrypt(byte[] key, byte[] tweak, byte[] plaintext)
        {
            using var data = Aes.Create();
            data.Key = key[..16];
            using var tweaker = Aes.Create();
            tweaker.Key = key[16..];
            byte[] t = tweaker.EncryptEcb(tweak, PaddingMode.None);
            var output = new byte[plaintext.Length];
            for (int j = 0; j < plaintext.Length / 16; j++)
            {
                var block = new byte[16];
                for (int i = 0; i < 16; i++) block[i] = (byte)(plaintext[16 * j + i] ^ t[i]);
                block = data.EncryptEcb(block, PaddingMode.None);
                for (int i = 0; i < 16; i++) output[16 * j + i] = (byte)(block[i] ^ t[i]);
                t = TimesAlpha(t);
            }
            return output;
        }

        /// <summary>Multiplication by x modulo x^128 + x^7 + x^2 + x + 1, one byte at a time (IEEE 1619 5.2).</summary>
        private static byte[] TimesAlpha(byte[] t)
        {
            var next = new byte[16];
            int carry = 0;
            for (int i = 0; i < 16; i++)
            {
                next[i] = (byte)((t[i] << 1) | carry);
                carry = t[i] >> 7;
            }
            if (carry != 0) next[0] ^= 0x87;
            return next;
        }
    }
}
