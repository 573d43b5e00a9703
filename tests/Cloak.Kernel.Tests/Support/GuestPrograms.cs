using System.Collections.Concurrent;
using Cloak.Elf;

namespace Cloak.Kernel.Tests.Support;

/// <summary>
/// The user programs the tests run: guest/tests/user/*.c and the examples guest/user/*/, built by
/// <c>make -C guest</c> into guest/build/. A missing binary fails the test with the command to run.
/// </summary>
internal static class GuestPrograms
{
    private static readonly ConcurrentDictionary<string, ElfImage> Images = new(StringComparer.Ordinal);

    /// <summary>Every program a test machine knows by name (so processes can spawn each other).</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        "brk_mmap", "canary", "channel_closed_peer", "channel_nonblocking", "channel_pingpong", "deadlock",
        "illegal", "segfault", "shm_share", "sleeper", "spawner", "spin", "spy", "swap_stress", "syscall_abuse",
        "syscall_fuzz", "ticker", "hello", "producer", "consumer",
    ];

    private static readonly HashSet<string> Examples = new(["hello", "producer", "consumer"], StringComparer.Ordinal);

    public static string RepositoryRoot => Repository.Root;

    public static string PathOf(string name) => Path.Combine(Repository.GuestBuildDirectory,
        Examples.Contains(name) ? Path.Combine("user", $"{name}.elf") : Path.Combine("tests", "user", $"{name}.elf"));

    public static ElfImage Image(string name) => Images.GetOrAdd(name, static n =>
    {
        string path = PathOf(n);
        if (!File.Exists(path))
            throw new FileNotFoundException($"guest program '{n}' is missing ({path}): build the guest programs first with `make -C guest`", path);
        return ElfImage.Load(path);
    });

    /// <summary>The address of a symbol of a program (for tests that aim at a variable).</summary>
    public static ulong Symbol(string program, string symbol) =>
        Image(program).Symbol(symbol) ?? throw new InvalidOperationException($"{program} has no symbol '{symbol}'");
}
