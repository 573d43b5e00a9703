using Cloak.BareMetal;
using Cloak.Elf;
using Cloak.Kernel;
using Cloak.Os;

namespace Cloak.Fuzz.Targets;

/// <summary>
/// The ELF reader (src/Cloak.Elf/ElfImage.cs) and the two loaders behind it: any bytes either parse
/// or raise <see cref="ElfFormatException"/>; a parsed image's page groups are built, and the image is
/// loaded and run briefly where it would go (a user program under the OS model, anything else on the
/// bare-metal machine), where the loader may refuse it only with <see cref="ElfFormatException"/>
/// (or, starting a process, the kernel's "out of memory" <see cref="InvalidOperationException"/>).
/// </summary>
public sealed class ElfTarget : FuzzTarget
{
    /// <summary>Small machines: the point is the loader, not the program.</summary>
    private const ulong BareMetalRam = 8UL << 20, OsRam = 2UL << 20;
    private const long RunBudget = 20_000;

    public override string Name => "elf";

    public override string Contract =>
        "ELF bytes: ElfImage.Parse, PageGroups, then load and run 20k instructions (OS model or bare metal); only ElfFormatException (or the kernel's out-of-memory refusal)";

    public override IReadOnlyList<string> Instrumented => ["Cloak.Elf.dll", "Cloak.Kernel.dll", "Cloak.dll"];

    public override int MaxInputLength => 256 * 1024;

    public override long MaxAllocatedBytes(int inputLength) => (96L << 20) + 64L * inputLength;

    public override bool Run(ReadOnlySpan<byte> input)
    {
        ElfImage image;
        try
        {
            image = ElfImage.Parse(input.ToArray());
            _ = image.PageGroups();
        }
        catch (ElfFormatException)
        {
            return false;
        }
        return OsMachine.IsUserProcessImage(image) ? RunUserProgram(image) : RunBareMetal(image);
    }

    private static bool RunBareMetal(ElfImage image)
    {
        var machine = new BareMetalMachine(new MachineOptions { RamSize = BareMetalRam });
        try
        {
            machine.Load(image);
        }
        catch (ElfFormatException)
        {
            return false;
        }
        var outcome = Watchdog.Run(token => machine.Run(RunBudget, token));
        if ((long)outcome.InstructionsRetired > RunBudget)
            throw new ContractViolationException($"the bare-metal run retired {outcome.InstructionsRetired} instructions with a budget of {RunBudget}");
        return true;
    }

    private static bool RunUserProgram(ElfImage image)
    {
        var machine = new OsMachine(new OsMachineOptions
        {
            RamSize = OsRam,
            Kernel = new KernelOptions { MaxInstructions = RunBudget, SwapSlots = 64, Quantum = 5_000 },
        });
        return UserProgramRun.StartAndRun(machine, "fuzzed", () => machine.Register("fuzzed", image));
    }
}
