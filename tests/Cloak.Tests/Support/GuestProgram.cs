using System.Text;
using Cloak.Elf;
using Cloak.Isa;

namespace Cloak.Tests.Support;

/// <summary>
/// A tiny bare-metal program written in a test: code at 0x8000_0000, a data segment at
/// <see cref="DataBase"/> that starts with result slots (s0 points at them), constants and buffers
/// after. Host calls store their a0 into a fresh slot so the test can read every result after the run.
/// </summary>
internal sealed class GuestProgram
{
    public const ulong CodeBase = 0x8000_0000;
    public const ulong DataBase = 0x8000_8000;
    public const int ResultSlots = 32;
    private const int MinimumDataSize = 0x1000;

    private readonly List<byte> _data = [.. new byte[ResultSlots * 8]];
    private int _nextSlot;

    public GuestProgram()
    {
        Code = new GuestCode(CodeBase);
        Code.La(Reg.S0, DataBase);
    }

    public GuestCode Code { get; }

    /// <summary>Symbols written to the ELF's .symtab (tohost for HTIF).</summary>
    public List<(string Name, ulong Value)> Symbols { get; } = [];

    /// <summary>Places bytes in the data segment; returns their address.</summary>
    public ulong Data(ReadOnlySpan<byte> bytes, int alignment = 8)
    {
        while (_data.Count % alignment != 0) _data.Add(0);
        ulong address = DataBase + (ulong)_data.Count;
        _data.AddRange(bytes.ToArray());
        return address;
    }

    /// <summary>A NUL-terminated UTF-8 string.</summary>
    public ulong String(string text) => Data([.. Encoding.UTF8.GetBytes(text), 0], 1);

    /// <summary>64-bit little-endian words (a semihosting parameter block).</summary>
    public ulong Words(params ulong[] words)
    {
        var bytes = new byte[words.Length * 8];
        for (int i = 0; i < words.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(8 * i), words[i]);
        return Data(bytes);
    }

    /// <summary>Zeroed space.</summary>
    public ulong Reserve(int length, int alignment = 8) => Data(new byte[length], alignment);

    /// <summary>
    /// a0 = <paramref name="operation"/>, a1 = <paramref name="argument"/> (an address in RAM or a
    /// small number), the semihosting sequence, then a0 is stored in a new result slot (returned).
    /// </summary>
    public int Semihosting(ulong operation, ulong argument = 0)
    {
        Code.Li(Reg.A0, (long)operation);
        if (argument >= CodeBase) Code.La(Reg.A1, argument);
        else Code.Li(Reg.A1, (long)argument);
        Code.SemihostingCall();
        return StoreResult(Reg.A0);
    }

    /// <summary>Stores a register in a new result slot; returns the slot.</summary>
    public int StoreResult(Reg register)
    {
        int slot = _nextSlot++;
        if (slot >= ResultSlots) throw new InvalidOperationException("out of result slots");
        Code.Emit($"sd {RegNames.Abi((int)register)},{slot * 8}(s0)");
        return slot;
    }

    /// <summary>Copies the 64-bit result in <paramref name="slot"/> to <paramref name="address"/> (a handle into a parameter block).</summary>
    public void CopyResult(int slot, ulong address)
    {
        Code.Emit($"ld t0,{slot * 8}(s0)");
        Code.La(Reg.T1, address);
        Code.Emit("sd t0,0(t1)");
    }

    /// <summary>SYS_EXIT_EXTENDED with ADP_Stopped_ApplicationExit and <paramref name="code"/>, then a spin should it return.</summary>
    public void ExitWithSemihosting(int code)
    {
        ulong block = Words(0x20026, (ulong)code);
        Code.Li(Reg.A0, 0x20);
        Code.La(Reg.A1, block);
        Code.SemihostingCall();
        Code.Spin();
    }

    /// <summary>SYS_EXIT_EXTENDED with ADP_Stopped_ApplicationExit and the value in <paramref name="slot"/> as the exit code.</summary>
    public void ExitWithResult(int slot)
    {
        ulong block = Words(0x20026, 0);
        CopyResult(slot, block + 8);
        Code.Li(Reg.A0, 0x20);
        Code.La(Reg.A1, block);
        Code.SemihostingCall();
        Code.Spin();
    }

    public byte[] ToElfBytes()
    {
        var builder = new ElfBuilder { Entry = CodeBase }
            .Load(CodeBase, Code.ToArray(), ElfBuilder.PfR | ElfBuilder.PfX)
            .Load(DataBase, [.. _data], ElfBuilder.PfR | ElfBuilder.PfW, (ulong)Math.Max(MinimumDataSize, _data.Count));
        foreach (var (name, value) in Symbols) builder.Symbol(name, value);
        return builder.Build();
    }

    public ElfImage ToElf() => ElfImage.Parse(ToElfBytes());

    /// <summary>
    /// Runs the program in-process with 1 MiB of RAM (the default 128 MiB would be allocated and
    /// zeroed for every test) and a small instruction budget: these programs are short.
    /// </summary>
    public GuestRun Run(MachineOptions? options = null, long maxInstructions = 100_000, bool sharedConsole = false) =>
        GuestRunner.Run(ToElf(), maxInstructions, (options ?? new MachineOptions()) with { RamSize = 1 << 20 }, sharedConsole);

    /// <summary>The value the program stored in <paramref name="slot"/>.</summary>
    public static ulong Result(GuestRun run, int slot) => run.Machine.Dram.ReadUInt64(DataBase + (ulong)(8 * slot));
}
