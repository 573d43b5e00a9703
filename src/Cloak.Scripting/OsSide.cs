using System.Reflection;
using Cloak.Attacks;
using Cloak.Elf;
using Cloak.Isa;
using Cloak.Kernel.Adversaries;
using Cloak.Platform;
using Cloak.Sealing;

namespace Cloak.Scripting;

/// <summary>
/// The wall between the OS and the chip, as it applies to a user's adversary (docs/architecture.md,
/// "How the wall is held"): an adversary is compiled against the OS side's assemblies only, and an
/// assembly that references the chip's, or the host API that holds the processor, is refused. So a
/// user's adversary has exactly the powers of the OS and of a bus probe. This is a fence of types,
/// not a sandbox: the adversary runs in the simulator's process with its trust, and private
/// reflection could reach anything there (docs/adversary.md says so).
/// </summary>
public static class OsSide
{
    /// <summary>What an adversary is compiled against, besides the .NET class library.</summary>
    public static IReadOnlyList<Assembly> Assemblies { get; } =
    [
        typeof(Adversary).Assembly,        // Cloak.Kernel: the OS model and the adversary API
        typeof(SnoopAdversary).Assembly,   // Cloak.Attacks: ready-made adversaries, triggers, the bus recorder
        typeof(OsPort).Assembly,           // Cloak.Platform: DRAM, integrity metadata, bus taps, UserContext
        typeof(Trap).Assembly,             // Cloak.Isa: traps, registers, PTEs, the TRP ABI's statuses
        typeof(SealedImage).Assembly,      // Cloak.Sealing: sealed images as the OS loads them
        typeof(ElfImage).Assembly,         // Cloak.Elf: ELF images
    ];

    /// <summary>Assemblies an adversary may not reference: the chip, its key holders, and the host API (it hands out the processor).</summary>
    public static IReadOnlySet<string> Forbidden { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Cloak.Chip", "Cloak.Crypto", "Cloak", "Cloak.Cli",
    };

    /// <summary>The names of <see cref="Assemblies"/>, for messages.</summary>
    public static string Names => string.Join(", ", Assemblies.Select(a => a.GetName().Name));
}
