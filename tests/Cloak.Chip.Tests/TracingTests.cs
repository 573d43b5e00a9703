using System.Globalization;
using System.Text;
using Cloak.Chip.Cpu;
using Cloak.Chip.Tests.Support;
using Cloak.Isa;

namespace Cloak.Chip.Tests;

/// <summary>
/// The commit log (<see cref="Hart.Tracer"/>): every retired instruction exactly once, with its pc,
/// bits, destination register and memory accesses; traps reported separately; identical runs give
/// identical traces.
/// </summary>
public class TracingTests
{
    private sealed class RecordingTracer : IInstructionTracer
    {
        public List<RetiredInstruction> Retired { get; } = [];
        public List<(Trap Trap, ulong Pc)> Traps { get; } = [];

        void IInstructionTracer.Retired(in RetiredInstruction instruction) => Retired.Add(instruction);
        void IInstructionTracer.TrapTaken(Trap trap, ulong pc) => Traps.Add((trap, pc));

        public string Text()
        {
            var text = new StringBuilder();
            foreach (var r in Retired)
            {
                text.Append(CultureInfo.InvariantCulture, $"{r.Pc:x} {r.Bits:x8} {r.Privilege} x{r.Rd}={r.RdValue:x}");
                foreach (var a in r.Accesses)
                    text.Append(CultureInfo.InvariantCulture, $" [{(a.IsWrite ? 'W' : 'R')} {a.VirtualAddress:x}/{a.PhysicalAddress:x} {a.Size} {a.Value:x}]");
                text.Append('\n');
            }
            foreach (var (trap, pc) in Traps) text.Append(CultureInfo.InvariantCulture, $"trap {trap.Cause} {trap.Tval:x} at {pc:x}\n");
            return text.ToString();
        }
    }

    private static (TestMachine M, RecordingTracer Tracer) Traced(HartOptions? options = null)
    {
        var m = new TestMachine(options);
        var tracer = new RecordingTracer();
        m.Hart.Tracer = tracer;
        return (m, tracer);
    }

    [Fact]
    public void Each_retired_instruction_is_reported_once_with_pc_bits_rd_and_accesses()
    {
        var (m, tracer) = Traced();
        const ulong b = TestMachine.CodeBase;
        m[Reg.A1] = TestMachine.DataBase;
        m.Execute("addi a0,zero,5", "sd a0,8(a1)", "ld a2,8(a1)", "c.addi a2,1", "beq zero,zero,80000012", "sw a2,12(a1)");

        Assert.Equal(6, tracer.Retired.Count);
        Assert.Equal(new[] { b, b + 4, b + 8, b + 12, b + 14, b + 18 }, tracer.Retired.Select(r => r.Pc));
        Assert.Equal(TestMachine.Encode("addi a0,zero,5"), tracer.Retired[0].Bits);
        Assert.Equal(TestMachine.Encode("c.addi a2,1"), tracer.Retired[3].Bits);

        Assert.Equal((10, 5UL), (tracer.Retired[0].Rd, tracer.Retired[0].RdValue));
        Assert.Empty(tracer.Retired[0].Accesses);
        Assert.Equal(new MemoryAccess(TestMachine.DataBase + 8, TestMachine.DataBase + 8, 8, 5, IsWrite: true), Assert.Single(tracer.Retired[1].Accesses));
        Assert.Equal(new MemoryAccess(TestMachine.DataBase + 8, TestMachine.DataBase + 8, 8, 5, IsWrite: false), Assert.Single(tracer.Retired[2].Accesses));
        Assert.Equal((12, 5UL), (tracer.Retired[2].Rd, tracer.Retired[2].RdValue));
        Assert.Equal((12, 6UL), (tracer.Retired[3].Rd, tracer.Retired[3].RdValue));
        Assert.Equal(0, tracer.Retired[4].Rd);
        Assert.Equal(new MemoryAccess(TestMachine.DataBase + 12, TestMachine.DataBase + 12, 4, 6, IsWrite: true), Assert.Single(tracer.Retired[5].Accesses));
        Assert.All(tracer.Retired, r => Assert.Equal(Privilege.Machine, r.Privilege));
    }

    [Fact]
    public void The_ecall_that_ends_a_program_is_reported_as_a_trap_not_as_retired()
    {
        var (m, tracer) = Traced();
        m.Execute("addi a0,zero,1");
        Assert.Single(tracer.Retired);
        var (trap, pc) = Assert.Single(tracer.Traps);
        Assert.Equal(TrapCause.EnvironmentCallFromMMode, trap.Cause);
        Assert.Equal(TestMachine.CodeBase + 4, pc);
    }

    [Fact]
    public void A_faulting_instruction_is_not_reported_as_retired_and_its_accesses_are_dropped()
    {
        var (m, tracer) = Traced();
        m[Reg.A1] = 0x1000;
        m.Load(TestMachine.CodeBase, "addi a0,zero,1", "ld a2,0(a1)", "addi a0,zero,2");
        m.RunExpectingTrap(TrapCause.LoadAccessFault, tval: 0x1000);
        Assert.Single(tracer.Retired);
        Assert.Equal(TrapCause.LoadAccessFault, Assert.Single(tracer.Traps).Trap.Cause);
    }

