using System.Buffers.Binary;
using Cloak.Chip.Security;
using Cloak.Kernel;
using Cloak.Platform;
using Cloak.Sealing;
using Cloak.Security.Tests.Support;

namespace Cloak.Security.Tests;

/// <summary>
/// One sealed image started more than once on one machine (SPEC section 3: processes from sealed
/// images; a program may spawn copies of itself). Every instance gets the image's program key and
/// region ids, so their image regions share the key and the cipher's tweaks. In authenticated mode the
/// chip keeps each instance's write counters, MACs and on-chip root apart (the EAR entries of the
/// image's regions carry the context id as the integrity instance: IntegrityRegion), so both run side
/// by side and one after the other; and once the chip has written a line its MAC binds that instance
/// (LineCrypto.MacTweak), so the OS cannot move a written line and its MAC from one run into the other.
/// </summary>
public class SealedProgramInstanceTests
{
    private static ScenarioResult TwoInstances(MemoryProtectionMode mode, bool oneAfterTheOther, bool sealedTwice = false)
    {
        var scenario = new Scenario(new ScenarioOptions { Mode = mode });
        var image = scenario.AddSealed("secret_worker", "first");
        if (sealedTwice) scenario.AddSealed("secret_worker", "second");
        else scenario.AddSealedImage("second", image);
        scenario.Start("first", "1");
        if (oneAfterTheOther) Assert.Equal("secret_worker: ok\n", scenario.Run()["first"].Output);
        scenario.Start("second", "1");
        return scenario.Run();
    }

    // SPEC 3: processes from sealed images (one image, two processes).
    [Fact]
    public void Two_instances_of_one_sealed_image_run_side_by_side_in_confidentiality_mode()
    {
        var result = TwoInstances(MemoryProtectionMode.Confidentiality, oneAfterTheOther: false);

        Assert.Equal("secret_worker: ok\n", result["first"].Output);
        Assert.Equal("secret_worker: ok\n", result["second"].Output);
    }

    // SPEC 3 (control): two images of one program, two keys.
    [Fact]
    public void Control_one_program_sealed_twice_runs_twice_side_by_side_in_authenticated_mode()
    {
        var result = TwoInstances(MemoryProtectionMode.Authenticated, oneAfterTheOther: false, sealedTwice: true);

        Assert.Equal("secret_worker: ok\n", result["first"].Output);
        Assert.Equal("secret_worker: ok\n", result["second"].Output);
    }

    // SPEC 2.5 and 3: authenticated mode with one image run twice at once.
    [Fact]
    public void Two_instances_of_one_sealed_image_run_side_by_side_in_authenticated_mode()
    {
        var result = TwoInstances(MemoryProtectionMode.Authenticated, oneAfterTheOther: false);

        Assert.True(result["first"] is { ExitCode: 0, Killed: false }, result.ToString());
        Assert.True(result["second"] is { ExitCode: 0, Killed: false }, result.ToString());
    }

    // SPEC 2.5 and 3: authenticated mode with one image run twice in a row.
    [Fact]
    public void A_sealed_image_runs_again_after_its_first_instance_exited_in_authenticated_mode()
    {
        var result = TwoInstances(MemoryProtectionMode.Authenticated, oneAfterTheOther: true);

        Assert.True(result["second"] is { ExitCode: 0, Killed: false }, result.ToString());
    }

    /// <summary>
    /// At the victim's <paramref name="atRun"/>-th scheduling (or the first later one where such a line
    /// exists), finds a line of <paramref name="region"/> that both runs have written back equally often
    /// (equal write counters above 0, preferring one whose ciphertext differs), and copies the donor's
    /// ciphertext and MAC over the victim's: everything the OS hosts for that line, with the counter
    /// (and so the counter tree) already right.
    /// </summary>
    private sealed class CrossRunSpliceAdversary(string victim, string donor, SealedRegion region, int atRun) : VictimAdversary(victim)
    {
        public bool Spliced { get; private set; }
        public ulong Counter { get; private set; }
        public bool CiphertextDiffered { get; private set; }
        public ulong VictimMac { get; private set; }
        public ulong DonorMac { get; private set; }

