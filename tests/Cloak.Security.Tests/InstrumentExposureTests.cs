using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cloak.Chip.Security;
using Cloak.Demo;
using Cloak.Observation;
using Cloak.Os;

namespace Cloak.Security.Tests;

/// <summary>
/// Issue 9 and SPEC 2.3: the host's instruments (the event file with every category, the bus
/// included; the timeline; the statistics) show only metadata the chip reports: ids, statuses, counts,
/// addresses. A demo runs with all three attached while a snooping OS looks for the shared secret;
/// afterwards every key of the chip's key table, and the secret the members share, are searched for in
/// what the instruments wrote, in every form a writer might use (raw bytes, hex, base64, decimal words),
/// as <see cref="KeyExposureTests"/> does for DRAM.
/// </summary>
public class InstrumentExposureTests
{
    private sealed record Recorded(byte[] Events, byte[] Timeline, byte[] Stats, List<byte[]> Keys, ScenarioResult Result);

    private static Recorded RunDemo(bool authenticated)
    {
        var events = new MemoryStream();
        var timeline = new MemoryStream();
        OsMachine? machine = null;
        RunRecorder? recorder = null;
        var result = ShareScenario.Run(new ScenarioOptions
        {
            Method = ShareMethod.M4,
            Attack = Attack.Snoop,
            Authenticated = authenticated,
            Instrument = (built, options) =>
            {
                machine = built;
                recorder = RunRecorder.Attach(built, MachineConfiguration.Of(built, options));
                recorder.AddSink(new EventLogWriter(events, RunEvent.ParseFilter("all")));
                recorder.AddSink(new TimelineWriter(timeline));
            },
        });
        var statistics = recorder!.Complete(new RunConclusion("all-exited", 0, null, result.Run.Statistics.HostTime)
        {
            Verdict = result.Verdict.ToString(),
            Explanation = result.Explanation,
        }, result.Run.Statistics);
        var stats = new MemoryStream();
        StatsJson.Write(statistics, stats);

        var table = machine!.Processor.Protection!.Keys;
        var keys = new List<byte[]>();
        for (int slot = 1; slot <= table.Capacity; slot++)
        {
            var key = new byte[KeyTable.KeySize];
            table.CopyKey(slot, key);
            if (key.AsSpan().ContainsAnyExcept((byte)0)) keys.Add(key);
        }
        return new Recorded(events.ToArray(), timeline.ToArray(), stats.ToArray(), keys, result);
    }

    /// <summary>Every way a writer could have put (part of) <paramref name="key"/> into a text file.</summary>
    private static IEnumerable<byte[]> Forms(byte[] key)
    {
        yield return key[..16];
        yield return key[16..];
        yield return Encoding.ASCII.GetBytes(Convert.ToBase64String(key));
        for (int i = 0; i + 8 <= key.Length; i++)
        {
            byte[] window = key[i..(i + 8)];
            yield return Encoding.ASCII.GetBytes(Convert.ToHexString(window));
            yield return Encoding.ASCII.GetBytes(Convert.ToHexStringLower(window));
            yield return Encoding.ASCII.GetBytes(BinaryPrimitives.ReadUInt64LittleEndian(window).ToString(CultureInfo.InvariantCulture));
            yield return Encoding.ASCII.GetBytes(BinaryPrimitives.ReadUInt64BigEndian(window).ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The statistics without the demo's verdict text, which names the secret it searched for.</summary>
    private static byte[] WithoutExplanation(byte[] stats)
    {
        var root = JsonNode.Parse(stats)!;
        Assert.True(root["outcome"]!.AsObject().Remove("explanation"));
        return JsonSerializer.SerializeToUtf8Bytes(root);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void No_key_and_no_shared_secret_appear_in_events_timeline_or_statistics(bool authenticated)
    {
        var run = RunDemo(authenticated);
        var outputs = new Dictionary<string, byte[]>
        {
            ["events"] = run.Events,
            ["timeline"] = run.Timeline,
            ["statistics"] = WithoutExplanation(run.Stats),
        };

        Assert.Equal(Verdict.SharedCorrectly, run.Result.Verdict);
        // Program keys of four sealed images, their stacks and heaps, hidden regions, the group key.
        Assert.True(run.Keys.Count >= 8, $"only {run.Keys.Count} keys in the key table");
        Assert.True(run.Events.Length > 100_000, "the event file should hold the bus's lines too");
        Assert.True(run.Events.AsSpan().IndexOf("\"cat\":\"bus\""u8) >= 0, "no bus event");
        foreach (var (name, bytes) in outputs)
        {
            Assert.True(bytes.AsSpan().IndexOf(ShareScenario.Marker) < 0, $"the {name} hold the shared secret");
            foreach (var key in run.Keys)
                foreach (var form in Forms(key))
                    Assert.True(bytes.AsSpan().IndexOf(form) < 0, $"the {name} hold part of a key (as {Encoding.ASCII.GetString(form)})");
        }
        // The search works: the secret is there to find in what a member read from the region.
        Assert.Contains(run.Result.Views, view => view.ProcessView.AsSpan().IndexOf(ShareScenario.Marker) >= 0);
    }
}
