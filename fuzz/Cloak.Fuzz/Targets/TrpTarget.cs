using System.Globalization;
using Cloak.Elf;
using Cloak.Isa;
using Cloak.Kernel;
using Cloak.Os;
using Cloak.Sealing;

namespace Cloak.Fuzz.Targets;

/// <summary>
/// The TRP instructions' operand and descriptor checks (src/Cloak.Chip/Cpu/Hart.Trp.cs): a sealed
/// process (guest/tests/secure/trp_fuzz.c) on the fuzzing chip runs one TRP instruction per 96-byte
/// input record, with operands raw or rebased into protected, plain, hidden and code memory, and
/// descriptors whose words may be rebased the same way. No host exception; the run ends within its
/// budget; every status the chip returns is a documented <see cref="TrpStatus"/>; a process that
/// ends otherwise than by exiting was killed with a reason.
/// Input: 96-byte records (see trp_fuzz.c), in either memory protection mode (the first byte's bit
/// 0 selects authenticated memory, the records follow it).
/// </summary>
public sealed class TrpTarget : FuzzTarget
{
    private const int RecordSize = 96, MaxRecords = 128;
    private const long Budget = 3_000_000;

    private static readonly Lazy<SealedImage> Program = new(() =>
        SealedImage.Parse(ElfSealer.Seal(ElfImage.Load(Repository.File("guest/build/tests/secure/trp_fuzz.elf")), FuzzChip.Identity.PublicKey)));
    private static readonly HashSet<long> Statuses = [.. Enum.GetValues<TrpStatus>().Select(s => (long)s)];

    public override string Name => "trp";

    public override string Contract => "mode byte + 96-byte TRP records: a sealed trp_fuzz runs them on the fuzzing chip; no exception, every status a TrpStatus, ends within 3M instructions";

    public override IReadOnlyList<string> Instrumented => ["Cloak.Chip.dll"];

    public override int MaxInputLength => 1 + MaxRecords * RecordSize;

    public override long MaxAllocatedBytes(int inputLength) => 256L << 20;

    public override bool Run(ReadOnlySpan<byte> input)
    {
        if (input.Length == 0) return false;
        byte[] records = input[1..].ToArray();
        var output = new CappedStream();
        var machine = new OsMachine(new OsMachineOptions
        {
            RamSize = 4UL << 20,
            Identity = FuzzChip.Identity,
            Security = new Chip.Security.SecurityOptions
            {
                Mode = (input[0] & 1) != 0 ? Chip.Security.MemoryProtectionMode.Authenticated : Chip.Security.MemoryProtectionMode.Confidentiality,
            },
            Kernel = new KernelOptions
            {
                Quantum = 20_000,
                SwapSlots = 1024,
                MaxInstructions = Budget,
                OutputFor = (_, _) => output,
                InputFor = (_, _) => new MemoryStream(records, writable: false),
            },
        });
        machine.Register("trp_fuzz", Program.Value);
        var process = machine.Start("trp_fuzz");

        var outcome = Watchdog.Run(token => machine.Run(token));
        var end = outcome.Processes.Single(p => p.Pid == process.Pid);
        if (end.KillReason is null && outcome.End != KernelRunEnd.InstructionLimit && end.ExitCode is < 0 or > 255)
            throw new ContractViolationException($"trp_fuzz ended with exit code {end.ExitCode} and no kill reason");
        if (Environment.GetEnvironmentVariable("CLOAK_FUZZ_SHOW") is "1")
            Console.Error.WriteLine($"{output.Text()}--- {end.End} exit {end.ExitCode} {end.KillReason}");
        string[] lines = output.Text().Split('\n');
        if (lines[0].StartsWith("trp_fuzz: not protected", StringComparison.Ordinal) || lines[0].Contains("setup failed", StringComparison.Ordinal))
            throw new ContractViolationException($"trp_fuzz did not start protected: {lines[0]}");
        foreach (string line in lines.Skip(1))
        {
            string[] parts = line.Split(' ');
            if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out _) ||
                !long.TryParse(parts[1], CultureInfo.InvariantCulture, out long status)) continue;
            if (!Statuses.Contains(status))
                throw new ContractViolationException($"record {parts[0]}: the chip returned status {status}, which is no TrpStatus");
        }
        return end.KillReason is null;
    }
}
