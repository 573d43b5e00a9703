using Cloak.Demo;
using Cloak.Os;

namespace Cloak.Tests.Sharing;

/// <summary>
/// One test per claim of the patent (reference/patent-claims.txt), the method claim and its
/// apparatus twin together (1/10, 2/11, 3/12, 4/13, 5/14, 6/15, 7/16, 8/17, 9/18): each runs the
/// scenario that carries the claim out and checks that its steps happened, through the
/// "[claim N(x)] ..." lines libcloak prints at each step (guest/lib/share.c, step()) and the chip's
/// counters. The owner and client 1 narrate; the other clients show their part by what they read.
/// docs/claims.md maps each step to the code.
/// </summary>
public sealed class ClaimTests
{
    // Narration labels, as guest/lib/share.c prints them.
    private const string HiddenRegion = "3(b)/9(d1)";
    private const string KeyGivenInAdvance = "1(a)";
    private const string KeyPairAndExchange = "3(c)/9(d2)";
    private const string KeyDerived = "3(d)/9(d3)";
    private const string AuthenticatedKeyDerived = "3(d)/6";
    private const string SignatureChecked = "6";
    private const string KeptInHiddenRegion = "3(f)/9(d5)";
    private const string OwnerMadeRegion = "1(c)/3(e)/4/8(b)";
    private const string ClientMappedRegion = "1(d)/4/8(f)";
    private const string EarSet = "1(e)/5/8(g)";
    private const string OwnerSpecifiedKey = "8(c)";
    private const string Notification = "9(d4)";
    private const string KeyNotified = "8(e)";

    [Fact]
    public void Claims_1_and_10_each_process_has_the_common_key_in_advance_the_owner_makes_the_region_every_client_maps_it_and_each_sets_its_EAR()
    {
        var result = Scenarios.Run(ShareMethod.M1);
        var owner = result.Owner();
        var client = result.Client(1);

        ShareAssert.Verdict(Verdict.SharedCorrectly, result);
        // (a) the common key was given in advance: from each sealed image, no exchange at all.
        ShareAssert.HasStep(result, owner, KeyGivenInAdvance, times: 1);
        ShareAssert.HasStep(result, client, KeyGivenInAdvance, times: 1);
        ShareAssert.HasNoStep(result, owner, KeyPairAndExchange);
        ShareAssert.HasNoStep(result, client, KeyPairAndExchange);
        // (b) encrypted instruction execution mode.
        AssertEncryptedMode(result, owner, client);
        // (c) the owner makes the region in its own process space; clients do not.
        ShareAssert.HasStep(result, owner, OwnerMadeRegion, times: 1);
        ShareAssert.HasNoStep(result, client, OwnerMadeRegion);
        // (d) each client maps it: client 1 says so, and every client read every record through it.
        ShareAssert.HasStep(result, client, ClientMappedRegion, times: 1);
        AssertEveryClientReadEveryRound(result, 3);
        // (e) each process sets its own EAR entry for the region.
        ShareAssert.HasStep(result, owner, EarSet, times: 1);
        ShareAssert.HasStep(result, client, EarSet, times: 1);
        AssertOneRegionAtTwoAddresses(result);
    }

    [Fact]
    public void Claims_2_and_11_the_chip_encrypts_and_decrypts_the_shared_region_by_the_EAR_entries_M1()
    {
        AssertEncryptionFollowsTheEar(ShareMethod.M1);
    }

