using System.Text.RegularExpressions;
using Cloak.Tests.Support;

namespace Cloak.Tests.Cli;

/// <summary>
/// <c>cloak attest verify</c>'s exit codes (docs/attestation.md, "The command line"): 0 for a report
/// that verifies and meets the policy, 1 for a well-formed report that fails a check, 65 for a file that
/// is not a report (or a key that is not a key), 66 for a file that cannot be read, 2 for a malformed
/// hex value; each failure with its one line on stderr. The reports come from real runs of
/// <c>cloak demo m3 --attested --save-reports</c>, one without attack and one where the OS runs a
/// debuggable sealing as the client.
/// </summary>
public sealed partial class AttestVerifyCliTests : IClassFixture<AttestVerifyCliTests.SavedReports>
{
    /// <summary>Reports saved from two attested runs, and another chip's public key.</summary>
    public sealed partial class SavedReports : IDisposable
    {
        private readonly TempDirectory _folder = new();

        public string Path => _folder.Path;

        /// <summary>The owner's measurement, as the run printed it.</summary>
        public string OwnerMeasurement { get; }

        public SavedReports()
        {
            var run = CliRunner.RunInAsync(Path, "demo", "m3", "--attested", "--attack", "none", "--save-reports", "reports").GetAwaiter().GetResult();
            CliAssert.ExitCode(0, run);
            OwnerMeasurement = MeasurementLine().Match(run.StdoutText) is { Success: true } m ? m.Groups[1].Value
                : throw new InvalidOperationException($"the demo did not print the owner's measurement: {run.Describe()}");
            var debuggable = CliRunner.RunInAsync(Path, "demo", "m3", "--attested", "--attack", "debuggable", "--save-reports", "debuggable").GetAwaiter().GetResult();
            if (!File.Exists(System.IO.Path.Combine(Path, "debuggable", "client-1.report")))
                throw new InvalidOperationException($"the debuggable run saved no client report: {debuggable.Describe()}");
            Directory.CreateDirectory(System.IO.Path.Combine(Path, "other"));
            CliAssert.ExitCode(0, CliRunner.RunInAsync(Path, "keygen", "-o", "other/chip").GetAwaiter().GetResult());
        }

        public void Dispose() => _folder.Dispose();

        [GeneratedRegex("the owner's measurement ([0-9a-f]{64})")]
        private static partial Regex MeasurementLine();
    }

    private readonly SavedReports _saved;

    public AttestVerifyCliTests(SavedReports saved) => _saved = saved;

    private Task<ProcessResult> Verify(params string[] arguments) => CliRunner.RunInAsync(_saved.Path, ["attest", "verify", .. arguments]);

    /// <summary>A copy of the owner's report with <paramref name="change"/> applied, saved under <paramref name="name"/>.</summary>
    private string ChangedReport(string name, Func<byte[], byte[]> change)
    {
        byte[] report = File.ReadAllBytes(Path.Combine(_saved.Path, "reports", "owner.report"));
        File.WriteAllBytes(Path.Combine(_saved.Path, name), change(report));
        return name;
    }

