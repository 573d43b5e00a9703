using Cloak.Elf;
using Cloak.Os;

namespace Cloak.Fuzz;

/// <summary>The OS-model part of the ELF and sealed-image targets: start one registered program and run it under the watchdog.</summary>
internal static class UserProgramRun
{
    /// <summary>
    /// Registers (with <paramref name="register"/>) and starts program <paramref name="name"/>, then runs
    /// the machine to its end. False if it was refused before it ran: a malformed image
    /// (<see cref="ElfFormatException"/>) or the kernel's "out of memory", both documented refusals.
    /// </summary>
    public static bool StartAndRun(OsMachine machine, string name, Action register)
    {
        try
        {
            register();
            machine.Start(name);
        }
        catch (ElfFormatException)
        {
            return false;
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("out of memory", StringComparison.Ordinal))
        {
            return false;
        }
        Watchdog.Run(token => machine.Run(token));
        return true;
    }
}
