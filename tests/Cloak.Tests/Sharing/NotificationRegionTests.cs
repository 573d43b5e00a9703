using System.Buffers.Binary;
using Cloak.Demo;
using Cloak.Kernel;
using Cloak.Kernel.Adversaries;

namespace Cloak.Tests.Sharing;

/// <summary>
/// SPEC R6: in M4 no client and not the OS reads another client's key notification region. The OS
/// learns where each notification region is (the owner announces its segment in plain on that
/// client's channel), copies its frames out of DRAM at every message and context switch, and looks
/// for the notification's plaintext magic ("CLK1" at offset 0, as guest/lib/share.c writes it);
/// and each notification segment is mapped by the owner and its one client only.
/// </summary>
public sealed class NotificationRegionTests
{
    /// <summary>A passive OS that watches every notification region the owner announces.</summary>
    private sealed class NotificationWatcher : Adversary
    {
        private const uint Magic = 0x314B_4C43; // "CLK1"
        private readonly Dictionary<long, string> _segments = [];
        private readonly Dictionary<long, HashSet<string>> _mappedBy = [];

        public int Notifications => _segments.Count;
        public int FramesRead { get; private set; }
        public int PlaintextSightings { get; private set; }
        public Dictionary<long, HashSet<string>> MappedBy => _mappedBy;
        public Dictionary<long, string> Channels => _segments;

        public override void OnChannelMessage(ChannelMessageEvent e)
        {
            var p = e.Payload;
            if (e.Sender.Name == "owner" && p.Length >= 40 && BinaryPrimitives.ReadUInt32LittleEndian(p) == Magic &&
                BinaryPrimitives.ReadUInt32LittleEndian(p.AsSpan(4)) == 3 && NotificationChannel(e.Channel))
                _segments.TryAdd((long)BinaryPrimitives.ReadUInt64LittleEndian(p.AsSpan(16)), e.Channel);
            Look();
        }

        public override void OnContextSwitch(ContextSwitchEvent e) => Look();

        // In M4 the owner's first announcement on share.i is client i's notification region.
        private bool NotificationChannel(string channel) => channel.StartsWith("share.", StringComparison.Ordinal) && !_segments.ContainsValue(channel);

        private void Look()
        {
            foreach (var process in Powers.Processes.Where(p => p.State is not (ProcessState.Zombie or ProcessState.Reaped)))
                foreach (var area in Powers.Areas(process).Where(a => a.Segment is { } s && _segments.ContainsKey(s)))
                {
                    long segment = area.Segment!.Value;
                    if (!_mappedBy.TryGetValue(segment, out var names)) _mappedBy[segment] = names = [];
                    names.Add(process.Name == "owner" ? "owner" : $"{process.Name} {process.Pid}");
                    for (ulong va = area.Start; va < area.End; va += 4096)
                    {
                        if (Powers.FrameOf(process, va) is not { } frame) continue;
                        FramesRead++;
                        if (BinaryPrimitives.ReadUInt32LittleEndian(Powers.Memory.Read(frame << 12, 4)) == Magic) PlaintextSightings++;
                    }
                }
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void R6_the_OS_never_sees_a_notification_region_in_plaintext_and_each_is_mapped_only_by_the_owner_and_its_client(bool authenticated, bool signed)
    {
        var watcher = new NotificationWatcher();
        var options = Scenarios.Options(ShareMethod.M4, Attack.Snoop, authenticated, signed, clients: 4) with { Observers = [watcher] };

        var result = ShareScenario.Run(options);

        ShareAssert.Verdict(Verdict.SharedCorrectly, result);
        ShareAssert.HasStep(result, result.Owner(), "8(e)", times: 4);
        Assert.Equal(4, watcher.Notifications);
        Assert.True(watcher.FramesRead >= 8, $"only {watcher.FramesRead} notification frames were read");
        Assert.Equal(0, watcher.PlaintextSightings);
        Assert.Equal(4, watcher.MappedBy.Count);
        foreach (var (segment, names) in watcher.MappedBy)
        {
            int client = int.Parse(watcher.Channels[segment]["share.".Length..], System.Globalization.CultureInfo.InvariantCulture);
            var expected = new HashSet<string> { "owner", $"client {result.Client(client).Pid}" };
            Assert.True(expected.SetEquals(names), $"segment {segment} ({watcher.Channels[segment]}) mapped by {string.Join(", ", names)}");
        }
    }
}
