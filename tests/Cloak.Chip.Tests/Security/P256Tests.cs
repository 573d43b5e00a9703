using System.Text;
using Cloak.Crypto;

namespace Cloak.Chip.Tests.Security;

public sealed class P256Tests
{
    // NIST CAVS 14.1, KAS ECC CDH primitive, P-256, COUNT = 0.
    private static readonly byte[] CavsPeerPublic = Convert.FromHexString(
        "700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287" +
        "db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac");
    private static readonly byte[] CavsPrivate = Convert.FromHexString("7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534");
    private static readonly byte[] CavsPublic = Convert.FromHexString(
        "ead218590119e8876b29146ff89ca61770c4edbbf97d38ce385ed281d8a6b230" +
        "28af61281fd35e2fa7002523acc85a429cb06ee6648325389f59edfce1405141");
    private static readonly byte[] CavsShared = Convert.FromHexString("46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b");

    // RFC 6979 A.2.5, P-256, SHA-256, message "sample".
    private static readonly byte[] RfcPrivate = Convert.FromHexString("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721");
    private static readonly byte[] RfcPublic = Convert.FromHexString(
        "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6" +
        "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299");
    private static readonly byte[] RfcMessage = Encoding.ASCII.GetBytes("sample");
    private static readonly byte[] RfcSignature = Convert.FromHexString(
        "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716" +
        "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8");