    [Fact]
    public void Claims_3_and_12_two_processes_make_hidden_regions_exchange_keys_derive_a_common_key_and_keep_it_hidden()
    {
        var result = Scenarios.Run(ShareMethod.M2);
        var owner = result.Owner();
        var client = result.Client(1);

        ShareAssert.Verdict(Verdict.SharedCorrectly, result);
        Assert.Single(result.Clients());
        // (a) encrypted mode.
        AssertEncryptedMode(result, owner, client);
        foreach (var p in new[] { owner, client })
        {
            // (b) a hidden data region each.
            ShareAssert.HasStep(result, p, HiddenRegion, times: 1);
            // (c) a key pair each, made in the chip's public-key unit, and the exchange over a channel.
            ShareAssert.HasStepSaying(result, p, KeyPairAndExchange, "generated this process's key pair", times: 1);
            ShareAssert.HasStepSaying(result, p, KeyPairAndExchange, "exchanged public keys and nonces", times: 1);
            // (d) each derives the common key from the exchange.
            ShareAssert.HasStep(result, p, KeyDerived, times: 1);
            // (f) the key and the exchange data stay in the hidden region.
            ShareAssert.HasStep(result, p, KeptInHiddenRegion, times: 1);
        }
        // (e) a region valid only under the common key: the client read what the owner wrote with the key it derived itself.
        ShareAssert.HasStep(result, owner, OwnerMadeRegion, times: 1);
        AssertEveryClientReadEveryRound(result, 1);
        // The chip ran the exchange: key pairs, agreements and random nonces are TRP instructions.
        Assert.True(result.Run.Chip!.Protection.TrpInstructions >= 2 * 4, $"{result.Run.Chip.Protection.TrpInstructions} TRP instructions");
    }

    [Fact]
    public void Claims_4_and_13_one_process_makes_the_shared_region_in_its_space_and_the_other_maps_it_into_its_own()
    {
        var result = Scenarios.Run(ShareMethod.M2);

        ShareAssert.Verdict(Verdict.SharedCorrectly, result);
        ShareAssert.HasStepSaying(result, result.Owner(), OwnerMadeRegion, "in its own process space", times: 1);
        ShareAssert.HasNoStep(result, result.Client(1), OwnerMadeRegion);
        ShareAssert.HasStepSaying(result, result.Client(1), ClientMappedRegion, "into this process space", times: 1);
        AssertOneRegionAtTwoAddresses(result);
    }

    [Fact]
    public void Claims_5_and_14_each_of_the_two_processes_sets_its_EAR_entry_for_the_shared_region_under_the_common_key()
    {
        var result = Scenarios.Run(ShareMethod.M2);

        ShareAssert.Verdict(Verdict.SharedCorrectly, result);
        ShareAssert.HasStepSaying(result, result.Owner(), EarSet, "region address -> common key", times: 1);
        ShareAssert.HasStep(result, result.Client(1), EarSet, times: 1);
        Assert.True(result.Run.Chip!.Protection.EarLookups > 0, "the chip looked up no EAR entry");
    }

    [Theory]
    [InlineData(ShareMethod.M3)]
    [InlineData(ShareMethod.M4)]
    public void Claims_6_and_15_the_exchange_verifies_the_peers_signature_and_the_common_key_is_authenticated_by_it(ShareMethod method)
    {
        // M3 is claim 6 itself; signed M4 uses the same exchange for each pairwise key (M3 inside M4).
        var result = Scenarios.Run(method, Attack.None, signed: method == ShareMethod.M4);
        int exchanges = method == ShareMethod.M3 ? 1 : 3;

        ShareAssert.Verdict(Verdict.SharedCorrectly, result);
        ShareAssert.HasStepSaying(result, result.Owner(), SignatureChecked, "verified the peer's signature", times: exchanges);
        ShareAssert.HasStepSaying(result, result.Client(1), SignatureChecked, "verified the peer's signature", times: 1);
        ShareAssert.HasStepSaying(result, result.Owner(), AuthenticatedKeyDerived, "authenticated by the verification", times: exchanges);
        ShareAssert.HasStep(result, result.Client(1), AuthenticatedKeyDerived, times: 1);
        ShareAssert.HasNoStep(result, result.Owner(), KeyDerived);
        ShareAssert.HasNoStep(result, result.Client(1), KeyDerived);
    }

