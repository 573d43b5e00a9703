using System.Globalization;
using System.Text.RegularExpressions;
using Cloak.Demo;

namespace Cloak.Tests.Sharing;

/// <summary>
/// Beyond the verdict: each attack did what it set out to do, and was stopped (or succeeded) for the
/// reason docs/attacks.md gives. Uses the same runs as <see cref="AttackMatrixTests"/>.
/// </summary>
public sealed partial class AttackDetailTests
{
    public static TheoryData<ShareMethod, bool, bool> EveryConfigurationInBothModes()
    {
        var rows = new TheoryData<ShareMethod, bool, bool>();
        // The attested configurations have their own checks (AttestedExchangeTests).
        foreach (var c in Configuration.All.Where(c => !c.Attested))
            foreach (bool authenticated in new[] { false, true })
                rows.Add(c.Method, c.Signed, authenticated);
        return rows;
    }

    public static TheoryData<ShareMethod, bool> EveryConfiguration()
    {
        var rows = new TheoryData<ShareMethod, bool>();
        foreach (var c in Configuration.All.Where(c => !c.Attested)) rows.Add(c.Method, c.Signed);
        return rows;
    }

    [Theory]
    [MemberData(nameof(EveryConfigurationInBothModes))]
    public void A_snooping_OS_never_finds_the_shared_plaintext_in_DRAM_swap_messages_or_on_the_bus(ShareMethod method, bool signed, bool authenticated)
    {
        var result = Scenarios.Run(method, Attack.Snoop, authenticated, signed);

        Assert.Contains("searched for \"SECRET record\": never seen", result.Explanation, StringComparison.Ordinal);
        Assert.True(result.Run.Chip!.Encryption.LinesEncrypted > 0, "the run wrote no protected line back to DRAM: the snoop had nothing to look at");
    }

