using Cloak.Crypto;

namespace Cloak.Chip.Tests.Security;

public sealed class HkdfTests
{
    [Theory]
    // RFC 5869 A.1 (test case 1) and A.3 (test case 3: empty salt and info).
    [InlineData("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c", "f0f1f2f3f4f5f6f7f8f9",
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")]
    [InlineData("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "",
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")]
    public void Rfc5869_vectors(string ikm, string salt, string info, string okm)
    {
        byte[] expected = Convert.FromHexString(okm);
        var output = new byte[expected.Length];

        Hkdf.DeriveKey(Convert.FromHexString(ikm), Convert.FromHexString(salt), Convert.FromHexString(info), output);

        Assert.Equal(expected, output);
    }
}
