using System.Reflection;
using Cloak.Crypto;

namespace Cloak.Chip.Tests.Security;

public sealed class CryptoSelfTestTests
{
    [Fact]
    public void The_power_on_self_test_passes()
    {
        Assert.True(CryptoSelfTest.Run());
    }

    [Fact]
    public void No_crypto_type_is_visible_outside_its_friend_assemblies()
    {
        Type[] types = typeof(Aes128).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(Aes128).Namespace)
            .ToArray();
        Assert.NotEmpty(types);
        Assert.All(types, t => Assert.False(t.IsVisible, t.FullName));
    }

    [Fact]
    public void Key_holders_do_not_show_their_keys_in_ToString()
    {
        byte[] key = Convert.FromHexString("0123456789abcdeffedcba9876543210");
        using var aes = new Aes128(key);
        using var xts = new XtsAes128(key, key);
        using var mac = new LineMac([.. key, .. key]);
        foreach (object holder in new object[] { aes, xts, mac })
        {
            string text = holder.ToString() ?? "";
            Assert.DoesNotContain("0123456789", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("01-23-45", text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Key_holders_are_sealed_and_disposable()
    {
        foreach (Type type in new[] { typeof(Aes128), typeof(XtsAes128), typeof(LineMac), typeof(Ghash) })
        {
            Assert.True(type.IsSealed, type.Name);
            Assert.True(typeof(IDisposable).IsAssignableFrom(type), type.Name);
            Assert.Equal(TypeAttributes.NotPublic, type.Attributes & TypeAttributes.VisibilityMask);
        }
    }
}
