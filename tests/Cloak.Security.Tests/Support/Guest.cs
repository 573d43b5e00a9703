using System.Collections.Concurrent;
using Cloak.Chip.Security;
using Cloak.Elf;
using Cloak.Sealing;

namespace Cloak.Security.Tests.Support;

/// <summary>
/// The guest programs these tests run: <c>guest/build/tests/secure/&lt;name&gt;.elf</c> (sources in
/// guest/tests/secure) and the ordinary user programs in <c>guest/build/user</c>. A missing binary fails
/// the test with the command that builds it (STYLE.md: "A missing guest binary fails loudly").
/// </summary>
internal static class Guest
{
    private static readonly ConcurrentDictionary<string, ElfImage> Images = new(StringComparer.Ordinal);

    /// <summary>The repository root (the directory that holds <c>Cloak.slnx</c>).</summary>
    public static string Root => Repository.Root;

    /// <summary>A program of guest/tests/secure, by name.</summary>
    public static string Secure(string name) => Elf($"tests/secure/{name}.elf");

    /// <summary>A program of guest/user, by name.</summary>
    public static string User(string name) => Elf($"user/{name}.elf");

    /// <summary>guest/build/&lt;relative&gt;, or a failed test saying how to build it.</summary>
    public static string Elf(string relative) => GuestBuild.Elf(relative);

    /// <summary>The parsed ELF (cached: images are immutable).</summary>
    public static ElfImage Load(string path) => Images.GetOrAdd(path, ElfImage.Load);

    /// <summary>The bytes of <paramref name="path"/> sealed for the chip whose public key is given.</summary>
    public static byte[] SealBytes(string path, ReadOnlySpan<byte> chipPublicKey) => ElfSealer.Seal(Load(path), chipPublicKey);

    /// <summary><paramref name="path"/> sealed for <paramref name="chip"/>.</summary>
    public static SealedImage Seal(string path, ChipIdentity chip) => SealedImage.Parse(SealBytes(path, chip.PublicKey));
}
