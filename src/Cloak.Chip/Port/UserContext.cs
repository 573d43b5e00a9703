namespace Cloak.Chip;

/// <summary>
/// A user process's register state as the OS keeps it between runs: x1..x31 and the pc, in memory the
/// OS owns. The OS writes syscall results into it and moves the pc past an ecall.
/// </summary>
public sealed class UserContext
{
    private readonly ulong[] _registers = new ulong[32];

    public ulong Pc { get; set; }

    /// <summary>Address translation for the process: satp's value (Sv39 root page and ASID).</summary>
    public ulong Satp { get; set; }

    public ulong this[int register]
    {
        get => register is > 0 and < 32 ? _registers[register] : 0;
        set
        {
            if (register is < 0 or > 31) throw new ArgumentOutOfRangeException(nameof(register), register, "register index must be 0-31");
            if (register != 0) _registers[register] = value;
        }
    }

    public ulong this[Isa.Reg register]
    {
        get => this[(int)register];
        set => this[(int)register] = value;
    }

    internal ulong[] Registers => _registers;
}
