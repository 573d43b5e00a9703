using System.Globalization;
using Cloak.Attestation;
using Cloak.Chip.Security;
using Cloak.Isa;
using Cloak.Sealing;
using Cloak.Security.Tests.Support;

namespace Cloak.Security.Tests;

/// <summary>
/// Issue 12, docs/attestation.md: trp.attest makes a report the chip signs over the caller's
/// measurement, debuggable flag, nonce and user data; trp.verifyreport and the host's ReportVerifier
/// check it. guest/tests/secure/attest prints the report it got (nonce 0x11..., user data 0x22...) and
/// what the chip said of altered copies.
/// </summary>
public sealed class AttestationTests
{
    private static readonly byte[] Nonce = Enumerable.Repeat((byte)0x11, 32).ToArray();
    private static readonly byte[] UserData = Enumerable.Repeat((byte)0x22, 64).ToArray();

    private sealed record Attested(ChipIdentity Chip, SealedImage Image, byte[] Report, Dictionary<string, long> Checks, string Output);

    private static readonly Lazy<Attested> Normal = new(() => Run(debuggable: false));
    private static readonly Lazy<Attested> Debuggable = new(() => Run(debuggable: true));

    private static Attested Run(bool debuggable)
    {
        var scenario = new Scenario();
        var image = SealedImage.Parse(ElfSealer.Seal(Guest.Load(Guest.Secure("attest")), scenario.Identity!.PublicKey, null,
            debuggable ? (ushort)SealedImageFlags.Debuggable : (ushort)0));
        scenario.AddSealedImage("attest", image);
        scenario.Start("attest");
        var run = scenario.Run()["attest"];
        Assert.True(run is { ExitCode: 0, Killed: false }, run.ToString());
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        byte[] report = Convert.FromHexString(lines.Single(l => l.StartsWith("report ", StringComparison.Ordinal))["report ".Length..]);
        var checks = lines.Where(l => l.StartsWith("verify ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')).ToDictionary(p => p[1], p => long.Parse(p[2], CultureInfo.InvariantCulture));
        return new Attested(scenario.Identity, image, report, checks, run.Output);
    }

    private static ReportPolicy Expecting(Attested a) => new() { Measurement = a.Image.Digest, Nonce = Nonce, UserData = UserData };

    private static byte[] Flipped(byte[] report, int offset)
    {
        byte[] copy = [.. report];
        copy[offset] ^= 0x01;
        return copy;
    }

    [Fact]
    public void A_plain_process_asking_for_a_report_is_refused_with_a_status_not_a_trap()
    {
        var scenario = new Scenario();
        scenario.AddPlain("attest");
        scenario.Start("attest");
        var run = scenario.Run()["attest"];

        Assert.Equal($"attest status {(long)TrpStatus.NotProtected}\n", run.Output);
        Assert.True(run is { ExitCode: 0, Killed: false }, run.ToString());
    }

    [Fact]
    public void A_report_round_trips_with_every_field_the_chip_recorded_and_verifies_under_the_chip_key()
    {
        var a = Normal.Value;

        Assert.True(AttestationReport.TryParse(a.Report, out var report, out string error), error);
        Assert.Equal(AttestationReport.Size, a.Report.Length);
        Assert.Equal(AttestationReport.CurrentVersion, report.Version);
        Assert.False(report.Debuggable);
        Assert.Equal(a.Chip.Fingerprint, report.ChipFingerprint);
        Assert.Equal(a.Image.Digest, report.Measurement);
        Assert.Equal(Nonce, report.Nonce);
        Assert.Equal(UserData, report.UserData);
        var verdict = new ReportVerifier(a.Chip.PublicKey).Verify(a.Report, Expecting(a));
        Assert.True(verdict.Accepted, verdict.Message);
    }

    [Fact]
    public void The_chip_accepts_its_own_report_and_refuses_altered_ones_with_the_documented_status()
    {
        var checks = Normal.Value.Checks;

        Assert.Equal((long)TrpStatus.Ok, checks["intact"]);
        Assert.Equal((long)TrpStatus.BadSignature, checks["flipped-signature"]);
        Assert.Equal((long)TrpStatus.BadSignature, checks["flipped-measurement"]);
        Assert.Equal((long)TrpStatus.WrongChip, checks["other-chip"]);
        Assert.Equal((long)TrpStatus.BadDescriptor, checks["bad-magic"]);
        Assert.Equal((long)TrpStatus.BadDescriptor, checks["bad-version"]);
    }

    public static TheoryData<string, int> SignedFields => new()
    {
        { "flags", AttestationReport.OffFlags },
        { "measurement", AttestationReport.OffMeasurement + 7 },
        { "nonce", AttestationReport.OffNonce + 31 },
        { "user data", AttestationReport.OffUserData + 40 },
        { "signature", AttestationReport.OffSignature + 3 },
    };

    [Theory]
    [MemberData(nameof(SignedFields))]
    public void A_report_with_one_bit_changed_in_any_field_fails_the_signature(string field, int offset)
    {
        var a = Normal.Value;

        var verdict = new ReportVerifier(a.Chip.PublicKey).Verify(Flipped(a.Report, offset), new ReportPolicy());

        // The flags case sets the debuggable bit off-chip: the signature gives it away.
        Assert.True(verdict.Problem == ReportProblem.BadSignature, $"{field}: {verdict.Problem} {verdict.Message}");
    }

    [Fact]
    public void A_report_with_an_unknown_flag_bit_is_refused_as_malformed_before_its_signature()
    {
        var a = Normal.Value;
        byte[] changed = [.. a.Report];
        changed[AttestationReport.OffFlags] |= 0x02;

        Assert.Equal(ReportProblem.Malformed, new ReportVerifier(a.Chip.PublicKey).Verify(changed, new ReportPolicy()).Problem);
    }

    [Fact]
    public void A_report_checked_against_another_chip_is_refused_as_the_wrong_chip()
    {
        var a = Normal.Value;
        using var other = ChipIdentity.Generate();

        Assert.Equal(ReportProblem.WrongChip, new ReportVerifier(other.PublicKey).Verify(a.Report, Expecting(a)).Problem);
        // The fingerprint changed to the other chip's: now the signature gives it away.
        byte[] renamed = [.. a.Report];
        other.Fingerprint.CopyTo(renamed, AttestationReport.OffChipFingerprint);
        Assert.Equal(ReportProblem.BadSignature, new ReportVerifier(other.PublicKey).Verify(renamed, Expecting(a)).Problem);
    }

    [Fact]
    public void A_report_of_another_program_is_refused_by_its_measurement()
    {
        var a = Normal.Value;
        byte[] expected = [.. a.Image.Digest];
        expected[0] ^= 0xFF;

        var verdict = new ReportVerifier(a.Chip.PublicKey).Verify(a.Report, Expecting(a) with { Measurement = expected });

        Assert.Equal(ReportProblem.WrongMeasurement, verdict.Problem);
    }

    [Fact]
    public void A_replayed_report_is_refused_by_the_verifiers_fresh_nonce()
    {
        var a = Normal.Value;
        byte[] fresh = Enumerable.Repeat((byte)0x33, 32).ToArray();

        Assert.Equal(ReportProblem.WrongNonce, new ReportVerifier(a.Chip.PublicKey).Verify(a.Report, Expecting(a) with { Nonce = fresh }).Problem);
        Assert.Equal(ReportProblem.WrongUserData,
            new ReportVerifier(a.Chip.PublicKey).Verify(a.Report, Expecting(a) with { UserData = new byte[64] }).Problem);
    }

    [Fact]
    public void A_debuggable_image_is_reported_as_such_and_refused_unless_the_policy_allows_it()
    {
        var d = Debuggable.Value;
        Assert.True(AttestationReport.TryParse(d.Report, out var report, out _));

        Assert.True(report.Debuggable);
        Assert.Equal(d.Image.Digest, report.Measurement);
        Assert.NotEqual(Normal.Value.Image.Digest, report.Measurement);
        var verifier = new ReportVerifier(d.Chip.PublicKey);
        Assert.Equal(ReportProblem.Debuggable, verifier.Verify(d.Report, Expecting(d)).Problem);
        Assert.True(verifier.Verify(d.Report, Expecting(d) with { AllowDebuggable = true }).Accepted);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(AttestationReport.Size - 1)]
    [InlineData(AttestationReport.Size + 1)]
    public void Bytes_of_the_wrong_length_are_not_a_report(int length)
    {
        var verdict = new ReportVerifier(Normal.Value.Chip.PublicKey).Verify(new byte[length], new ReportPolicy());

        Assert.Equal(ReportProblem.Malformed, verdict.Problem);
    }

    [Fact]
    public void A_report_of_another_format_version_is_refused_as_malformed()
    {
        var a = Normal.Value;
        byte[] changed = [.. a.Report];
        changed[AttestationReport.OffVersion] = 2;

        var verdict = new ReportVerifier(a.Chip.PublicKey).Verify(changed, new ReportPolicy());

        Assert.Equal(ReportProblem.Malformed, verdict.Problem);
        Assert.Contains("version 2", verdict.Message, StringComparison.Ordinal);
    }
}
