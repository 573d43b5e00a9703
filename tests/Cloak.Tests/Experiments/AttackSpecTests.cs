using Cloak.Attacks;
using Cloak.Experiments;
using Cloak.Kernel.Memory;

namespace Cloak.Tests.Experiments;

/// <summary>The --attack language (docs/cli.md, "Attacks on any run"): what each form means and how a wrong one is refused.</summary>
public class AttackSpecTests
{
    [Theory]
    [InlineData("snoop", AttackKind.Snoop)]
    [InlineData("MITM", AttackKind.Mitm)]
    [InlineData("remap", AttackKind.Remap)]
    public void A_bare_attack_name_needs_no_options(string text, AttackKind kind)
    {
        var spec = AttackSpec.Parse(text);
        Assert.Equal(kind, spec.Kind);
        Assert.Null(spec.Victim);
    }

    [Fact]
    public void A_tamper_names_its_victim_target_and_moment()
    {
        var spec = AttackSpec.Parse("tamper:client@shared+64,at=claim 9(d)");

        Assert.Equal(AttackKind.Tamper, spec.Kind);
        Assert.Equal("client", spec.Victim);
        Assert.Equal(new MemoryTarget(null, AreaKind.Shared, 64), spec.Target);
        Assert.Equal("claim 9(d)", spec.At!.Step);
    }

    [Fact]
    public void A_target_may_be_a_virtual_address_with_digit_separators()
    {
        var spec = AttackSpec.Parse("tamper:owner@0x1_0000");
        Assert.Equal(0x1_0000UL, spec.Target!.Address);
    }

    [Fact]
    public void A_replay_takes_capture_and_restore_moments_of_each_kind()
    {
        var spec = AttackSpec.Parse("replay:client@heap,capture=instructions:200_000,restore=switch:9");

        Assert.Equal(200_000UL, spec.Capture!.Instructions);
        Assert.Equal(9, spec.Restore!.Switch);
    }

    [Fact]
    public void A_remap_may_name_the_process_the_frames_go_into()
    {
        var spec = AttackSpec.Parse("remap:owner@shared,into=reader");
        Assert.Equal("reader", spec.Into);
        Assert.Equal(AreaKind.Shared, spec.Target!.Area);
    }

    [Theory]
    [InlineData("steal", "'steal' is not an attack")]
    [InlineData("tamper", "tamper needs a victim")]
    [InlineData("tamper:client", "tamper needs a target")]
    [InlineData("tamper:client@nowhere", "expected an address")]
    [InlineData("tamper:client@shared,when=now", "tamper has no option 'when'")]
    [InlineData("snoop:client", "snoop takes no options")]
    [InlineData("context:client@0x1000", "context takes no target address")]
    [InlineData("replay:client@shared,capture=switch:0", "switch:N needs a number from 1")]
    [InlineData("tamper:client@shared,at", "'at' should be KEY=VALUE")]
    public void A_malformed_attack_is_refused_with_a_reason(string text, string reason)
    {
        var e = Assert.Throws<FormatException>(() => AttackSpec.Parse(text));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }
}