    [Theory]
    [MemberData(nameof(EveryConfigurationInBothModes))]
    public void A_spy_given_a_clients_shared_frames_reads_only_ciphertext(ShareMethod method, bool signed, bool authenticated)
    {
        var result = Scenarios.Run(method, Attack.Remap, authenticated, signed);

        Match mapped = FramesMapped().Match(result.Explanation);
        Assert.True(mapped.Success && int.Parse(mapped.Groups[1].Value, CultureInfo.InvariantCulture) > 0,
            $"the OS mapped none of the client's frames into the spy: {result.Explanation}");
        var spy = result.Spy();
        Assert.NotNull(spy);
        string? seen = result.LinesOf(spy).FirstOrDefault(l => l.StartsWith("SPY ", StringComparison.Ordinal));
        Assert.True(seen is not null, $"the spy printed nothing\n{result.Describe()}");
        Assert.DoesNotContain("SECRET", seen, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(EveryConfigurationInBothModes))]
    public void A_man_in_the_middle_wins_only_against_an_unauthenticated_key_exchange(ShareMethod method, bool signed, bool authenticated)
    {
        var result = Scenarios.Run(method, Attack.Mitm, authenticated, signed);
        var owner = result.Owner();

        if (method == ShareMethod.M1)
        {
            // The common key came inside the sealed images: there is no exchange to get between.
            Assert.Contains("no key exchange crossed the OS", result.Explanation, StringComparison.Ordinal);
            ShareAssert.HasNoStep(result, owner, "3(c)/9(d2)");
        }
        else if (method == ShareMethod.M3 || signed)
        {
            // The forged public keys break the peer's signature over the transcript: no key, no region.
            ShareAssert.HasStepSaying(result, owner, "6", "did NOT verify");
            ShareAssert.HasNoStep(result, owner, "3(d)/6");
            // M3 makes its region only after the exchange; signed M4/M5 make it first but never hand out its key.
            if (method == ShareMethod.M3) ShareAssert.HasNoStep(result, owner, "1(c)/3(e)/4/8(b)");
            ShareAssert.HasNoStep(result, owner, "8(e)");
            Assert.DoesNotContain("SECRET", result.Explanation, StringComparison.Ordinal);
        }
        else
        {
            // SPEC R5: the OS holds the keys both sides derived and reads the region out of DRAM.
            Assert.Contains("decrypted the shared region from DRAM: \"SECRET record", result.Explanation, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(ShareMethod.M4)]
    [InlineData(ShareMethod.M5)]
    public void In_confidentiality_mode_the_man_in_the_middle_relays_the_key_so_the_group_runs_on_unaware(ShareMethod method)
    {
        var result = Scenarios.Run(method, Attack.Mitm);

        Assert.Contains("re-encrypted 3 of them for the clients", result.Explanation, StringComparison.Ordinal);
        ShareAssert.PrintedLine(result, result.Owner(), "RESULT shared correctly");
    }

    [Theory]
    [InlineData(ShareMethod.M4)]
    [InlineData(ShareMethod.M5)]
    public void In_authenticated_mode_the_man_in_the_middle_reads_the_key_but_cannot_forge_the_clients_notifications(ShareMethod method)
    {
        var result = Scenarios.Run(method, Attack.Mitm, authenticated: true);

        Assert.Contains("authenticated memory kept it from forging the clients' copies", result.Explanation, StringComparison.Ordinal);
        for (int i = 1; i <= 3; i++)
            ShareAssert.PrintedLine(result, result.Client(i), $"client {i}: receive the common key: an unexpected or malformed message");
    }

    [Theory]
    [MemberData(nameof(EveryConfiguration))]
    public void Without_integrity_a_flipped_bit_or_replayed_page_reaches_the_clients_unnoticed(ShareMethod method, bool signed)
    {
        foreach (var attack in new[] { Attack.Tamper, Attack.Replay })
        {
            var result = Scenarios.Run(method, attack, authenticated: false, signed);

            int bad = BadRecordsSeenByClients(result);
            Assert.True(bad > 0, $"{attack}: the clients saw no wrong record\n{result.Describe()}");
            Assert.True(result.Processes.All(p => p.KillReason is null), $"{attack}: nothing should have been caught\n{result.Describe()}");
            ShareAssert.PrintedLine(result, result.Owner(), "RESULT sharing failed");
        }
    }

    [Theory]
    [MemberData(nameof(EveryConfiguration))]
    public void In_authenticated_memory_a_flipped_bit_or_replayed_page_is_an_integrity_fault(ShareMethod method, bool signed)
    {
        foreach (var attack in new[] { Attack.Tamper, Attack.Replay })
        {
            var result = Scenarios.Run(method, attack, authenticated: true, signed);

            // In M5 the removed client (the last) faults on the re-keyed region anyway; someone else must catch the attack.
            var members = result.Clients().SkipLast(method == ShareMethod.M5 ? 1 : 0).Prepend(result.Owner());
            Assert.True(members.Any(p => p.KillReason?.Contains("integrity fault", StringComparison.Ordinal) == true),
                $"{attack}: no group member was stopped by an integrity fault\n{result.Describe()}");
            Assert.True(result.Run.Chip!.Encryption.MacFailures > 0, $"{attack}: the chip counted no MAC failure");
        }
    }

    [Theory]
    [MemberData(nameof(EveryConfigurationInBothModes))]
    public void A_modified_saved_context_is_refused_when_the_OS_resumes_it(ShareMethod method, bool signed, bool authenticated)
    {
        var result = Scenarios.Run(method, Attack.Context, authenticated, signed);

        var refused = result.Clients().Where(p => p.KillReason?.Contains("refused to resume its saved context", StringComparison.Ordinal) == true).ToList();
        Assert.True(refused.Count == 1, $"expected exactly one client refused\n{result.Describe()}");
        Assert.Equal(1UL, result.Run.Chip!.Protection.ContextsRefused);
    }

    /// <summary>The owner's tally: "owner: 3 rounds, N bad records seen by clients, ...".</summary>
    private static int BadRecordsSeenByClients(ScenarioResult result)
    {
        Match m = result.LinesOf(result.Owner()).Select(l => BadRecords().Match(l)).FirstOrDefault(m => m.Success) ?? Match.Empty;
        Assert.True(m.Success, $"the owner printed no tally\n{result.Describe()}");
        return int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"mapped (\d+) frames")]
    private static partial Regex FramesMapped();

    [GeneratedRegex(@"^owner: \d+ rounds, (\d+) bad records seen by clients")]
    private static partial Regex BadRecords();
}
