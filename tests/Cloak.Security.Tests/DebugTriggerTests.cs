using Cloak.Chip.Security;
using Cloak.Isa;
using Cloak.Os;
using Cloak.Security.Tests.Support;

namespace Cloak.Security.Tests;

/// <summary>
/// Debug triggers are M-mode CSRs, so the OS (and the host) program them. A trigger that fired in a
/// protected process would tell the OS when the process reaches an address or touches a datum, so
/// none fires while a protected context runs; a plain process is stopped by its trigger as usual.
/// </summary>
public class DebugTriggerTests
{
    private const ulong Mcontrol = 2UL << 60, UserMode = 1 << 3, Execute = 4;

    /// <summary>Runs guest/user/hello with an execute trigger (U-mode) on its entry point, plain or sealed.</summary>
    private static ProcessOutcome RunHelloWithATriggerOnItsEntry(bool seal)
    {
        using var identity = ChipIdentity.Generate();
        var machine = new OsMachine(new OsMachineOptions { Identity = identity });
        string path = Guest.User("hello");
        var image = Guest.Load(path);
        if (seal) machine.Register("hello", Guest.Seal(path, identity));
        else machine.Register("hello", image);
        var hart = machine.Processor.Hart;
        hart.WriteCsr(CsrAddress.Tdata2, image.Entry);
        hart.WriteCsr(CsrAddress.Tdata1, Mcontrol | UserMode | Execute);

        machine.Start("hello");
        return machine.Run().Processes.Single();
    }

    [Fact]
    public void A_trigger_on_a_plain_process_stops_it_with_a_breakpoint_at_the_address()
    {
        var outcome = RunHelloWithATriggerOnItsEntry(seal: false);

        Assert.Equal(TrapCause.Breakpoint, outcome.FatalTrap?.Cause);
    }

    [Fact]
    public void No_trigger_fires_while_a_protected_process_runs()
    {
        var outcome = RunHelloWithATriggerOnItsEntry(seal: true);

        Assert.True(outcome.Sealed);
        Assert.Null(outcome.FatalTrap);
        Assert.Equal(0, outcome.ExitCode);
    }
}
