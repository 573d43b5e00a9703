using Cloak.Attestation;
using Cloak.Demo;
using Cloak.Isa;

namespace Cloak.Tests.Sharing;

/// <summary>
/// The attested exchange (docs/attestation.md): M3 authenticated by the chip's attestation reports
/// instead of signing keys provisioned into the images. Each side's report binds its exchange key and
/// answers the peer's nonce; each side checks the peer's report before it derives a key.
/// </summary>
public sealed class AttestedExchangeTests
{
    [Theory]
    [InlineData(ShareMethod.M3, false)]
    [InlineData(ShareMethod.M3, true)]
    [InlineData(ShareMethod.M4, false)]
    public void An_attested_exchange_shares_correctly_after_both_sides_verified_the_peers_report(ShareMethod method, bool authenticated)
    {
        var result = Scenarios.Run(method, Attack.None, authenticated, attested: true);

        ShareAssert.Verdict(Verdict.SharedCorrectly, result);
        foreach (var process in new[] { result.Owner(), result.Client(1) })
        {
            ShareAssert.HasStepSaying(result, process, "6 (attested)", "verified the peer's report");
            ShareAssert.HasStep(result, process, "3(d)/6 (attested)");
        }
        // No signing key or measurement was provisioned: nothing but the program went into the images.
        ShareAssert.HasNoStep(result, result.Owner(), "6");
    }

    [Fact]
    public void The_reports_the_processes_sent_verify_on_the_host_and_bind_each_sides_measurement_and_nonce()
    {
        var result = Scenarios.Run(ShareMethod.M3, Attack.None, attested: true);
        var verifier = new ReportVerifier(result.ChipPublicKey);

        var owner = result.Reports.Single(r => r.Sender == "owner");
        var client = result.Reports.Single(r => r.Sender == "client 1");
        foreach (var sent in new[] { owner, client })
        {
            var verdict = verifier.Verify(sent.Report, new ReportPolicy { Measurement = result.OwnerMeasurement });
            Assert.True(verdict.Accepted, $"{sent.Sender}: {verdict.Message}");
            Assert.Equal("share.1", sent.Channel);
        }
        Assert.True(AttestationReport.TryParse(owner.Report, out var o, out _));
        Assert.True(AttestationReport.TryParse(client.Report, out var c, out _));
        // One program for both roles, so one measurement; each side's own key and a nonce of its peer's.
        Assert.Equal(o.Measurement, c.Measurement);
        Assert.NotEqual(o.UserData, c.UserData);
        Assert.NotEqual(o.Nonce, c.Nonce);
    }

    [Theory]
    [InlineData(Attack.Mitm, "it binds another exchange key than the one received")]
    [InlineData(Attack.Impostor, "the peer is a different program")]
    [InlineData(Attack.ReportReplay, "not fresh")]
    public void Each_attack_on_the_attested_exchange_is_refused_for_its_own_reason_with_no_key_and_no_region(Attack attack, string reason)
    {
        var result = Scenarios.Run(ShareMethod.M3, attack, attested: true);
        var owner = result.Owner();

        ShareAssert.Verdict(Verdict.AttackDetected, result);
        ShareAssert.HasStepSaying(result, owner, "6 (attested)", reason);
        ShareAssert.HasNoStep(result, owner, "3(d)/6 (attested)");
        ShareAssert.HasNoStep(result, owner, "1(c)/3(e)/4/8(b)");
        Assert.Equal(3, owner.ExitCode);
    }

    [Fact]
    public void A_debuggable_peer_is_refused_for_being_debuggable_although_it_is_the_same_program()
    {
        var result = Scenarios.Run(ShareMethod.M3, Attack.Debuggable, attested: true);

        ShareAssert.Verdict(Verdict.AttackDetected, result);
        ShareAssert.HasStepSaying(result, result.Owner(), "6 (attested)", "the peer runs a debuggable image");
        var sent = result.Reports.Single(r => r.Sender == "client 1");
        Assert.True(AttestationReport.TryParse(sent.Report, out var report, out _));
        Assert.True(report.Debuggable);
    }
}
