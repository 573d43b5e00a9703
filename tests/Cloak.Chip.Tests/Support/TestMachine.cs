using System.Globalization;
using Cloak.Chip.Bus;
using Cloak.Chip.Bus.Devices;
using Cloak.Chip.Cpu;
using Cloak.Isa;
using Cloak.Platform;

namespace Cloak.Chip.Tests.Support;

/// <summary>
/// A one-hart machine for instruction tests: DRAM at 0x8000_0000, a CLINT at 0x0200_0000 and a hart
/// that (by default) hands every trap to the host, so a program ends at its first <c>ecall</c>.
/// Programs are lists of instructions in objdump no-aliases syntax; a line ending in ':' defines a
/// label, and a branch or jump whose last operand names a label gets that label's address.
/// <c>.2byte 0x...</c> and <c>.4byte 0x...</c> place raw parcels (reserved encodings, hand-encoded
/// instructions).
/// </summary>
public sealed class TestMachine
{
    public const ulong RamBase = 0x8000_0000;
    public const ulong ClintBase = 0x0200_0000;
    public const ulong CodeBase = RamBase;
    /// <summary>A scratch data area well away from the code.</summary>
    public const ulong DataBase = RamBase + 0x4_0000;
    public const ulong DefaultRamSize = 0x10_0000;

    /// <summary>Cycles per mtime tick unless a test says otherwise (the HartOptions default).</summary>
    public static readonly HartOptions DefaultOptions = new() { HostHandlesTraps = true };

    private readonly Hart _hart;

    /// <param name="openPmp">
    /// Play the boot firmware (as the OS model's port does): PMP entry 15 covers all memory with RWX, so
    /// U-mode reaches what its page tables map. PMP tests pass false and program PMP themselves.
    /// </param>
    public TestMachine(HartOptions? options = null, ulong ramSize = DefaultRamSize, bool openPmp = true)
    {
        Options = options ?? DefaultOptions;
        Dram = new Dram(RamBase, ramSize);
        Bus = new SystemBus(Dram);
        Clint = new Clint(() => _hart!.Cycles, Options.CyclesPerTimerTick);
        Bus.Attach(ClintBase, Clint);
        _hart = new Hart(Bus, Clint, Options);
        Hart.Pc = CodeBase;
        if (openPmp)
        {
            Hart.WriteCsr(CsrAddress.Pmpaddr0 + 15, PhysicalMemoryProtection.AddressMask);
            Hart.WriteCsr(CsrAddress.Pmpcfg0 + 2, 0x1FUL << 56); // entry 15: NAPOT, X W R
        }
    }

    public HartOptions Options { get; }
    public Dram Dram { get; }
    public SystemBus Bus { get; }
    public Clint Clint { get; }
    public Hart Hart => _hart;

    public ulong this[Reg reg]
    {
        get => Hart.GetRegister(reg);
        set => Hart.SetRegister(reg, value);
    }

    public ulong Pc
    {
        get => Hart.Pc;
        set => Hart.Pc = value;
    }

    // ---- programs ------------------------------------------------------------------------------

    /// <summary>Assembles <paramref name="lines"/> at <paramref name="address"/>; returns the address after the last one.</summary>
    public ulong Load(ulong address, params string[] lines)
    {
        var image = Assemble(address, lines);
        Dram.Write(address, image);
        return address + (ulong)image.Length;
    }

    /// <summary>Assembles a program placed at <paramref name="address"/> (labels resolve relative to it).</summary>
    public static byte[] Assemble(ulong address, IReadOnlyList<string> lines)
    {
        var labels = new Dictionary<string, ulong>(StringComparer.Ordinal);
        ulong pc = address;
        foreach (string raw in lines)
        {
            string line = raw.Trim();
            if (line.EndsWith(':')) labels[line[..^1]] = pc;
            else pc += (ulong)Length(line);
        }

        var bytes = new List<byte>();
        pc = address;
        foreach (string raw in lines)
        {
            string line = raw.Trim();
            if (line.EndsWith(':')) continue;
            uint bits = Encode(ResolveLabel(line, labels), pc);
            int length = Length(line);
            for (int i = 0; i < length; i++) bytes.Add((byte)(bits >> (8 * i)));
            pc += (ulong)length;
        }
        return [.. bytes];
    }

