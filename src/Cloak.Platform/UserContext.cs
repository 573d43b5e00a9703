namespace Cloak.Platform;

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

    /// <summary>
    /// For a protected process: its registers, pc and EAR state sealed by the chip (opaque to the OS,
    /// which keeps it). Null for a plain process. While it is set, the register file above shows
    /// only what the chip reveals: a0-a5 and a7 at an ecall (a system call's arguments and number), zeros otherwise.
    /// </summary>
    public byte[]? SealedState { get; set; }

    public bool IsProtected => SealedState is not null;

    internal bool SyscallCompleted { get; set; }
    internal ulong SyscallResult { get; set; }

    /// <summary>
    /// Finishes the system call the process trapped on with <paramref name="result"/> in a0, so it
    /// resumes after the ecall. (A call that is not completed runs again on resume.)
    /// </summary>
    public void CompleteSyscall(long result)
    {
        if (IsProtected)
        {
            SyscallCompleted = true;
            SyscallResult = (ulong)result;
            this[10] = (ulong)result;
        }
        else
        {
            this[10] = (ulong)result;
            Pc += 4;
        }
    }
}
