using Cloak.Elf;
using Cloak.Kernel;
using Cloak.Os;
using Cloak.Sealing;

namespace Cloak.Fuzz.Targets;

/// <summary>
/// The sealed-image container (src/Cloak.Sealing/SealedImage.cs, SealedImageHeader.cs) and what
/// consumes it: any bytes either parse or raise <see cref="SealedImageException"/>; a parsed image is
/// registered with the OS model (which may refuse it with <see cref="ElfFormatException"/>), started
/// and run briefly on the fuzzing chip, whose trp.enter re-reads the header from memory.
/// The first input byte is not part of the file: bit 0 set recomputes the header's digest after
/// mutation, so the fuzzer gets past the digest check to the fields behind it.
/// </summary>
public sealed class SealedImageTarget : FuzzTarget
{
    private const long RunBudget = 50_000;

    public override string Name => "sealed";

    public override string Contract =>
        "flag byte + sealed image: SealedImage.Parse, then register, start and run 50k instructions under the OS model on the fuzzing chip; only SealedImageException / ElfFormatException";

    public override IReadOnlyList<string> Instrumented => ["Cloak.Sealing.dll", "Cloak.Kernel.dll"];

    public override int MaxInputLength => 512 * 1024;

    public override long MaxAllocatedBytes(int inputLength) => (96L << 20) + 64L * inputLength;

    public override bool Run(ReadOnlySpan<byte> input)
    {
        if (input.Length == 0) return false;
        byte[] file = input[1..].ToArray();
        if ((input[0] & 1) != 0) FixDigest(file);
        SealedImage image;
        try
        {
            image = SealedImage.Parse(file);
        }
        catch (SealedImageException)
        {
            return false;
        }
        var machine = new OsMachine(new OsMachineOptions
        {
            RamSize = 4UL << 20,
            Identity = FuzzChip.Identity,
            Kernel = new KernelOptions { MaxInstructions = RunBudget, SwapSlots = 256, Quantum = 10_000 },
        });
        return UserProgramRun.StartAndRun(machine, "sealed", () => machine.Register("sealed", image));
    }

    /// <summary>Writes the digest the header's fields call for, where the header is readable at all.</summary>
    internal static void FixDigest(byte[] file)
    {
        if (!SealedImageHeader.TryReadLength(file, out int length, out _) || file.Length < length) return;
        SealedImage.ComputeDigest(file.AsSpan(0, length)).CopyTo(file.AsSpan(length - SealedImageHeader.DigestSize));
    }
}