    [Theory]
    [InlineData(ShareMethod.M3)]
    [InlineData(ShareMethod.M4)]
    public void Claims_6_and_15_a_signature_that_does_not_verify_ends_the_exchange_with_no_key_and_no_region(ShareMethod method)
    {
        var result = Scenarios.Run(method, Attack.Mitm, signed: method == ShareMethod.M4);

        ShareAssert.Verdict(Verdict.AttackDetected, result);
        ShareAssert.HasStepSaying(result, result.Owner(), SignatureChecked, "did NOT verify", times: 1);
        ShareAssert.HasNoStep(result, result.Owner(), AuthenticatedKeyDerived);
        ShareAssert.HasNoStep(result, result.Client(1), AuthenticatedKeyDerived);
        // M3 makes the region only after the exchange; signed M4 makes it first but never hands out its key.
        if (method == ShareMethod.M3) ShareAssert.HasNoStep(result, result.Owner(), OwnerMadeRegion);
        ShareAssert.HasNoStep(result, result.Owner(), KeyNotified);
        Assert.DoesNotContain(result.Views, v => v.Who != "owner");
    }

    [Fact]
    public void Claims_7_and_16_the_chip_encrypts_and_decrypts_the_shared_region_by_the_EAR_entries_M2()
    {
        AssertEncryptionFollowsTheEar(ShareMethod.M2);
    }

    [Fact]
    public void Claims_8_and_17_the_owner_specifies_the_common_key_and_notifies_it_to_each_client_through_a_region_only_they_share()
    {
        const int clients = 3;
        var result = Scenarios.Run(ShareMethod.M4, clients: clients);
        var owner = result.Owner();
        var client = result.Client(1);

        ShareAssert.Verdict(Verdict.SharedCorrectly, result);
        // (a) encrypted mode.
        AssertEncryptedMode(result, owner, client);
        // (b) the owner makes the one shared region.
        ShareAssert.HasStep(result, owner, OwnerMadeRegion, times: 1);
        // (c) the owner specifies its common key.
        ShareAssert.HasStep(result, owner, OwnerSpecifiedKey, times: 1);
        ShareAssert.HasNoStep(result, client, OwnerSpecifiedKey);
        // (d) a key notification region per client, shared by the owner and that client only.
        ShareAssert.HasStepSaying(result, owner, Notification, "shared with one client", times: clients);
        ShareAssert.HasStepSaying(result, client, Notification, "mapped the owner's key notification region", times: 1);
        // (e) the owner writes the common key into each; the client reads it from its own.
        ShareAssert.HasStepSaying(result, owner, KeyNotified, "the owner wrote the common key", times: clients);
        ShareAssert.HasStepSaying(result, client, KeyNotified, "read the common key", times: 1);
        // (f) each client maps the shared region: client 1 says so, every client read every round.
        ShareAssert.HasStep(result, client, ClientMappedRegion, times: 1);
        AssertEveryClientReadEveryRound(result, clients);
        // (g) EAR entries: the owner's for the shared region and each notification region; the client's for its two.
        ShareAssert.HasStep(result, owner, EarSet, times: 1 + clients);
        ShareAssert.HasStep(result, client, EarSet, times: 2);
        AssertOneRegionAtTwoAddresses(result);
    }

    [Fact]
    public void Claims_9_and_18_each_notification_region_is_keyed_by_a_pairwise_key_from_a_key_exchange_kept_in_hidden_regions()
    {
        const int clients = 3;
        var result = Scenarios.Run(ShareMethod.M4, clients: clients);
        var owner = result.Owner();
        var client = result.Client(1);

        ShareAssert.Verdict(Verdict.SharedCorrectly, result);
        // (d1) a hidden data region in each process.
        ShareAssert.HasStep(result, owner, HiddenRegion, times: 1);
        ShareAssert.HasStep(result, client, HiddenRegion, times: 1);
        // (d2) a key pair and an exchange per owner-client pair.
        ShareAssert.HasStepSaying(result, owner, KeyPairAndExchange, "generated this process's key pair", times: clients);
        ShareAssert.HasStepSaying(result, owner, KeyPairAndExchange, "exchanged public keys", times: clients);
        ShareAssert.HasStepSaying(result, client, KeyPairAndExchange, "generated this process's key pair", times: 1);
        ShareAssert.HasStepSaying(result, client, KeyPairAndExchange, "exchanged public keys", times: 1);
        // (d3) another common key per pair.
        ShareAssert.HasStep(result, owner, KeyDerived, times: clients);
        ShareAssert.HasStep(result, client, KeyDerived, times: 1);
        // (d4) the notification region valid only under that pairwise key.
        ShareAssert.HasStep(result, owner, Notification, times: clients);
        ShareAssert.HasStep(result, client, Notification, times: 1);
        // (d5) the pairwise key and the exchange data in the hidden region.
        ShareAssert.HasStep(result, owner, KeptInHiddenRegion, times: clients);
        ShareAssert.HasStep(result, client, KeptInHiddenRegion, times: 1);
        // Every client got the common key through its own notification region and read every round.
        AssertEveryClientReadEveryRound(result, clients);
    }

