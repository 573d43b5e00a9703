using Cloak.Chip;
using Cloak.Demo;
using Cloak.Isa;
using Cloak.Kernel.Adversaries;
using Cloak.Observation;
using Cloak.Os;
using Cloak.Platform;
using Cloak.Tests.Sharing;

namespace Cloak.Tests.Observation;

/// <summary>
/// The inspector (issue 9, item 7; docs/threat-model.md, "The inspector"): a process's plaintext
/// beside DRAM's bytes, opened with the chip's own checks, and a run inspected stays the run it was.
/// </summary>
public class InspectorTests
{
    private static (ScenarioResult Result, OsMachine Machine, RunInspector? Inspector) Run(bool authenticated, InspectionPoint[] points, InspectionTarget[] targets,
        Attack attack = Attack.None)
    {
        OsMachine? machine = null;
        RunInspector? inspector = null;
        var options = Scenarios.Options(ShareMethod.M4, attack, authenticated) with
        {
            Instrument = (built, _) =>
            {
                machine = built;
                if (points.Length > 0) inspector = RunInspector.Attach(built, points, targets);
            },
        };
        var result = ShareScenario.Run(options);
        Assert.Equal(Verdict.SharedCorrectly, result.Verdict);
        return (result, machine!, inspector);
    }

    private static readonly InspectionPoint AfterTheRecords = InspectionPoint.Parse("1500000");

    [Fact]
    public void The_inspector_shows_a_clients_shared_records_in_plaintext_while_DRAM_holds_only_ciphertext()
    {
        var (_, _, inspector) = Run(false, [AfterTheRecords], [InspectionTarget.Parse("client:shared+64")]);

        var snapshot = Assert.Single(inspector!.Snapshots);
        Assert.True(snapshot.Instructions >= 1_500_000);
        var clients = snapshot.Processes.Where(p => p.Inspection is { Lines.Count: > 0 }).ToList();
        Assert.NotEmpty(clients);
        foreach (var client in clients)
        {
            var line = Assert.Single(client.Inspection!.Lines);
            Assert.Equal(RegionKind.Shared, line.Region!.Kind);
            Assert.True(line.Region.KeyContext > 0, "the shared region's key is in the key table while its members run");
            Assert.Contains(line.Source, new[] { InspectedSource.Cache, InspectedSource.Decrypted });
            Assert.True(line.ProcessView.AsSpan().IndexOf(ShareScenario.Marker) >= 0, $"{client.Name} {client.Pid} should read a record");
            Assert.True(line.DramView.AsSpan().IndexOf(ShareScenario.Marker) < 0, "DRAM must hold ciphertext only");
            Assert.NotEqual(line.ProcessView, line.DramView);
        }
    }

    [Fact]
    public void Inspecting_a_run_changes_nothing_in_it()
    {
        var plain = Run(true, [], []);
        var inspected = Run(true, [InspectionPoint.Parse("claim 8(e)"), InspectionPoint.Parse("1000000"), AfterTheRecords],
            [InspectionTarget.Parse("owner"), InspectionTarget.Parse("client:shared"), InspectionTarget.Parse("client:notification")]);

        Assert.Equal(3, inspected.Inspector!.Snapshots.Count);
        Assert.Contains(inspected.Inspector.Snapshots.SelectMany(s => s.Processes), p => p.Inspection is { Lines.Count: > 0 });
        // Same instructions, cycles, cache hits and misses, lines moved, MACs and tree nodes: no fill, write-back or check was added.
        Assert.Equal(plain.Machine.Processor.Counters(), inspected.Machine.Processor.Counters());
        Assert.Equal(plain.Result.Output, inspected.Result.Output);
    }