    [Fact]
    public async Task A_report_from_a_run_verifies_against_its_chip_and_the_owners_measurement_with_exit_0()
    {
        var result = await Verify("reports/owner.report", "--chip-public", "reports/chip.pub", "--measurement", _saved.OwnerMeasurement);
        CliAssert.ExitCode(0, result);
        Assert.Contains($"measurement {_saved.OwnerMeasurement}", result.StdoutText, StringComparison.Ordinal);
        Assert.Contains("verified: signed by the chip, the expected measurement, not debuggable", result.StdoutText, StringComparison.Ordinal);
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task A_report_checked_against_another_measurement_is_refused_with_exit_1()
    {
        var result = await Verify("reports/owner.report", "--chip-public", "reports/chip.pub", "--measurement", new string('0', 64));
        CliAssert.ExitCode(1, result);
        CliAssert.OneErrorLine(result, "report refused", "another program", _saved.OwnerMeasurement);
        Assert.DoesNotContain("verified", result.StdoutText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_report_with_a_changed_signature_is_refused_with_exit_1()
    {
        string tampered = ChangedReport("tampered.report", r => { r[^1] ^= 0x01; return r; });
        var result = await Verify(tampered, "--chip-public", "reports/chip.pub");
        CliAssert.ExitCode(1, result);
        CliAssert.OneErrorLine(result, "report refused", "signature does not verify");
    }

    [Fact]
    public async Task A_report_with_a_changed_measurement_is_refused_by_the_signature_with_exit_1()
    {
        // Byte 40 is the first of the measurement: the signature covers it.
        string tampered = ChangedReport("remeasured.report", r => { r[40] ^= 0x80; return r; });
        var result = await Verify(tampered, "--chip-public", "reports/chip.pub");
        CliAssert.ExitCode(1, result);
        CliAssert.OneErrorLine(result, "report refused", "signature does not verify");
    }

    [Fact]
    public async Task A_report_checked_against_another_chips_key_is_refused_with_exit_1()
    {
        var result = await Verify("reports/owner.report", "--chip-public", "other/chip.pub");
        CliAssert.ExitCode(1, result);
        CliAssert.OneErrorLine(result, "report refused", "made by another chip");
    }

    [Fact]
    public async Task A_debuggable_processs_report_is_refused_with_exit_1_unless_the_policy_allows_it()
    {
        var refused = await Verify("debuggable/client-1.report", "--chip-public", "debuggable/chip.pub");
        CliAssert.ExitCode(1, refused);
        Assert.Contains("debuggable  yes", refused.StdoutText, StringComparison.Ordinal);
        CliAssert.OneErrorLine(refused, "report refused", "sealed debuggable");

        var allowed = await Verify("debuggable/client-1.report", "--chip-public", "debuggable/chip.pub", "--allow-debuggable");
        CliAssert.ExitCode(0, allowed);
        Assert.Contains("(debuggable, allowed)", allowed.StdoutText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_report_is_bad_input_with_exit_65()
    {
        string truncated = ChangedReport("truncated.report", r => r[..100]);
        var result = await Verify(truncated, "--chip-public", "reports/chip.pub");
        CliAssert.ExitCode(65, result);
        CliAssert.OneErrorLine(result, truncated);
        Assert.Equal("", result.StdoutText);
    }

    [Fact]
    public async Task A_file_that_is_not_a_report_is_bad_input_with_exit_65()
    {
        string text = ChangedReport("text.report", r => [.. System.Text.Encoding.ASCII.GetBytes(new string('A', r.Length))]);
        var result = await Verify(text, "--chip-public", "reports/chip.pub");
        CliAssert.ExitCode(65, result);
        CliAssert.OneErrorLine(result, text);
    }

    [Fact]
    public async Task A_chip_key_file_that_is_not_a_key_is_bad_input_with_exit_65()
    {
        var result = await Verify("reports/owner.report", "--chip-public", "reports/owner.report");
        CliAssert.ExitCode(65, result);
        CliAssert.OneErrorLine(result, "reports/owner.report");
    }

    [Fact]
    public async Task A_missing_report_file_cannot_be_opened_with_exit_66()
    {
        var result = await Verify("reports/nobody.report", "--chip-public", "reports/chip.pub");
        CliAssert.ExitCode(66, result);
        CliAssert.OneErrorLine(result, "reports/nobody.report", "no such file");
    }

    [Fact]
    public async Task A_missing_chip_key_file_cannot_be_opened_with_exit_66()
    {
        var result = await Verify("reports/owner.report", "--chip-public", "reports/nobody.pub");
        CliAssert.ExitCode(66, result);
        CliAssert.OneErrorLine(result, "reports/nobody.pub", "no such file");
    }

    [Fact]
    public async Task A_measurement_that_is_not_64_hex_digits_is_a_usage_error_with_exit_2()
    {
        var result = await Verify("reports/owner.report", "--chip-public", "reports/chip.pub", "--measurement", "abc");
        CliAssert.ExitCode(2, result);
        CliAssert.OneErrorLine(result, "--measurement", "64 hex digits");
    }
}