    /// <summary>
    /// Claim steps "shifting ... to an encrypted instruction execution mode": no narration line (the
    /// loader's stub runs trp.enter before main), but libcloak refuses to make a hidden region outside
    /// that mode, and the chip sealed and restored the processes' contexts, which it does only for
    /// processes in encrypted mode.
    /// </summary>
    private static void AssertEncryptedMode(ScenarioResult result, params ProcessOutcome[] processes)
    {
        foreach (var p in processes) ShareAssert.HasStep(result, p, HiddenRegion, times: 1);
        var chip = result.Run.Chip!.Protection;
        Assert.True(chip.ContextSaves > 0 && chip.ContextRestores > 0, $"the chip sealed {chip.ContextSaves} and restored {chip.ContextRestores} protected contexts");
    }

    private static void AssertEveryClientReadEveryRound(ScenarioResult result, int clients)
    {
        for (int i = 1; i <= clients; i++)
            ShareAssert.PrintedLine(result, result.Client(i), $"client {i}: checked 3 rounds, 0 bad records");
        ShareAssert.PrintedLine(result, result.Owner(), $"owner: 3 rounds, 0 bad records seen by clients, {clients} of {clients} client replies read back");
    }

    /// <summary>The owner's and client 1's reads were of the same frame, at different virtual addresses, and the same plaintext.</summary>
    private static void AssertOneRegionAtTwoAddresses(ScenarioResult result)
    {
        var owner = result.Views.Single(v => v.Who == "owner");
        var client = result.Views.Single(v => v.Who == "client 1");
        Assert.Equal(owner.PhysicalAddress, client.PhysicalAddress);
        Assert.NotEqual(owner.VirtualAddress, client.VirtualAddress);
        Assert.Equal(Convert.ToHexString(owner.ProcessView), Convert.ToHexString(client.ProcessView));
    }

    /// <summary>
    /// Claims 2, 7, 11, 16: reads and writes of the shared region pass through the memory encryption
    /// unit with the key the EAR entry names. The members read plaintext; DRAM, the bus and swap
    /// carry only ciphertext (the snoop never sees it); and the same frames mapped into a process
    /// without an EAR entry read as ciphertext.
    /// </summary>
    private static void AssertEncryptionFollowsTheEar(ShareMethod method)
    {
        var snooped = Scenarios.Run(method, Attack.Snoop);
        ShareAssert.Verdict(Verdict.SharedCorrectly, snooped);
        Assert.Contains("never seen", snooped.Explanation, StringComparison.Ordinal);
        var chip = snooped.Run.Chip!;
        Assert.True(chip.Encryption.LinesEncrypted > 0 && chip.Encryption.LinesDecrypted > 0 && chip.Protection.EarLookups > 0,
            $"encrypted {chip.Encryption.LinesEncrypted}, decrypted {chip.Encryption.LinesDecrypted} lines; {chip.Protection.EarLookups} EAR lookups");
        foreach (var view in snooped.Views)
        {
            Assert.True(view.ProcessView.AsSpan().IndexOf(ShareScenario.Marker) >= 0, $"{view.Who} did not read the plaintext");
            Assert.True(view.DramView.AsSpan().IndexOf(ShareScenario.Marker) < 0, $"DRAM held the plaintext where {view.Who} read it");
        }

        var remapped = Scenarios.Run(method, Attack.Remap);
        string spy = remapped.OutputOf(remapped.Spy()!);
        Assert.Contains("SPY ", spy, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", spy, StringComparison.Ordinal);
    }
}
