using System.Text;
using Cloak.Crypto;

namespace Cloak.Chip.Tests.Security;

public sealed class EciesTests
{
    private static readonly byte[] AssociatedData = Encoding.ASCII.GetBytes("image header v1");
    private static readonly byte[] Label = Encoding.ASCII.GetBytes("cloak image key");

    private readonly byte[] _recipientPrivate = new byte[32];
    private readonly byte[] _recipientPublic = new byte[64];
    private readonly byte[] _secret = new byte[32];

    public EciesTests()
    {
        P256.GenerateKeyPair(_recipientPrivate, _recipientPublic);
        new Random(56).NextBytes(_secret);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(1000)]
    public void A_wrapped_secret_unwraps_with_the_recipient_key(int length)
    {
        byte[] secret = new byte[length];
        new Random(length).NextBytes(secret);
        var (ephemeral, ciphertext, tag) = Ecies.Wrap(_recipientPublic, secret, AssociatedData, Label);
        Assert.Equal(64, ephemeral.Length);
        Assert.Equal(length, ciphertext.Length);
        Assert.Equal(16, tag.Length);

        var recovered = new byte[length];
        Assert.True(Ecies.TryUnwrap(_recipientPrivate, ephemeral, ciphertext, tag, AssociatedData, Label, recovered));
        Assert.Equal(secret, recovered);
    }

    [Fact]
    public void Each_wrap_uses_a_fresh_ephemeral_key()
    {
        var first = Ecies.Wrap(_recipientPublic, _secret, AssociatedData, Label);
        var second = Ecies.Wrap(_recipientPublic, _secret, AssociatedData, Label);
        Assert.NotEqual(first.EphemeralPublic64, second.EphemeralPublic64);
        Assert.NotEqual(first.Ciphertext, second.Ciphertext);
        Assert.NotEqual(_secret, first.Ciphertext);
    }

    [Fact]
    public void The_wrong_private_key_gives_false_and_a_zeroed_output()
    {
        var (ephemeral, ciphertext, tag) = Ecies.Wrap(_recipientPublic, _secret, AssociatedData, Label);
        var otherPrivate = new byte[32];
        P256.GenerateKeyPair(otherPrivate, new byte[64]);

        AssertRejected(otherPrivate, ephemeral, ciphertext, tag, AssociatedData, Label);
        AssertRejected(new byte[32], ephemeral, ciphertext, tag, AssociatedData, Label);
    }

    [Fact]
    public void Any_changed_byte_gives_false_and_a_zeroed_output()
    {
        var (ephemeral, ciphertext, tag) = Ecies.Wrap(_recipientPublic, _secret, AssociatedData, Label);

        foreach (int i in Enumerable.Range(0, ephemeral.Length))
            AssertRejected(_recipientPrivate, Flip(ephemeral, i), ciphertext, tag, AssociatedData, Label);
        foreach (int i in Enumerable.Range(0, ciphertext.Length))
            AssertRejected(_recipientPrivate, ephemeral, Flip(ciphertext, i), tag, AssociatedData, Label);
        foreach (int i in Enumerable.Range(0, tag.Length))
            AssertRejected(_recipientPrivate, ephemeral, ciphertext, Flip(tag, i), AssociatedData, Label);
        foreach (int i in Enumerable.Range(0, AssociatedData.Length))
            AssertRejected(_recipientPrivate, ephemeral, ciphertext, tag, Flip(AssociatedData, i), Label);
        foreach (int i in Enumerable.Range(0, Label.Length))
            AssertRejected(_recipientPrivate, ephemeral, ciphertext, tag, AssociatedData, Flip(Label, i));
    }

    [Fact]
    public void Changed_lengths_give_false_and_a_zeroed_output()
    {
        var (ephemeral, ciphertext, tag) = Ecies.Wrap(_recipientPublic, _secret, AssociatedData, Label);

        AssertRejected(_recipientPrivate, ephemeral, ciphertext, tag, [.. AssociatedData, 0], Label);
        AssertRejected(_recipientPrivate, ephemeral, ciphertext, tag, [], Label);
        AssertRejected(_recipientPrivate, ephemeral, ciphertext, tag, AssociatedData, Label[..^1]);
        AssertRejected(_recipientPrivate, ephemeral, ciphertext, tag[..12], AssociatedData, Label);
        AssertRejected(_recipientPrivate, ephemeral[..63], ciphertext, tag, AssociatedData, Label);
        AssertRejected(_recipientPrivate, [0x04, .. ephemeral], ciphertext, tag, AssociatedData, Label);

        var shortOutput = new byte[ciphertext.Length - 1];
        Array.Fill(shortOutput, (byte)0xAA);
        Assert.False(Ecies.TryUnwrap(_recipientPrivate, ephemeral, ciphertext, tag, AssociatedData, Label, shortOutput));
        Assert.All(shortOutput, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Wrapping_to_a_point_off_the_curve_is_refused()
    {
        byte[] bad = (byte[])_recipientPublic.Clone();
        bad[63] ^= 1;
        Assert.Throws<ArgumentException>(() => Ecies.Wrap(bad, _secret, AssociatedData, Label));
    }

    private static void AssertRejected(byte[] privateKey, byte[] ephemeral, byte[] ciphertext, byte[] tag, byte[] associatedData, byte[] label)
    {
        var output = new byte[ciphertext.Length];
        Array.Fill(output, (byte)0xAA);
        Assert.False(Ecies.TryUnwrap(privateKey, ephemeral, ciphertext, tag, associatedData, label, output));
        Assert.All(output, b => Assert.Equal(0, b));
    }

    private static byte[] Flip(byte[] value, int index)
    {
        var copy = (byte[])value.Clone();
        copy[index] ^= 0x01;
        return copy;
    }
}
