namespace Cloak.Tests.Support;

/// <summary>Semihosting operation numbers (Arm semihosting v2, which RISC-V semihosting adopts) and constants.</summary>
internal static class Semihost
{
    public const ulong Open = 0x01, Close = 0x02, WriteC = 0x03, Write0 = 0x04, Write = 0x05, Read = 0x06, ReadC = 0x07,
        IsError = 0x08, IsTty = 0x09, Seek = 0x0A, Flen = 0x0C, Remove = 0x0E, Errno = 0x13, Exit = 0x18, ExitExtended = 0x20;

    /// <summary>ADP_Stopped_ApplicationExit: the only exit reason whose subcode is the exit status.</summary>
    public const ulong ApplicationExit = 0x20026;
    /// <summary>ADP_Stopped_RunTimeErrorUnknown.</summary>
    public const ulong RunTimeErrorUnknown = 0x20023;

    /// <summary>SYS_OPEN modes: "r" = 0, "w" = 4, "a" = 8 (each +1 for "b", +2 for "+").</summary>
    public const ulong ModeRead = 0, ModeWrite = 4, ModeAppend = 8;

    // Linux errno values, which QEMU passes through from the host.
    public const ulong Enoent = 2, Ebadf = 9, Eacces = 13, Einval = 22;

    /// <summary>SYS_OPEN of <paramref name="name"/>: places the name and the parameter block, returns the result slot.</summary>
    public static int OpenFile(this GuestProgram program, string name, ulong mode) =>
        program.Semihosting(Open, program.Words(program.String(name), mode, (ulong)System.Text.Encoding.UTF8.GetByteCount(name)));
}
