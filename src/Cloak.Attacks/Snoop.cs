using System.Buffers.Binary;
using System.Security.Cryptography;
using Cloak.Kernel.Adversaries;

namespace Cloak.Attacks;

/// <summary>Where the snoop saw a byte pattern.</summary>
public sealed record Sighting(string Where, int Offset);

/// <summary>
/// Records everything an OS can see: every frame in use at every context switch (or every Nth), every
/// page written to swap, every channel message, and DRAM and swap at shutdown. Page contents are
/// stored once per distinct content. <see cref="Find"/> answers whether a byte pattern (a canary) ever
/// appeared anywhere the OS could read it. Against an unprotected process it sees plaintext; the chip
/// of issue #4 is what makes it see only ciphertext.
/// </summary>
public sealed class SnoopAdversary(int snapshotEveryNthSwitch = 1) : Adversary
{
    private readonly Dictionary<ulong, byte[]> _pages = [];
    private readonly List<(string Where, ulong Hash)> _seen = [];
    private readonly List<(string Where, byte[] Bytes)> _messages = [];
    private int _switches;

    public int Snapshots { get; private set; }
    public int DistinctPages => _pages.Count;

    public override void OnContextSwitch(ContextSwitchEvent e)
    {
        if (_switches++ % snapshotEveryNthSwitch == 0) SnapshotDram($"DRAM at switch {_switches}");
    }

    public override void OnSwapOut(SwapEvent e) => Keep($"swap slot {e.Slot} ({e.ObjectName} page {e.Page})", Powers.Swap.Slot(e.Slot));

    public override void OnChannelMessage(ChannelMessageEvent e) => _messages.Add(($"message on '{e.Channel}' from {e.Sender}", [.. e.Payload]));

    public override void OnShutdown()
    {
        // At the end the OS reads all of DRAM, freed frames included: what a process left behind is there too.
        Snapshots++;
        for (ulong address = Powers.Memory.BaseAddress; address < Powers.Memory.EndAddress; address += 4096)
            Keep($"DRAM at shutdown, frame 0x{address >> 12:x}", Powers.Memory.Read(address, 4096));
        foreach (int slot in Powers.Swap.Slots) Keep($"swap slot {slot} at shutdown", Powers.Swap.Slot(slot));
    }

    /// <summary>Copies every frame in use now.</summary>
    public void SnapshotDram(string label)
    {
        Snapshots++;
        foreach (ulong frame in Powers.FramesInUse())
            Keep($"{label}, frame 0x{frame:x}", Powers.Memory.Read(frame << 12, 4096));
    }

    private void Keep(string where, ReadOnlySpan<byte> page)
    {
        // Content-addressed storage: identical pages are kept once (SHA-256 prefix as the key).
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(page, digest);
        ulong hash = BinaryPrimitives.ReadUInt64LittleEndian(digest);
        if (!_pages.ContainsKey(hash)) _pages[hash] = page.ToArray();
        _seen.Add((where, hash));
    }

    /// <summary>Every place the pattern was seen (a pattern split across two pages is not found).</summary>
    public IReadOnlyList<Sighting> Find(ReadOnlySpan<byte> pattern)
    {
        var found = new List<Sighting>();
        var matchingPages = new Dictionary<ulong, int>();
        foreach (var (hash, bytes) in _pages)
        {
            int at = bytes.AsSpan().IndexOf(pattern);
            if (at >= 0) matchingPages[hash] = at;
        }
        foreach (var (where, hash) in _seen)
            if (matchingPages.TryGetValue(hash, out int at)) found.Add(new Sighting(where, at));
        foreach (var (where, bytes) in _messages)
        {
            int at = bytes.AsSpan().IndexOf(pattern);
            if (at >= 0) found.Add(new Sighting(where, at));
        }
        return found;
    }

    public bool Saw(ReadOnlySpan<byte> pattern) => Find(pattern).Count > 0;
}
