namespace Cloak.Kernel.Tests.Support;

/// <summary>The 16-byte patterns canary.c plants (k = 0 .data, 1 heap, 2 stack, 3 shared memory).</summary>
internal static class Canary
{
    public static readonly string[] Places = ["data", "heap", "stack", "shm"];

    public static byte[] Pattern(int k) => [.. Enumerable.Range(0, 16).Select(i => (byte)((((16 * k) + i) * 0x3B + 0x5A) ^ 0xA7))];

    public static string Hex(int k) => Convert.ToHexStringLower(Pattern(k));

    /// <summary>The first four bytes, which the spy is told to look for.</summary>
    public static string Prefix(int k) => Hex(k)[..8];

    public static string[] SpyArguments(string mode, int yields) => [mode, $"{yields}", .. Enumerable.Range(0, 4).Select(Prefix)];
}
