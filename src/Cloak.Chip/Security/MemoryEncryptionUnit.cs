using System.Security.Cryptography;
using Cloak.Chip.Bus;
using Cloak.Chip.Timing;
using Cloak.Crypto;
using Cloak.Platform;

namespace Cloak.Chip.Security;

/// <summary>Where a cached line belongs, as the memory encryption unit needs it to encrypt or decrypt it.</summary>
internal readonly record struct LineContext(int KeySlot, uint RegionId, uint LineIndex, bool FreshIsZero, uint Instance = 0);

/// <summary>Counters of the memory encryption unit.</summary>
public sealed class EncryptionStatistics
{
    public ulong LinesEncrypted { get; internal set; }
    public ulong LinesDecrypted { get; internal set; }
    public ulong MacChecks { get; internal set; }
    public ulong MacFailures { get; internal set; }
    public ulong FreshLines { get; internal set; }
    /// <summary>MACs computed for lines written back (authenticated mode).</summary>
    public ulong MacWrites { get; internal set; }
    public ulong BytesEncrypted => LinesEncrypted * 64;
    public ulong BytesDecrypted => LinesDecrypted * 64;
}

/// <summary>
/// Lines the memory encryption unit moved for one protected region (identified by region id and
/// instance; the key context is the key-table slot it used last), for per-region statistics.
/// </summary>
public sealed record RegionTraffic(uint RegionId, uint Instance, int KeyContext, ulong LinesDecrypted, ulong LinesEncrypted,
    ulong FreshLines, ulong MacChecks, ulong MacWrites, ulong MacFailures, ulong TreeNodes)
{
    /// <summary>Cycles the memory hierarchy's timing model charged for this region's lines, by category (docs/cost-model.md).</summary>
    public RegionCost Cost { get; init; } = new(0, 0, 0, 0, 0);
}

/// <summary>Modelled cycles of one region: L2 and DRAM, decryption, encryption, MACs, counters and tree.</summary>
public sealed record RegionCost(ulong Memory, ulong Decrypt, ulong Encrypt, ulong Mac, ulong Tree)
{
    public ulong Total => Memory + Decrypt + Encrypt + Mac + Tree;
}

/// <summary>
/// The memory encryption unit in the bus interface (SPEC 2.2-2.3): decrypts every protected line on
/// its way into the cache and encrypts it on write-back, with the key of the line's EAR entry and a
/// tweak made of the region id and the line's offset in the region (not its address), so a region
/// decrypts wherever it is mapped and whichever frame holds it. In authenticated mode the tweak also
/// carries the line's write counter, each line has a MAC over (tweak, ciphertext), and the counters
/// are bound to an on-chip root by <see cref="IntegrityTree"/>.
/// Threat: everything on the far side of the bus (DRAM, swap, the bus itself) belongs to the
/// adversary; plaintext of protected lines exists only in the caches.
/// </summary>
internal sealed class MemoryEncryptionUnit
{
    private readonly KeyTable _keys;
    private readonly BusInterfaceUnit _biu;
    private readonly IntegrityTree? _tree;
    private readonly IntegrityMetadataStore _metadata;
    private readonly Func<int, ulong> _keyTag;
    private readonly MemoryHierarchy _timing;

    public MemoryEncryptionUnit(KeyTable keys, BusInterfaceUnit biu, MemoryProtectionMode mode, IntegrityMetadataStore metadata,
        IntegrityTree? tree, Func<int, ulong> keyTag, MemoryHierarchy timing)
    {
        _timing = timing;
        _keys = keys;
        _biu = biu;
        Mode = mode;
        _metadata = metadata;
        _tree = tree;
        _keyTag = keyTag;
    }

    public MemoryProtectionMode Mode { get; }
    public EncryptionStatistics Statistics { get; } = new();

    /// <summary>Per-region counters (mutable, keyed by region id and instance); null while nobody asked for them (it costs a lookup per line).</summary>
    private Dictionary<(uint RegionId, uint Instance), ulong[]>? _perRegion;

    // The timing model's cycles come first (RegionCycles.Memory ... Tree), so it can add to the same array.
    private const int TrafficDecrypted = RegionCycles.Count, TrafficEncrypted = TrafficDecrypted + 1, TrafficFresh = TrafficDecrypted + 2,
        TrafficMacChecks = TrafficDecrypted + 3, TrafficMacWrites = TrafficDecrypted + 4, TrafficMacFailures = TrafficDecrypted + 5,
        TrafficTreeNodes = TrafficDecrypted + 6, TrafficKeySlot = TrafficDecrypted + 7, TrafficFields = TrafficDecrypted + 8;

    public void CountPerRegion(bool on) => _perRegion = on ? _perRegion ?? [] : null;

