using Cloak.Chip.Bus.Devices;
using Cloak.Chip.Cpu;
using Cloak.Chip.Tests.Support;
using Cloak.Isa;

namespace Cloak.Chip.Tests;

/// <summary>
/// Stores the host must see at once: a watched DRAM address (Spike's HTIF tohost) and devices such
/// as the test finisher stop the run with <see cref="StopReason.Attention"/> right after the store
/// retires.
/// </summary>
public class AttentionTests
{
    private const ulong ToHost = TestMachine.DataBase + 0x2000;

    [Theory]
    [InlineData("sd a2,0(a1)")]
    [InlineData("sw a2,4(a1)")]
    [InlineData("amoor.d a0,a2,(a1)")]
    [InlineData("sc.d a0,a2,(a1)")]
    public void A_store_to_a_watched_page_stops_the_run_right_after_it(string store)
    {
        var m = new TestMachine();
        m.Bus.Watch(ToHost);
        m[Reg.A1] = ToHost;
        m[Reg.A2] = 0x1;
        m.Load(TestMachine.CodeBase, "lr.d a3,(a1)", store, "addi a3,zero,9", "ecall");
        var result = m.Run();
        Assert.Equal(new RunResult(StopReason.Attention, 2), result);
        Assert.Equal(TestMachine.CodeBase + 8, m.Pc);
        Assert.NotEqual(0UL, m.ReadU64(ToHost));
        Assert.True(m.Bus.AttentionRequested);

        m.Bus.ClearAttention();
        m.RunToEcall();
        Assert.Equal(9UL, m[Reg.A3]);
    }

    [Fact]
    public void Repeated_stores_to_a_watched_page_stop_every_time()
    {
        var m = new TestMachine();
        m.Bus.Watch(ToHost);
        m[Reg.A1] = ToHost;
        m.Load(TestMachine.CodeBase, "loop:", "addi a2,a2,1", "sd a2,0(a1)", "jal zero,loop");
        for (ulong i = 1; i <= 3; i++)
        {
            Assert.Equal(StopReason.Attention, m.Run().Reason);
            Assert.Equal(i, m.ReadU64(ToHost));
            m.Bus.ClearAttention();
        }
    }

    [Fact]
    public void Loads_from_a_watched_page_do_not_stop_the_run()
    {
        var m = new TestMachine();
        m.Bus.Watch(ToHost);
        m.WriteU64(ToHost, 5);
        m[Reg.A1] = ToHost;
        m.Execute("ld a0,0(a1)", "ld a0,0(a1)");
        Assert.Equal(5UL, m[Reg.A0]);
    }

    [Fact]
    public void A_write_to_the_test_finisher_stops_the_run_with_its_exit_code()
    {
        var m = new TestMachine();
        var finisher = new TestFinisher(m.Bus);
        m.Bus.Attach(0x10_0000, finisher);
        m[Reg.A1] = 0x10_0000;
        m[Reg.A2] = 3 << 16 | 0x3333;
        m.Load(TestMachine.CodeBase, "sw a2,0(a1)", "ecall");
        Assert.Equal(new RunResult(StopReason.Attention, 1), m.Run());
        Assert.Equal(3, finisher.ExitCode);
    }

    [Fact]
    public void A_page_watched_after_the_hart_already_stored_to_it_still_stops_the_run()
    {
        var m = new TestMachine();
        m[Reg.A1] = ToHost;
        m.Load(TestMachine.CodeBase, "sd a2,0(a1)", "sd a2,8(a1)", "ecall", "addi a2,zero,1", "sd a2,0(a1)", "ecall");
        m.RunToEcall();
        m.Bus.Watch(ToHost);
        m.Pc = TestMachine.CodeBase + 12;
        Assert.Equal(StopReason.Attention, m.Run().Reason);
        Assert.Equal(1UL, m.ReadU64(ToHost));
    }
}