    [Fact]
    public void In_authenticated_mode_each_line_shows_its_counter_and_MAC_and_both_check()
    {
        // The snooping OS reads DRAM, which makes the chip write dirty lines back: their counters and MACs are then current.
        var (_, _, inspector) = Run(true, [AfterTheRecords], [InspectionTarget.Parse("client:shared+256"), InspectionTarget.Parse("client:notification+64")], Attack.Snoop);

        var lines = inspector!.Snapshots.Single().Processes.SelectMany(p => p.Inspection?.Lines ?? []).Where(l => l.PhysicalAddress is not null).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.NotNull(l.Counter));
        var clean = lines.Where(l => !l.Dirty && l.Source != InspectedSource.Fresh).ToList();
        Assert.NotEmpty(clean);
        Assert.All(clean, l =>
        {
            Assert.True(l.MacMatches, $"line 0x{l.VirtualAddress:x}: the stored MAC should check against DRAM");
            Assert.True(l.CounterMatchesRoot, $"line 0x{l.VirtualAddress:x}: the stored counter should match the on-chip root");
            Assert.True(l.Counter > 0, "a line the chip wrote back has a counter above 0");
        });
    }

    [Fact]
    public void A_saved_context_the_OS_changed_does_not_open_for_the_inspector_either()
    {
        var outcomes = new List<(ContextRefusal Original, ContextRefusal Flipped)>();
        var options = Scenarios.Options(ShareMethod.M4) with
        {
            Instrument = (machine, _) => machine.Kernel.AttachObserver(new FlipAndInspect(new ProtectedMemoryInspector(machine.Processor), outcomes)),
        };

        ShareScenario.Run(options);

        Assert.NotEmpty(outcomes);
        Assert.All(outcomes, o =>
        {
            Assert.Equal(ContextRefusal.None, o.Original);
            Assert.Equal(ContextRefusal.Tampered, o.Flipped);
        });
    }

    /// <summary>At the owner's first protocol step: inspects its saved context as it is, and a copy with one bit flipped.</summary>
    private sealed class FlipAndInspect(ProtectedMemoryInspector inspector, List<(ContextRefusal, ContextRefusal)> outcomes) : Adversary
    {
        public override void OnGuestNote(GuestNoteEvent e)
        {
            if (outcomes.Count > 0 || e.Process.Name != "owner") return;
            var context = Powers.SavedContext(e.Process);
            byte[] flipped = [.. context.SealedState!];
            flipped[^20] ^= 1;
            var original = inspector.Regions(context);
            var changed = inspector.Regions(new UserContext { Satp = context.Satp, SealedState = flipped });
            Assert.NotEmpty(original.Regions);
            Assert.Empty(changed.Regions);
            outcomes.Add((original.Refusal, changed.Refusal));
        }
    }

    [Theory]
    [InlineData("owner", "owner", null, null, 128UL)]
    [InlineData("client:shared", "client", null, RegionKind.Shared, 128UL)]
    [InlineData("2:notification+64", "2", null, RegionKind.Notification, 64UL)]
    [InlineData("owner:0x1fffde3000", "owner", 0x1f_ffde_3000UL, null, 64UL)]
    [InlineData("3:4096+0x100", "3", 4096UL, null, 256UL)]
    public void Inspection_targets_parse_as_documented(string text, string process, ulong? address, RegionKind? kind, ulong length)
    {
        var target = InspectionTarget.Parse(text);

        Assert.Equal(new InspectionTarget(process, address, kind, length), target);
    }

    [Theory]
    [InlineData(":shared")]
    [InlineData("owner:stack")]
    [InlineData("owner:0xzz")]
    [InlineData("owner:shared+0")]
    [InlineData("owner:shared+1000000")]
    public void A_malformed_inspection_target_is_refused(string text) =>
        Assert.Throws<FormatException>(() => InspectionTarget.Parse(text));

    [Theory]
    [InlineData("claim 8(e)", "claim 8(e)", true)]
    [InlineData("8(e)", "claim 8(e)", true)]
    [InlineData("8(g)", "claim 1(e)/5/8(g)", true)]
    [InlineData("claim 1(e)/5/8(g)", "claim 1(e)/5/8(g)", true)]
    [InlineData("8(e)", "claim 8(f)", false)]
    [InlineData("8", "claim 8(e)", false)]
    public void A_step_point_matches_a_whole_topic_or_one_of_its_claims(string point, string topic, bool matches) =>
        Assert.Equal(matches, InspectionPoint.Parse(point).Matches(topic));

    [Fact]
    public void A_number_is_an_instruction_point()
    {
        Assert.Equal(1_500_000UL, InspectionPoint.Parse("1_500_000").Instruction);
        Assert.Null(InspectionPoint.Parse("1_500_000").Step);
        Assert.Throws<FormatException>(() => InspectionPoint.Parse(" "));
    }
}
