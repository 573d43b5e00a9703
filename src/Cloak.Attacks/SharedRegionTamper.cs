using System.Buffers.Binary;
using Cloak.Kernel.Adversaries;
using Cloak.Platform;

namespace Cloak.Attacks;

/// <summary>
/// Changes the shared region of the sharing examples in DRAM, timed by the owner's "round filled"
/// signals (which cross the OS in plain): <see cref="Mode.Flip"/> flips one bit of the first line
/// after round 1 is written; <see cref="Mode.Replay"/> captures the first page (and, in
/// authenticated mode, its counters and MACs from the metadata the OS hosts) after round 1 and puts
/// it back after round 2, so clients would read round 1's data again.
/// </summary>
public sealed class SharedRegionTamper(SharedRegionTamper.Mode mode) : Adversary
{
    public enum Mode { Flip, Replay }

    private byte[]? _page;
    private readonly List<(IntegrityRegion Region, (ulong[] Counters, ulong[] Macs) Snapshot)> _metadata = [];

    public bool Done { get; private set; }

    public override void OnChannelMessage(ChannelMessageEvent e)
    {
        // The examples' signal: {u32 kind, u32 round, i32 bad, u32 client}; kind 1 = a round was filled.
        if (Done || e.Sender.Name != "owner" || e.Payload.Length != 16 || BinaryPrimitives.ReadUInt32LittleEndian(e.Payload) != 1) return;
        uint round = BinaryPrimitives.ReadUInt32LittleEndian(e.Payload.AsSpan(4));
        var area = Powers.Areas(e.Sender).Where(a => a.Kind == Kernel.Memory.AreaKind.Shared).OrderByDescending(a => a.End - a.Start).FirstOrDefault();
        if (area.End == 0 || Powers.FrameOf(e.Sender, area.Start) is not { } frame) return;
        ulong address = frame << 12;
        if (mode == Mode.Flip && round == 1)
        {
            byte b = Powers.Memory.Read(address + 8, 1)[0];
            Powers.Memory.Write(address + 8, [(byte)(b ^ 0x01)]);
            Done = true;
        }
        else if (mode == Mode.Replay && round == 1)
        {
            _page = Powers.Memory.Read(address, 4096).ToArray();
            if (Powers.IntegrityMetadata is { } metadata)
                foreach (var region in metadata.Regions)
                    _metadata.Add((region, metadata.Snapshot(region, 0)));
        }
        else if (mode == Mode.Replay && round == 2 && _page is not null)
        {
            Powers.Memory.Write(address, _page);
            foreach (var (region, snapshot) in _metadata) Powers.IntegrityMetadata!.Restore(region, 0, snapshot);
            Done = true;
        }
    }
}
