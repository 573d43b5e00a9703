namespace Cloak.Cli;

/// <summary>
/// Exit codes of the cloak command. A program that exits passes its own status through (0-255), so
/// Cloak's own outcomes use values a guest rarely picks; docs/cli.md lists them.
/// </summary>
internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>cloak attest verify: a well-formed report that does not verify or fails the policy.</summary>
    public const int Refused = 1;
    /// <summary>Bad command-line arguments or configuration.</summary>
    public const int Usage = 2;
    /// <summary>An input file Cloak refuses (malformed ELF, wrong machine, does not fit in RAM).</summary>
    public const int BadInput = 65;
    /// <summary>An input file that cannot be opened.</summary>
    public const int NoInput = 66;
    /// <summary>A tool or part of Cloak that is needed is missing or cannot be built (cloak cc: the RISC-V compiler, picolibc, make, the guest runtime).</summary>
    public const int Unavailable = 69;
    /// <summary>Cloak itself failed (a bug), or a user's adversary threw: the message says which and where.</summary>
    public const int InternalError = 70;
    /// <summary>--max-instructions was reached before the program ended.</summary>
    public const int InstructionLimit = 124;
    /// <summary>The program stopped in a way that cannot continue: wfi forever, an unsupported host call.</summary>
    public const int GuestStuck = 125;
    /// <summary>The program took a trap with no handler installed.</summary>
    public const int GuestFault = 126;
    /// <summary>Interrupted by Ctrl-C.</summary>
    public const int Interrupted = 130;
}