    // SEC 2: the group order n and the field prime p.
    private static readonly byte[] Order = Convert.FromHexString("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
    private static readonly byte[] Prime = Convert.FromHexString("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF");

    [Fact]
    public void Cavs_cdh_count_0_derives_the_public_key_and_the_shared_secret()
    {
        var publicKey = new byte[64];
        var shared = new byte[32];

        Assert.True(P256.TryDerivePublicKey(CavsPrivate, publicKey));
        Assert.Equal(CavsPublic, publicKey);

        Assert.True(P256.TryAgree(CavsPrivate, CavsPeerPublic, shared));
        Assert.Equal(CavsShared, shared);
    }

    [Fact]
    public void Rfc6979_key_derives_its_public_key_and_its_signature_verifies()
    {
        var publicKey = new byte[64];
        Assert.True(P256.TryDerivePublicKey(RfcPrivate, publicKey));
        Assert.Equal(RfcPublic, publicKey);

        Assert.True(P256.Verify(RfcPublic, RfcMessage, RfcSignature));
    }

    [Fact]
    public void A_single_flipped_bit_in_r_s_or_the_message_is_rejected()
    {
        for (int bit = 0; bit < 512; bit++)
        {
            byte[] signature = (byte[])RfcSignature.Clone();
            signature[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(P256.Verify(RfcPublic, RfcMessage, signature), $"signature bit {bit}");
        }
        for (int bit = 0; bit < RfcMessage.Length * 8; bit++)
        {
            byte[] message = (byte[])RfcMessage.Clone();
            message[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(P256.Verify(RfcPublic, message, RfcSignature), $"message bit {bit}");
        }
    }

    [Fact]
    public void Our_signatures_verify_under_our_key_only()
    {
        var signature = new byte[64];
        byte[] message = Encoding.ASCII.GetBytes("sealed image header");

        Assert.True(P256.TrySign(RfcPrivate, message, signature));

        Assert.True(P256.Verify(RfcPublic, message, signature));
        Assert.False(P256.Verify(CavsPublic, message, signature));
        Assert.False(P256.Verify(RfcPublic, RfcMessage, signature));
    }

    [Fact]
    public void Generated_key_pairs_are_consistent_and_agree_with_each_other()
    {
        var privateA = new byte[32];
        var publicA = new byte[64];
        var privateB = new byte[32];
        var publicB = new byte[64];
        P256.GenerateKeyPair(privateA, publicA);
        P256.GenerateKeyPair(privateB, publicB);
        Assert.NotEqual(privateA, privateB);

        var derived = new byte[64];
        Assert.True(P256.TryDerivePublicKey(privateA, derived));
        Assert.Equal(publicA, derived);

        var sharedAb = new byte[32];
        var sharedBa = new byte[32];
        Assert.True(P256.TryAgree(privateA, publicB, sharedAb));
        Assert.True(P256.TryAgree(privateB, publicA, sharedBa));
        Assert.Equal(sharedAb, sharedBa);
    }

    public static TheoryData<string, byte[]> InvalidScalars() => new()
    {
        { "zero", new byte[32] },
        { "n", Order },
        { "n + 1", Add(Order, 1) },
        { "all ones", Enumerable.Repeat((byte)0xFF, 32).ToArray() },
        { "31 bytes", new byte[31] },
        { "33 bytes", new byte[33] },
        { "empty", [] },
    };

    [Theory]
    [MemberData(nameof(InvalidScalars))]
    public void Invalid_private_scalars_give_false_everywhere(string name, byte[] scalar)
    {
        _ = name;
        Assert.False(P256.TryDerivePublicKey(scalar, new byte[64]));
        Assert.False(P256.TryAgree(scalar, CavsPeerPublic, new byte[32]));
        Assert.False(P256.TrySign(scalar, RfcMessage, new byte[64]));
    }

    [Fact]
    public void The_largest_scalar_n_minus_1_is_accepted()
    {
        var publicKey = new byte[64];
        Assert.True(P256.TryDerivePublicKey(Add(Order, -1), publicKey));
        // (n - 1) * G = -G, whose x-coordinate is that of G.
        Assert.Equal(Convert.FromHexString("6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296"), publicKey[..32]);
    }

    public static TheoryData<string, byte[]> InvalidPoints() => new()
    {
        { "y + 1 (off the curve)", [.. CavsPeerPublic[..32], .. Add(CavsPeerPublic[32..], 1)] },
        { "x + 1 (off the curve)", [.. Add(CavsPeerPublic[..32], 1), .. CavsPeerPublic[32..]] },
        { "all zero (infinity encoding)", new byte[64] },
        { "x = p", [.. Prime, .. CavsPeerPublic[32..]] },
        { "y = p", [.. CavsPeerPublic[..32], .. Prime] },
        { "y all ones (above p)", [.. CavsPeerPublic[..32], .. Enumerable.Repeat((byte)0xFF, 32)] },
        { "SEC1 with 0x04 prefix", [0x04, .. CavsPeerPublic] },
        { "63 bytes", CavsPeerPublic[..63] },
        { "empty", [] },
    };

    [Theory]
    [MemberData(nameof(InvalidPoints))]
    public void Invalid_public_points_give_false(string name, byte[] point)
    {
        _ = name;
        var shared = new byte[32];
        Assert.False(P256.TryAgree(CavsPrivate, point, shared));
        Assert.False(P256.Verify(point, RfcMessage, RfcSignature));
    }

    [Fact]
    public void Wrong_output_and_signature_lengths_give_false()
    {
        Assert.False(P256.TryDerivePublicKey(CavsPrivate, new byte[65]));
        Assert.False(P256.TryAgree(CavsPrivate, CavsPeerPublic, new byte[31]));
        Assert.False(P256.TrySign(RfcPrivate, RfcMessage, new byte[72]));
        Assert.False(P256.Verify(RfcPublic, RfcMessage, RfcSignature.AsSpan(0, 63)));
        Assert.False(P256.Verify(RfcPublic, RfcMessage, [.. RfcSignature, 0]));
        Assert.False(P256.Verify(RfcPublic, RfcMessage, new byte[64]));
        Assert.Throws<ArgumentException>(() => P256.GenerateKeyPair(new byte[31], new byte[64]));
    }

    // A 32-byte big-endian number plus a small signed delta (no wrap needed for these constants).
    private static byte[] Add(byte[] value, int delta)
    {
        var result = (byte[])value.Clone();
        int carry = delta;
        for (int i = result.Length - 1; i >= 0 && carry != 0; i--)
        {
            int sum = result[i] + carry;
            result[i] = (byte)sum;
            carry = sum >> 8; // arithmetic shift: -1 propagates a borrow
        }
        return result;
    }
}
