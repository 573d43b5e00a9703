using Cloak.Chip.Cpu;
using Cloak.Isa;
using Cloak.Security.Tests.Support;

namespace Cloak.Security.Tests;

/// <summary>
/// Issue 8, item 1: the instruction tracer (a host power, like a debug port) records only what leaves
/// the chip while a protected context runs. Before, a host harness read a sealed process's secrets
/// from the trace: every protected instruction's bits, register results and load/store values.
/// </summary>
public class TracerTests
{
    /// <summary>Keeps every record, and what the hart's public register view showed during each.</summary>
    private sealed class KeepingTracer(Hart hart) : IInstructionTracer
    {
        public int Plain { get; private set; }
        public int Protected { get; private set; }
        /// <summary>Protected records with anything but zeros in pc, bits, rd or its value, or a virtual address.</summary>
        public int ProtectedShowingMore { get; private set; }
        public List<(Trap Trap, ulong Pc)> Traps { get; } = [];
        /// <summary>Every 64-bit value the trace and the register view ever showed.</summary>
        public HashSet<ulong> Values { get; } = [];

        void IInstructionTracer.Retired(in RetiredInstruction i)
        {
            if (i.Protected)
            {
                Protected++;
                if (i.Pc != 0 || i.Bits != 0 || i.Rd != 0 || i.RdValue != 0 || i.Accesses.Any(a => a.VirtualAddress != 0)) ProtectedShowingMore++;
            }
            else
            {
                Plain++;
            }
            Values.Add(i.RdValue);
            Values.Add(i.Pc);
            Values.Add(i.Bits);
            foreach (var a in i.Accesses) Values.Add(a.Value);
            // The harness has the hart in hand: what can it read of a protected context's registers?
            for (int r = 1; r < 32; r++) Values.Add(hart.GetRegister(r));
            Values.Add(hart.Pc);
        }

        void IInstructionTracer.TrapTaken(Trap trap, ulong pc)
        {
            Traps.Add((trap, pc));
            // At a trap the hart still holds the protected context: what do mepc, mtval and the last trap show?
            Values.Add(hart.Mepc);
            Values.Add(hart.Mtval);
            Values.Add(hart.ReadCsr(CsrAddress.Mepc));
            if (hart.LastTrap is { } last) Values.Add(last.Tval);
            if (hart.InEncryptedMode) MepcSeenWhileProtected |= hart.Mepc != 0 || hart.ReadCsr(CsrAddress.Mepc) != 0;
        }

        public bool MepcSeenWhileProtected { get; private set; }
    }

    private static (KeepingTracer Tracer, ScenarioResult Result) RunTraced(bool sealed_)
    {
        var scenario = new Scenario(new ScenarioOptions { RamSize = 4 << 20, MaxInstructions = 8_000_000 });
        if (sealed_) scenario.AddSealed("canary");
        else scenario.AddPlain("canary");
        var hart = scenario.Machine.Processor.Hart;
        var tracer = new KeepingTracer(hart);
        hart.Tracer = tracer;
        scenario.Start("canary", "2");
        var result = scenario.Run();
        return (tracer, result);
    }

    [Fact]
    public void A_traced_sealed_process_shows_no_pc_bits_register_or_canary_value()
    {
        var (tracer, result) = RunTraced(sealed_: true);

        Assert.True(result["canary"].ExitCode == 0, result.ToString());
        Assert.True(tracer.Protected > 20_000, $"only {tracer.Protected} protected instructions traced");
        // Plain accesses of a protected process (its bounce buffer) are listed as the bus shows them: no virtual address.
        Assert.Equal(0, tracer.ProtectedShowingMore);
        var values = tracer.Values;
        Assert.DoesNotContain(Canaries.RegisterLow, values);
        Assert.DoesNotContain(Canaries.RegisterHigh, values);
        foreach (var (name, pattern) in Canaries.InMemory)
            Assert.False(values.Contains(BitConverter.ToUInt64(pattern, 0)) || values.Contains(BitConverter.ToUInt64(pattern, 8)), $"the {name} canary is in the trace");
        Assert.All(tracer.Traps.Where(t => t.Trap.Cause == TrapCause.EnvironmentCallFromUMode), t => Assert.Equal(0UL, t.Pc));
        Assert.False(tracer.MepcSeenWhileProtected, "mepc showed a protected pc at a trap");
    }

    // The control: the same program unsealed puts its register canary in the trace, so the search above can find one.
    [Fact]
    public void A_traced_plain_process_shows_its_register_canary()
    {
        var (tracer, result) = RunTraced(sealed_: false);

        Assert.True(result["canary"].ExitCode == 0, result.ToString());
        Assert.Equal(0, tracer.Protected);
        var values = tracer.Values;
        Assert.Contains(Canaries.RegisterLow, values);
        Assert.Contains(Canaries.RegisterHigh, values);
    }
}
