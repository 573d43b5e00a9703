using Cloak.Demo;
using Cloak.Tests.Support;

namespace Cloak.Tests.Sharing;

/// <summary>
/// The attack matrix (docs/attacks.md): every sharing method, under every attack the untrusted OS
/// makes, in both memory modes, ends with the verdict the table in <see cref="AttackTable"/> says;
/// and in none of them did DRAM hold the shared plaintext where a process read it.
/// </summary>
public sealed class AttackMatrixTests
{
    public static TheoryData<string, Attack, bool, Verdict> EveryCell()
    {
        var rows = new TheoryData<string, Attack, bool, Verdict>();
        foreach (var (configuration, attack, authenticated, expected) in AttackTable.All)
            rows.Add(configuration.Name, attack, authenticated, expected);
        return rows;
    }

    public static TheoryData<string, Attack, bool, Verdict> EveryAttestedCell()
    {
        var rows = new TheoryData<string, Attack, bool, Verdict>();
        foreach (var (configuration, attack, authenticated, expected) in AttackTable.AllAttested)
            rows.Add(configuration.Name, attack, authenticated, expected);
        return rows;
    }

    private static ScenarioResult Run(string configuration, Attack attack, bool authenticated)
    {
        var c = Configuration.All.Single(c => c.Name == configuration);
        return Scenarios.Run(c.Method, attack, authenticated, c.Signed, attested: c.Attested);
    }

    [Theory]
    [MemberData(nameof(EveryCell))]
    public void Every_method_under_every_attack_in_both_memory_modes_ends_as_the_table_says(
        string configuration, Attack attack, bool authenticated, Verdict expected)
    {
        var result = Run(configuration, attack, authenticated);

        ShareAssert.Verdict(expected, result);
    }

    [Theory]
    [MemberData(nameof(EveryAttestedCell))]
    public void An_attested_exchange_refuses_an_impostor_a_debuggable_peer_and_a_replayed_report_as_the_table_says(
        string configuration, Attack attack, bool authenticated, Verdict expected)
    {
        var result = Run(configuration, attack, authenticated);

        ShareAssert.Verdict(expected, result);
        // Refused by the attestation check itself, not by anything else that went wrong.
        Assert.True(result.Explanation.Contains("the attestation check refused the exchange", StringComparison.Ordinal), result.Describe());
    }

    [Theory]
    [MemberData(nameof(EveryCell))]
    public void Where_a_process_read_the_shared_region_DRAM_held_only_ciphertext(
        string configuration, Attack attack, bool authenticated, Verdict expected)
    {
        var result = Run(configuration, attack, authenticated);

        // The owner shows what it read of round 1 whenever the group got that far: not after a refused
        // key exchange, nor when the OS tampered with a saved context during the exchanges.
        bool gotToRoundOne = expected != Verdict.AttackDetected || attack is Attack.Tamper or Attack.Replay;
        if (gotToRoundOne)
        {
            var owner = result.Views.FirstOrDefault(v => v.Who == "owner");
            Assert.True(owner is not null, $"the owner never showed what it read\n{result.Describe()}");
            Assert.True(owner.ProcessView.AsSpan().IndexOf(ShareScenario.Marker) >= 0,
                $"the owner's own view should be the plaintext it wrote: {Convert.ToHexString(owner.ProcessView)}");
        }
        // Also under a successful man in the middle: the OS decrypted with stolen keys, but what
        // DRAM and the bus carry is still ciphertext.
        ShareAssert.OsNeverSawTheMarker(result);
    }

    [Fact]
    public void The_attack_table_in_docs_attacks_md_is_the_one_the_tests_check()
    {
        string document = File.ReadAllText(Repository.PathOf("docs/attacks.md")).ReplaceLineEndings("\n");
        foreach (string markdown in new[] { AttackTable.Markdown, AttackTable.AttestedMarkdown })
        {
            string table = string.Join('\n', markdown.Split('\n').Select(l => l.Trim()));
            Assert.True(document.Contains(table, StringComparison.Ordinal),
                $"docs/attacks.md must contain the expected-outcome table of AttackTable verbatim:\n{table}");
        }
    }

    [Fact]
    public void The_table_has_a_cell_for_every_method_attack_and_memory_mode()
    {
        var cells = AttackTable.All.ToList();

        Assert.Equal(Configuration.All.Count * AttackTable.Attacks.Count * 2, cells.Count);
        Assert.Equal(10 * 7 * 2, cells.Count);
        Assert.Equal(2 * 3 * 2, AttackTable.AllAttested.Count());
    }
}