    /// <summary>The encoding of one instruction line at <paramref name="pc"/>.</summary>
    public static uint Encode(string line, ulong pc = CodeBase)
    {
        line = line.Trim();
        if (line.StartsWith(".2byte ", StringComparison.Ordinal) || line.StartsWith(".4byte ", StringComparison.Ordinal))
            return uint.Parse(line[7..].Trim()[2..].Replace("_", "", StringComparison.Ordinal), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        uint bits = Assembler.Assemble(line, pc);
        if (Length(line) != ((bits & 3) == 3 ? 4 : 2))
            throw new InvalidOperationException($"'{line}' assembled to a parcel of unexpected length");
        return bits;
    }

    private static int Length(string line) =>
        line.StartsWith("c.", StringComparison.Ordinal) || line.StartsWith(".2byte", StringComparison.Ordinal) ? 2 : 4;

    private static string ResolveLabel(string line, Dictionary<string, ulong> labels)
    {
        int comma = line.LastIndexOf(',');
        int space = line.IndexOf(' ', StringComparison.Ordinal);
        int start = comma >= 0 ? comma + 1 : space >= 0 ? space + 1 : -1;
        if (start < 0) return line;
        string last = line[start..].Trim();
        return labels.TryGetValue(last, out ulong target)
            ? line[..start] + target.ToString("x", CultureInfo.InvariantCulture)
            : line;
    }

    // ---- running -------------------------------------------------------------------------------

    public RunResult Run(long maxInstructions = 100_000) => Hart.Run(maxInstructions);

    /// <summary>Runs until the program's ecall and checks that this, not something else, stopped it.</summary>
    public RunResult RunToEcall(long maxInstructions = 100_000)
    {
        var result = Run(maxInstructions);
        Assert.True(
            result.Reason == StopReason.Trap &&
            Hart.LastTrap?.Cause is TrapCause.EnvironmentCallFromMMode or TrapCause.EnvironmentCallFromUMode,
            $"expected the program to end at an ecall, but it stopped with {result.Reason}, " +
            $"last trap {Hart.LastTrap?.Describe() ?? "none"} (tval 0x{Hart.Mtval:x}) at mepc 0x{Hart.Mepc:x}");
        return result;
    }

    /// <summary>
    /// Loads <paramref name="lines"/> plus a final ecall at the code base (physical) and runs to that
    /// ecall from the current pc: the code base after construction, or the virtual address
    /// <see cref="EnterUserMode"/> set.
    /// </summary>
    public TestMachine Execute(params string[] lines)
    {
        Load(CodeBase, [.. lines, "ecall"]);
        RunToEcall();
        return this;
    }

    /// <summary>Runs and expects the run to stop for <paramref name="cause"/>; checks tval and epc when given.</summary>
    public void RunExpectingTrap(TrapCause cause, ulong? tval = null, ulong? epc = null, long maxInstructions = 100_000)
    {
        var result = Run(maxInstructions);
        Assert.True(result.Reason == StopReason.Trap,
            $"expected a {new Trap(cause, 0).Describe()} trap, but the run stopped with {result.Reason}");
        ExpectTrap(cause, tval, epc);
    }

    /// <summary>Checks the trap state the hart recorded (mcause, and mtval/mepc when given).</summary>
    public void ExpectTrap(TrapCause cause, ulong? tval = null, ulong? epc = null)
    {
        Assert.True((TrapCause)Hart.Mcause == cause,
            $"expected {new Trap(cause, 0).Describe()}, got {new Trap((TrapCause)Hart.Mcause, 0).Describe()} " +
            $"(tval 0x{Hart.Mtval:x}, mepc 0x{Hart.Mepc:x})");
        if (tval is { } t) Assert.Equal(Hex(t), Hex(Hart.Mtval));
        if (epc is { } e) Assert.Equal(Hex(e), Hex(Hart.Mepc));
    }

    /// <summary>Formats a value as hex so assertion messages are readable.</summary>
    public static string Hex(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    // ---- memory --------------------------------------------------------------------------------

    public ulong ReadU64(ulong address) => Dram.ReadUInt64(address);
    public uint ReadU32(ulong address) => Dram.ReadUInt32(address);
    public byte[] ReadBytes(ulong address, int length) => Dram.Read(address, length).ToArray();
    public void WriteU64(ulong address, ulong value) => Dram.WriteUInt64(address, value);

    public void WriteU32(ulong address, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        Dram.Write(address, bytes);
    }

    public void Fill(ulong address, int length, byte value)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, value);
        Dram.Write(address, bytes);
    }

    // ---- one-instruction helpers ---------------------------------------------------------------

    /// <summary>Runs "<paramref name="instruction"/>" with a1 and a2 preset and returns a0.</summary>
    public static ulong Compute(string instruction, ulong a1 = 0, ulong a2 = 0)
    {
        var m = new TestMachine();
        m[Reg.A1] = a1;
        m[Reg.A2] = a2;
        m.Execute(instruction);
        return m[Reg.A0];
    }

    /// <summary>Writes the CSR as an M-mode host would.</summary>
    public void SetCsr(int csr, ulong value) => Hart.WriteCsr(csr, value);

    public ulong Csr(int csr) => Hart.ReadCsr(csr);

    // ---- paging --------------------------------------------------------------------------------

    /// <summary>Physical area the page tables of <see cref="EnablePaging"/> are built in.</summary>
    public const ulong PageTableArea = RamBase + 0x8_0000;

    /// <summary>Creates empty Sv39 page tables and points satp at them.</summary>
    public PageTables EnablePaging()
    {
        var tables = new PageTables(Dram, PageTableArea);
        SetCsr(CsrAddress.Satp, tables.Satp);
        return tables;
    }

    /// <summary>Drops to U-mode at <paramref name="pc"/> (as the host OS model would).</summary>
    public void EnterUserMode(ulong pc)
    {
        Hart.Privilege = Privilege.User;
        Pc = pc;
    }
}