        /// <summary>The context id a sealed context is bound to: the first 4 bytes of the blob the OS keeps (the chip's integrity instance).</summary>
        private uint? Instance(Process process) =>
            Powers.SavedContext(process).SealedState is { Length: >= 4 } blob ? BinaryPrimitives.ReadUInt32LittleEndian(blob) : null;

        protected override void OnVictimRun(Process victim, int run)
        {
            if (Spliced || run < atRun || Powers.IntegrityMetadata is not { } metadata || Powers.Find(donor) is not { } from ||
                Instance(victim) is not { } victimInstance || Instance(from) is not { } donorInstance) return;
            var tag = metadata.Regions.First(r => r.RegionId == region.RegionId).KeyTag;
            IntegrityRegion into = new(tag, region.RegionId, victimInstance), source = new(tag, region.RegionId, donorInstance);
            (ulong Line, ulong To, byte[] Ciphertext, bool Differs)? best = null;
            for (ulong line = 0; line < region.Size / 64; line++)
            {
                ulong va = region.Start + line * 64;
                if (PhysicalOf(victim, va) is not { } to || PhysicalOf(from, va) is not { } at) continue;
                // Reading through DRAM's coherence hook writes dirty cached copies back first, so the counters below are current.
                byte[] theirs = Powers.Memory.Read(at, 64).ToArray();
                bool differs = !theirs.AsSpan().SequenceEqual(Powers.Memory.Read(to, 64));
                ulong counter = metadata.ReadCounter(into, line);
                if (counter == 0 || metadata.ReadCounter(source, line) != counter || (best is { Differs: true } && !differs)) continue;
                if (best is null || (differs && !best.Value.Differs)) best = (line, to, theirs, differs);
            }
            if (best is not { } splice) return;
            Counter = metadata.ReadCounter(into, splice.Line);
            CiphertextDiffered = splice.Differs;
            VictimMac = metadata.ReadMac(into, splice.Line);
            DonorMac = metadata.ReadMac(source, splice.Line);
            // The write also drops the victim's cached copy, so its next access fills from DRAM and checks the MAC.
            Powers.Memory.Write(splice.To, splice.Ciphertext);
            metadata.WriteMac(into, splice.Line, DonorMac);
            Spliced = true;
        }
    }

    // SPEC 2.5 and 3: the MAC of a written line binds its run (the instance), so a line and its MAC moved
    // between two runs of one image are refused even where the two runs' write counters agree.
    [Fact]
    public void A_written_line_and_its_MAC_moved_from_another_run_of_the_image_are_detected_in_authenticated_mode()
    {
        var scenario = new Scenario(new ScenarioOptions { Mode = MemoryProtectionMode.Authenticated });
        var image = scenario.AddSealed("secret_worker", "first");
        scenario.AddSealedImage("second", image);
        ulong table = Guest.Load(Guest.Secure("secret_worker")).Symbol("secret_table") ?? throw new InvalidOperationException("no secret_table symbol");
        var splice = new CrossRunSpliceAdversary("second", "first", image.Regions.Single(r => table >= r.Start && table < r.End), atRun: 10);
        scenario.Attach(splice);
        scenario.Start("first", "6");
        scenario.Start("second", "6");
        var result = scenario.Run();

        Assert.True(splice.Spliced, $"no line of the two runs had equal write counters: {result}");
        Assert.True(splice.Counter > 0);
        // The line held other data in the other run (without the instance in the MAC, the victim
        // accepts it and goes wrong: it crashed on a page fault when this was tried).
        Assert.True(splice.CiphertextDiffered, "the two runs held the same ciphertext at every line with equal counters");
        Assert.NotEqual(splice.VictimMac, splice.DonorMac);
        var victim = result["second"];
        Assert.True(victim.Killed, $"the spliced line was accepted: {result}");
        Assert.StartsWith("integrity fault (protected memory failed authentication)", victim.KillReason, StringComparison.Ordinal);
        Assert.DoesNotContain("secret_worker:", victim.Output, StringComparison.Ordinal);
        Assert.True(result.Chip.Encryption.MacFailures >= 1);
        Assert.Equal("secret_worker: ok\n", result["first"].Output);
    }
}