    [Fact]
    public void An_illegal_instruction_is_not_reported_as_retired()
    {
        var (m, tracer) = Traced();
        m.Load(TestMachine.CodeBase, ".4byte 0x0000000b");
        m.RunExpectingTrap(TrapCause.IllegalInstruction);
        Assert.Empty(tracer.Retired);
    }

    [Fact]
    public void The_trace_shows_virtual_and_physical_addresses_and_the_privilege()
    {
        var (m, tracer) = Traced();
        var tables = m.EnablePaging();
        tables.Map4K(0x1_0000, TestMachine.CodeBase, Pte.Execute | Pte.User);
        tables.Map4K(0x2_0000, TestMachine.DataBase, Pte.Read | Pte.Write | Pte.User);
        m[Reg.A1] = 0x2_0000;
        m.EnterUserMode(0x1_0000);
        m.Execute("sw a1,4(a1)");
        var retired = Assert.Single(tracer.Retired);
        Assert.Equal(0x1_0000UL, retired.Pc);
        Assert.Equal(Privilege.User, retired.Privilege);
        Assert.Equal(new MemoryAccess(0x2_0004, TestMachine.DataBase + 4, 4, 0x2_0000, IsWrite: true), Assert.Single(retired.Accesses));
    }

    [Fact]
    public void A_traced_run_computes_the_same_results_as_an_untraced_one()
    {
        static TestMachine Run(bool traced)
        {
            var m = new TestMachine();
            if (traced) m.Hart.Tracer = new RecordingTracer();
            m[Reg.A1] = TestMachine.DataBase;
            m[Reg.T0] = TestMachine.Encode("addi a0,a0,100");
            m[Reg.T1] = TestMachine.CodeBase + 8;
            m.Execute(
                "addi s0,zero,20",
                "loop:",
                "ld a2,0(a1)",
                "addi a0,a0,1",      // patched to +100 after the first pass
                "add a2,a2,a0",
                "sd a2,0(a1)",
                "sw t0,0(t1)",
                "amoadd.d a3,s0,(a1)",
                "addi s0,s0,-1",
                "bne s0,zero,loop",
                "csrrs a4,minstret,zero");
            return m;
        }

        var plain = Run(traced: false);
        var traced = Run(traced: true);
        for (int r = 1; r < 32; r++) Assert.Equal(plain.Hart.GetRegister(r), traced.Hart.GetRegister(r));
        Assert.Equal(plain.ReadU64(TestMachine.DataBase), traced.ReadU64(TestMachine.DataBase));
        Assert.Equal(plain.Hart.InstructionsRetired, traced.Hart.InstructionsRetired);
        Assert.Equal(((RecordingTracer)traced.Hart.Tracer!).Retired.Count, (int)traced.Hart.InstructionsRetired);
    }

    [Fact]
    public void The_same_program_run_twice_gives_the_same_trace()
    {
        static string TraceOf()
        {
            var (m, tracer) = Traced(new HartOptions());
            m.SetCsr(CsrAddress.Mtvec, TestMachine.CodeBase + 0x200);
            m.Clint.Mtimecmp = 3;
            m.SetCsr(CsrAddress.Mie, Hart.InterruptMti);
            m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMie);
            m[Reg.A1] = TestMachine.DataBase;
            m.Load(TestMachine.CodeBase,
                "addi s0,zero,40",
                "loop:",
                "ld a2,0(a1)",
                "add a2,a2,s0",
                "sd a2,0(a1)",
                "csrrs a3,mcycle,zero",
                "addi s0,s0,-1",
                "bne s0,zero,loop",
                "csrrw zero,mtvec,zero",
                "ecall");
            // The timer handler pushes the timer away and returns.
            m[Reg.T0] = TestMachine.ClintBase + 0x4000;
            m[Reg.T1] = 1000;
            m.Load(TestMachine.CodeBase + 0x200, "sd t1,0(t0)", "addi a5,a5,1", "mret");
            Assert.Equal(StopReason.UnhandledTrap, m.Run().Reason);
            Assert.Equal(1UL, m[Reg.A5]);
            return tracer.Text();
        }

        string first = TraceOf(), second = TraceOf();
        Assert.Equal(first, second);
        Assert.Contains("trap MachineTimerInterrupt", first, StringComparison.Ordinal);
    }

    [Fact]
    public void Detaching_the_tracer_returns_to_normal_execution()
    {
        var (m, tracer) = Traced();
        m.Execute("addi a0,zero,1");
        m.Hart.Tracer = null;
        m.Pc = TestMachine.CodeBase;
        m.Execute("addi a0,zero,2", "addi a0,a0,1");
        Assert.Single(tracer.Retired);
        Assert.Equal(3UL, m[Reg.A0]);
    }

    [Fact]
    public void A_completed_semihosting_ebreak_is_counted_like_any_retired_instruction()
    {
        // CompleteSemihostingCall retires the ebreak (minstret counts it), so the commit log should show it.
        var (m, tracer) = Traced();
        m.Load(TestMachine.CodeBase, "slli zero,zero,0x1f", "ebreak", "srai zero,zero,0x7", "ecall");
        Assert.Equal(StopReason.Semihosting, m.Run().Reason);
        m.Hart.CompleteSemihostingCall();
        m.RunToEcall();
        Assert.Equal(3UL, m.Hart.InstructionsRetired);
        Assert.Equal(new[] { TestMachine.CodeBase, TestMachine.CodeBase + 4, TestMachine.CodeBase + 8 }, tracer.Retired.Select(r => r.Pc));
    }
}