    public IReadOnlyList<RegionTraffic> RegionTraffic() => _perRegion is null ? [] :
        [.. _perRegion.Select(r => new RegionTraffic(r.Key.RegionId, r.Key.Instance, (int)r.Value[TrafficKeySlot], r.Value[TrafficDecrypted],
            r.Value[TrafficEncrypted], r.Value[TrafficFresh], r.Value[TrafficMacChecks], r.Value[TrafficMacWrites], r.Value[TrafficMacFailures], r.Value[TrafficTreeNodes])
        {
            Cost = new RegionCost(r.Value[RegionCycles.Memory], r.Value[RegionCycles.Decrypt], r.Value[RegionCycles.Encrypt], r.Value[RegionCycles.Mac], r.Value[RegionCycles.Tree]),
        })];

    private ulong[]? Traffic(in LineContext line)
    {
        if (_perRegion is null) return null;
        if (!_perRegion.TryGetValue((line.RegionId, line.Instance), out var counters))
            _perRegion[(line.RegionId, line.Instance)] = counters = new ulong[TrafficFields];
        counters[TrafficKeySlot] = (ulong)line.KeySlot;
        return counters;
    }

    private ulong TreeNodes => _tree is null ? 0 : _tree.NodeVerifications + _tree.NodeUpdates;

    private UInt128 Tweak(in LineContext line, ulong counter) => LineTweak(line.RegionId, line.LineIndex, counter, line.Instance);

