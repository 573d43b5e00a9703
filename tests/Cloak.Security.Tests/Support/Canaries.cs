namespace Cloak.Security.Tests.Support;

/// <summary>
/// The canaries guest/tests/secure/canary.c plants (SPEC R2), computed exactly as it computes them:
/// two literals and four patterns from a generator, so that a canary found anywhere names the memory
/// it came from.
/// </summary>
internal static class Canaries
{
    private const ulong Seed = 0x243F6A8885A308D3;

    /// <summary>A const array in .rodata, inside the executable region.</summary>
    public static readonly byte[] Code = "<code-canary-01\0"u8.ToArray();

    /// <summary>Initialised data (.data).</summary>
    public static readonly byte[] Data = "<data-canary-02\0"u8.ToArray();

    public static readonly byte[] Bss = Generated(1);
    public static readonly byte[] Heap = Generated(2);
    public static readonly byte[] Stack = Generated(3);

    /// <summary>Held in registers (s10, s11) across system calls and preemption.</summary>
    public static readonly byte[] Register = Generated(4);

    public static ulong RegisterLow => BitConverter.ToUInt64(Register, 0);
    public static ulong RegisterHigh => BitConverter.ToUInt64(Register, 8);

    /// <summary>The canaries that live in memory, by name.</summary>
    public static IReadOnlyList<(string Name, byte[] Pattern)> InMemory { get; } =
    [
        ("code", Code), ("data", Data), ("bss", Bss), ("heap", Heap), ("stack", Stack),
    ];

    /// <summary>Every canary, the register one included (as 16 contiguous bytes).</summary>
    public static IReadOnlyList<(string Name, byte[] Pattern)> All { get; } = [.. InMemory, ("register", Register)];

    /// <summary>canary.c's make_canary(which).</summary>
    public static byte[] Generated(int which)
    {
        var bytes = new byte[16];
        ulong x = unchecked(Seed + (ulong)which * 0x9E3779B97F4A7C15);
        for (int i = 0; i < 16; i++)
        {
            x = unchecked(x * 6364136223846793005 + 1442695040888963407);
            bytes[i] = (byte)(x >> 56);
        }
        return bytes;
    }
}
