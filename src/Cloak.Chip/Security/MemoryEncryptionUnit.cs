using Cloak.Chip.Bus;
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

    public MemoryEncryptionUnit(KeyTable keys, BusInterfaceUnit biu, MemoryProtectionMode mode, IntegrityMetadataStore metadata,
        IntegrityTree? tree, Func<int, ulong> keyTag)
    {
        _keys = keys;
        _biu = biu;
        Mode = mode;
        _metadata = metadata;
        _tree = tree;
        _keyTag = keyTag;
    }

    public MemoryProtectionMode Mode { get; }
    public EncryptionStatistics Statistics { get; } = new();

    private static UInt128 Tweak(uint regionId, uint line, ulong counter) => LineCrypto.Tweak(regionId, line, counter);

    /// <summary>
    /// Reads the line at physical <paramref name="address"/> and decrypts it into <paramref name="plaintext"/>.
    /// False (with the output zeroed) when authentication fails: an integrity fault.
    /// </summary>
    public bool Fill(ulong address, in LineContext line, Span<byte> plaintext)
    {
        Span<byte> ciphertext = stackalloc byte[64];
        ulong counter = 0;
        if (Mode == MemoryProtectionMode.Authenticated)
        {
            var region = new IntegrityRegion(_keyTag(line.KeySlot), line.RegionId, line.Instance);
            if (_tree!.Counter(region, line.LineIndex) is not { } c)
            {
                Statistics.MacFailures++;
                plaintext.Clear();
                return false;
            }
            counter = c;
            if (counter == 0 && line.FreshIsZero)
            {
                // Never written by the chip since the region was made: it reads as zeros.
                Statistics.FreshLines++;
                plaintext.Clear();
                return true;
            }
            _biu.ReadLine(address, ciphertext);
            Statistics.MacChecks++;
            ulong expected = _metadata.Page(region, line.LineIndex / IntegrityMetadataStore.LinesPerPage, create: false)
                .Macs[line.LineIndex % IntegrityMetadataStore.LinesPerPage];
            if (_keys.Mac(line.KeySlot).Compute(LineCrypto.MacTweak(line.RegionId, line.LineIndex, counter, line.Instance), ciphertext) != expected)
            {
                Statistics.MacFailures++;
                plaintext.Clear();
                return false;
            }
        }
        else
        {
            _biu.ReadLine(address, ciphertext);
        }
        _keys.Cipher(line.KeySlot).DecryptLine(Tweak(line.RegionId, line.LineIndex, counter), ciphertext, plaintext);
        Statistics.LinesDecrypted++;
        return true;
    }

    /// <summary>Encrypts a dirty line and writes it to DRAM (authenticated mode: bumps its counter and stores its MAC).</summary>
    public bool WriteBack(ulong address, in LineContext line, ReadOnlySpan<byte> plaintext)
    {
        Span<byte> ciphertext = stackalloc byte[64];
        ulong counter = 0;
        IntegrityRegion region = default;
        if (Mode == MemoryProtectionMode.Authenticated)
        {
            region = new IntegrityRegion(_keyTag(line.KeySlot), line.RegionId, line.Instance);
            if (_tree!.Increment(region, line.LineIndex) is not { } c)
            {
                // The counters were tampered with: refuse to extend a forged history.
                Statistics.MacFailures++;
                return false;
            }
            counter = c;
        }
        _keys.Cipher(line.KeySlot).EncryptLine(Tweak(line.RegionId, line.LineIndex, counter), plaintext, ciphertext);
        Statistics.LinesEncrypted++;
        if (Mode == MemoryProtectionMode.Authenticated)
        {
            Statistics.MacWrites++;
            _metadata.Page(region, line.LineIndex / IntegrityMetadataStore.LinesPerPage, create: true)
                .Macs[line.LineIndex % IntegrityMetadataStore.LinesPerPage] = _keys.Mac(line.KeySlot).Compute(LineCrypto.MacTweak(line.RegionId, line.LineIndex, counter, line.Instance), ciphertext);
        }
        _biu.WriteLine(address, ciphertext);
        return true;
    }
}