    // Drawn at power-on (this unit is made once per power-on of the chip).
    private readonly uint _powerOnRegionMask = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4));
    private readonly ulong _powerOnInstanceOffset = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) % uint.MaxValue;

    /// <summary>
    /// The tweak the chip uses for a line of a region. A region of a run of a sealed image (instance
    /// above 0) has it bound to this power-on as well. Threat: such a region's key is the image's, the
    /// same at every power-on, and its instance (the run's context id) and counters count again from
    /// the start after a power cycle, so the OS could put back lines, MACs and counters recorded during
    /// an earlier power-on and the victim would accept them. Here the region id is XORed with a
    /// random mask and the instance moved by a random offset (a bijection of 1..2^32-1, so runs of one
    /// power-on still differ and never meet instance 0, the sealing tool's tweak): a recorded line
    /// matches a later power-on's only when both 32-bit values happen to line up (2^-64). Regions of
    /// instance 0 keep <see cref="LineCrypto.Tweak(uint, uint, ulong)"/>: their keys are drawn fresh
    /// for each region, and tools that know a region key (the attacks) compute the same tweak.
    /// </summary>
    internal UInt128 LineTweak(uint regionId, uint lineIndex, ulong counter, uint instance) =>
        instance == 0
            ? LineCrypto.Tweak(regionId, lineIndex, counter)
            : LineCrypto.Tweak(regionId ^ _powerOnRegionMask, lineIndex, counter,
                (uint)(((ulong)instance - 1 + _powerOnInstanceOffset) % uint.MaxValue) + 1);

    /// <summary>
    /// Reads the line at physical <paramref name="address"/> and decrypts it into <paramref name="plaintext"/>.
    /// False (with the output zeroed) when authentication fails: an integrity fault.
    /// </summary>
    public bool Fill(ulong address, in LineContext line, Span<byte> plaintext)
    {
        Span<byte> ciphertext = stackalloc byte[64];
        ulong counter = 0;
        var traffic = Traffic(line);
        _timing.FillProtected(address >> 6, line, traffic);
        if (Mode == MemoryProtectionMode.Authenticated)
        {
            var region = new IntegrityRegion(_keyTag(line.KeySlot), line.RegionId, line.Instance);
            ulong nodesBefore = traffic is null ? 0 : TreeNodes;
            ulong? verified = _tree!.Counter(region, line.LineIndex);
            if (traffic is not null) traffic[TrafficTreeNodes] += TreeNodes - nodesBefore;
            if (verified is not { } c)
            {
                Statistics.MacFailures++;
                if (traffic is not null) traffic[TrafficMacFailures]++;
                plaintext.Clear();
                return false;
            }
            counter = c;
            if (counter == 0 && line.FreshIsZero)
            {
                // Never written by the chip since the region was made: it reads as zeros.
                Statistics.FreshLines++;
                if (traffic is not null) traffic[TrafficFresh]++;
                plaintext.Clear();
                return true;
            }
            _biu.ReadLine(address, ciphertext, line.KeySlot);
            Statistics.MacChecks++;
            if (traffic is not null) traffic[TrafficMacChecks]++;
            ulong expected = _metadata.Page(region, line.LineIndex / IntegrityMetadataStore.LinesPerPage, create: false)
                .Macs[line.LineIndex % IntegrityMetadataStore.LinesPerPage];
            if (_keys.Mac(line.KeySlot).Compute(Tweak(line, counter), ciphertext) != expected)
            {
                Statistics.MacFailures++;
                if (traffic is not null) traffic[TrafficMacFailures]++;
                plaintext.Clear();
                return false;
            }
        }
        else
        {
            _biu.ReadLine(address, ciphertext, line.KeySlot);
        }
        _keys.Cipher(line.KeySlot).DecryptLine(Tweak(line, counter), ciphertext, plaintext);
        Statistics.LinesDecrypted++;
        if (traffic is not null) traffic[TrafficDecrypted]++;
        return true;
    }

    /// <summary>
    /// Moves one line of a sealed image, as trp.enter found it in DRAM (the sealing tool's tweak,
    /// instance 0), into its run's own encryption (<paramref name="line"/>'s instance, counter 0), and in
    /// authenticated mode gives it a MAC under that tweak. Only trp.enter calls it, after the image's
    /// ciphertext was checked against its header. In authenticated mode the line must also carry the
    /// MAC the sealing tool gave it (<paramref name="imageMac"/>); false if it does not.
    /// </summary>
    public bool ConvertImageLine(ulong address, in LineContext line, ulong? imageMac)
    {
        Span<byte> ciphertext = stackalloc byte[64];
        Span<byte> plaintext = stackalloc byte[64];
        var traffic = Traffic(line);
        _timing.ConvertImageLine(line, traffic);
        _biu.ReadLine(address, ciphertext, line.KeySlot);
        if (imageMac is { } expected)
        {
            Statistics.MacChecks++;
            if (traffic is not null) traffic[TrafficMacChecks]++;
            if (_keys.Mac(line.KeySlot).Compute(LineCrypto.Tweak(line.RegionId, line.LineIndex, 0), ciphertext) != expected)
            {
                Statistics.MacFailures++;
                if (traffic is not null) traffic[TrafficMacFailures]++;
                return false;
            }
        }
        var cipher = _keys.Cipher(line.KeySlot);
        cipher.DecryptLine(LineCrypto.Tweak(line.RegionId, line.LineIndex, 0), ciphertext, plaintext);
        cipher.EncryptLine(Tweak(line, 0), plaintext, ciphertext);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(plaintext);
        Statistics.LinesDecrypted++;
        Statistics.LinesEncrypted++;
        if (traffic is not null)
        {
            traffic[TrafficDecrypted]++;
            traffic[TrafficEncrypted]++;
        }
        if (Mode == MemoryProtectionMode.Authenticated)
        {
            var region = new IntegrityRegion(_keyTag(line.KeySlot), line.RegionId, line.Instance);
            Statistics.MacWrites++;
            if (traffic is not null) traffic[TrafficMacWrites]++;
            _metadata.Page(region, line.LineIndex / IntegrityMetadataStore.LinesPerPage, create: true)
                .Macs[line.LineIndex % IntegrityMetadataStore.LinesPerPage] = _keys.Mac(line.KeySlot).Compute(Tweak(line, 0), ciphertext);
        }
        _biu.WriteLine(address, ciphertext, line.KeySlot);
        return true;
    }

    /// <summary>Encrypts a dirty line and writes it to DRAM (authenticated mode: bumps its counter and stores its MAC).</summary>
    public bool WriteBack(ulong address, in LineContext line, ReadOnlySpan<byte> plaintext)
    {
        Span<byte> ciphertext = stackalloc byte[64];
        ulong counter = 0;
        IntegrityRegion region = default;
        var traffic = Traffic(line);
        _timing.WriteBackProtected(address >> 6, line, traffic);
        if (Mode == MemoryProtectionMode.Authenticated)
        {
            region = new IntegrityRegion(_keyTag(line.KeySlot), line.RegionId, line.Instance);
            ulong nodesBefore = traffic is null ? 0 : TreeNodes;
            ulong? incremented = _tree!.Increment(region, line.LineIndex);
            if (traffic is not null) traffic[TrafficTreeNodes] += TreeNodes - nodesBefore;
            if (incremented is not { } c)
            {
                // The counters were tampered with: refuse to extend a forged history.
                Statistics.MacFailures++;
                if (traffic is not null) traffic[TrafficMacFailures]++;
                return false;
            }
            counter = c;
        }
        _keys.Cipher(line.KeySlot).EncryptLine(Tweak(line, counter), plaintext, ciphertext);
        Statistics.LinesEncrypted++;
        if (traffic is not null) traffic[TrafficEncrypted]++;
        if (Mode == MemoryProtectionMode.Authenticated)
        {
            Statistics.MacWrites++;
            if (traffic is not null) traffic[TrafficMacWrites]++;
            _metadata.Page(region, line.LineIndex / IntegrityMetadataStore.LinesPerPage, create: true)
                .Macs[line.LineIndex % IntegrityMetadataStore.LinesPerPage] = _keys.Mac(line.KeySlot).Compute(Tweak(line, counter), ciphertext);
        }
        _biu.WriteLine(address, ciphertext, line.KeySlot);
        return true;
    }
}
