using Cloak.Chip.Security;
using Cloak.Sealing;

namespace Cloak.Fuzz.Tests;

/// <summary>
/// The crashes fuzzing found (docs/reliability.md, "Crashes found and fixed"): each crashing input is
/// kept in its target's corpus as fuzz/corpora/TARGET/crash-*, replayed here through the target, and
/// the behaviour it now has is stated through Cloak's own API. (The bare-metal trap storm has its
/// tests beside the other bare-metal tests: tests/Cloak.Tests/TrapStormTests.cs.)
/// </summary>
public sealed class CrashRegressionTests
{
    public static TheoryData<string, string> Crashes()
    {
        var rows = new TheoryData<string, string>();
        foreach (var target in FuzzTargets.All)
            foreach (var (name, _) in FuzzSession.Corpus(target).Where(c => c.Name.StartsWith("crash-", StringComparison.Ordinal)))
                rows.Add(target.Name, name);
        return rows;
    }

    [Theory]
    [MemberData(nameof(Crashes))]
    public void An_input_that_once_crashed_a_target_now_keeps_its_contract(string target, string crash)
    {
        byte[] input = File.ReadAllBytes(Repository.File($"fuzz/corpora/{target}/{crash}"));

        var failure = Record.Exception(() => FuzzTargets.Find(target)!.Run(input));

        Assert.Null(failure);
    }

    [Theory]
    [InlineData("explicit-curve-sec1", "EC PRIVATE KEY")]
    [InlineData("crash-unknown-curve-oid", "EC PRIVATE KEY")]
    public void A_chip_key_file_that_is_no_named_P256_key_is_refused_with_a_SealedImageException(string corpusEntry, string label)
    {
        using var file = KeyFile(corpusEntry, label);

        var refusal = Assert.Throws<SealedImageException>(() => ChipIdentity.Load(file.Path));

        Assert.Contains(file.Path, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chip_public_key_with_explicit_curve_parameters_is_refused_as_no_P256_key()
    {
        using var file = KeyFile("explicit-curve-public", "PUBLIC KEY");

        var refusal = Assert.Throws<SealedImageException>(() => ChipIdentity.LoadPublicKey(file.Path));

        Assert.Contains("not a P-256 public key", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chip_key_with_explicit_curve_parameters_is_refused_as_no_P256_key()
    {
        using var file = KeyFile("explicit-curve-sec1", "EC PRIVATE KEY");

        var refusal = Assert.Throws<SealedImageException>(() => ChipIdentity.Load(file.Path));

        Assert.Contains("not a P-256 private key", refusal.Message, StringComparison.Ordinal);
    }

    /// <summary>The DER of a key corpus entry (after its mode byte) as a PEM file.</summary>
    private static TemporaryFile KeyFile(string corpusEntry, string label)
    {
        byte[] entry = File.ReadAllBytes(Repository.File($"fuzz/corpora/key/{corpusEntry}"));
        string pem = $"-----BEGIN {label}-----\n{Convert.ToBase64String(entry.AsSpan(1), Base64FormattingOptions.InsertLineBreaks)}\n-----END {label}-----\n";
        var file = new TemporaryFile();
        File.WriteAllText(file.Path, pem);
        return file;
    }

    private sealed class TemporaryFile : IDisposable
    {
        public string Path { get; } = System.IO.Path.GetTempFileName();
        public void Dispose() => File.Delete(Path);
    }
}
