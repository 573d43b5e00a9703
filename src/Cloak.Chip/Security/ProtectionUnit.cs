using System.Buffers.Binary;
using System.Security.Cryptography;
using Cloak.Chip.Bus;
using Cloak.Chip.Memory;
using Cloak.Chip.Timing;
using Cloak.Crypto;
using Cloak.Isa;
using Cloak.Platform;

namespace Cloak.Chip.Security;

/// <summary>
/// The chip's protection hardware, assembled: key table, memory encryption unit, caches, counter tree,
/// context registry and the secrets derived from the chip identity. The hart consults it on every
/// protected access; the OS port uses it to seal and unseal contexts. Nothing outside the chip
/// assembly can reach a key through it.
/// </summary>
internal sealed partial class ProtectionUnit : IDisposable
{
    private const int ContextNonceSize = 12, ContextTagSize = 16, ContextHeaderSize = 4 + 8;
    private const int EarRecordSize = 8 + 8 + 4 + 1 + 1 + 1 + 1 + KeyTable.KeySize + 4; // 60
    private readonly byte[] _contextKey;
    /// <summary>The context-sealing cipher, made once: a context is sealed and unsealed at every switch of a protected process.</summary>
    private readonly AesGcm _contextCipher;
    /// <summary>
    /// Drawn at every power-on and bound into every sealed context (its associated data). Threat: the
    /// context key is derived from the chip key, so it is the same after a power cycle, and context ids
    /// and versions count again from 1; without this value a context the OS saved during one power-on
    /// would authenticate in a later one where a context of the same program, address space, id and
    /// version exists, and the OS could roll that process back to the old registers and keys.
    /// </summary>
    private readonly byte[] _bootNonce = RandomNumberGenerator.GetBytes(16);
    /// <summary>
    /// Random GCM nonces drawn many at a time: one call to the system generator costs about 2 us, as
    /// much as sealing the context itself, and a protected process is sealed at every switch. The
    /// nonces are as random as before (only drawn earlier) and are public (they travel in the blob).
    /// </summary>
    private readonly byte[] _noncePool = new byte[ContextNonceSize * 256];
    private int _noncePoolNext = ContextNonceSize * 256;
    private readonly byte[] _keyTagKey;
    private readonly Dictionary<int, ulong> _keyTags = [];

    public ProtectionUnit(ChipIdentity identity, SecurityOptions options, Dram dram)
    {
        options.Validate();
        Identity = identity;
        Options = options;
        _contextKey = identity.DeriveSecret("cloak context sealing", 32);
        _contextCipher = new AesGcm(_contextKey, ContextTagSize);
        _keyTagKey = identity.DeriveSecret("cloak key tag", 32);
        byte[] treeKey = identity.DeriveSecret("cloak counter tree 2", LineMac.KeySize);
        Keys = new KeyTable(options.KeySlots + 1);
        Bus = new BusInterfaceUnit(dram);
        Metadata = new IntegrityMetadataStore();
        Tree = options.Mode == MemoryProtectionMode.Authenticated ? new IntegrityTree(Metadata, treeKey, options.IntegrityNodeCache, options.IntegrityRoots) : null;
        CryptographicOperations.ZeroMemory(treeKey);
        var tree = Tree;
        Timing = new MemoryHierarchy(options.Timing, options.Latency, options.Mode,
            tree is null ? null : line => tree.TopLevel(new IntegrityRegion(KeyTag(line.KeySlot), line.RegionId, line.Instance)));
        Encryption = new MemoryEncryptionUnit(Keys, Bus, options.Mode, Metadata, Tree, KeyTag, Timing);
        DataCache = new DataCache(options.DataCacheBytes, options.DataCacheWays, Encryption, dram, Timing);
        Contexts = new ContextRegistry(options.ProtectedContexts);
        Keys.Evicting = slot =>
        {
            DataCache.FlushKey(slot);
            KeyEvicted?.Invoke(slot);
            _keyTags.Remove(slot);
        };
    }

    public ChipIdentity Identity { get; }
    public SecurityOptions Options { get; }
    public KeyTable Keys { get; }
    public BusInterfaceUnit Bus { get; }
    public IntegrityMetadataStore Metadata { get; }
    public IntegrityTree? Tree { get; }
    public MemoryEncryptionUnit Encryption { get; }
    public MemoryHierarchy Timing { get; }
    public DataCache DataCache { get; }
    public ContextRegistry Contexts { get; }
    public ProtectionStatistics Statistics { get; } = new();

    /// <summary>
    /// Cycles the memory hierarchy and the protection hardware have added so far: the timing model's
    /// (L2, DRAM, bus, cryptography, counters: <see cref="MemoryHierarchy"/>) and sealing or opening
    /// contexts (<see cref="CryptoLatency.ContextCycles"/> each).
    /// </summary>
    public ulong StallCycles => Timing.Total + ContextCycles;

    public ulong ContextCycles => (Statistics.ContextSaves + Statistics.ContextRestores) * Options.Latency.ContextCycles;

    /// <summary>Raised before a key slot takes another key (the hart drops decoded code and I-cache lines of it).</summary>
    public event Action<int>? KeyEvicted;

    /// <summary>A tag naming a key to the off-chip metadata store without revealing it (keyed hash, chip secret).</summary>
    public ulong KeyTag(int slot)
    {
        if (_keyTags.TryGetValue(slot, out ulong tag)) return tag;
        Span<byte> key = stackalloc byte[KeyTable.KeySize];
        Keys.CopyKey(slot, key);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_keyTagKey, key, mac);
        CryptographicOperations.ZeroMemory(key);
        tag = BinaryPrimitives.ReadUInt64LittleEndian(mac);
        _keyTags[slot] = tag;
        return tag;
    }

    /// <summary>Fresh random bytes from the chip's generator.</summary>
    public static void Random(Span<byte> destination) => RandomNumberGenerator.Fill(destination);

    public uint NewRegionId() => (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);

    /// <summary>
    /// Seals a suspended protected context: registers, pc, whether it stopped at an ecall, and its EAR
    /// table with the keys, authenticated-encrypted under the chip's context key and bound to the
    /// context id, a new version, the program identity and the address space. Releases the key-slot
    /// references of its EAR entries (the slots stay until needed, so caches stay warm).
    /// </summary>
    public byte[] Seal(ProtectedState state, ReadOnlySpan<ulong> registers, ulong pc, bool atEcall)
    {
        var entry = Contexts.Find(state.ContextId) ?? throw new InvalidOperationException("sealing an unregistered context");
        entry.Version++;
        var ear = state.Ear.Entries;
        int valid = 0;
        foreach (var e in ear) if (e.Valid) valid++;
        int plainLength = 32 * 8 + 8 + 4 + valid * EarRecordSize;
        byte[] plain = new byte[plainLength];
        try
        {
            for (int r = 1; r < 32; r++) BinaryPrimitives.WriteUInt64LittleEndian(plain.AsSpan(r * 8), registers[r]);
            BinaryPrimitives.WriteUInt64LittleEndian(plain.AsSpan(0), pc);
            plain[256] = atEcall ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteInt32LittleEndian(plain.AsSpan(264), valid);
            int at = 268;
            foreach (var e in ear)
            {
                if (!e.Valid) continue;
                var record = plain.AsSpan(at, EarRecordSize);
                BinaryPrimitives.WriteUInt64LittleEndian(record, e.Start);
                BinaryPrimitives.WriteUInt64LittleEndian(record[8..], e.Length);
                BinaryPrimitives.WriteUInt32LittleEndian(record[16..], e.RegionId);
                record[20] = (byte)e.Kind;
                record[21] = (byte)e.Permissions;
                record[22] = e.FreshIsZero ? (byte)1 : (byte)0;
                Keys.CopyKey(e.KeySlot, record[24..]);
                BinaryPrimitives.WriteUInt32LittleEndian(record[56..], e.Instance);
                Keys.Release(e.KeySlot);
                at += EarRecordSize;
            }
            byte[] blob = new byte[ContextHeaderSize + ContextNonceSize + plainLength + ContextTagSize];
            BinaryPrimitives.WriteUInt32LittleEndian(blob, state.ContextId);
            BinaryPrimitives.WriteUInt64LittleEndian(blob.AsSpan(4), entry.Version);
            var nonce = blob.AsSpan(ContextHeaderSize, ContextNonceSize);
            NextNonce(nonce);
            _contextCipher.Encrypt(nonce, plain, blob.AsSpan(ContextHeaderSize + ContextNonceSize, plainLength), blob.AsSpan(blob.Length - ContextTagSize),
                AssociatedData(state.ContextId, entry));
            Statistics.ContextSaves++;
            return blob;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>
    /// Checks and opens a sealed context for <paramref name="satp"/>: the context must be known, be the
    /// latest version, belong to this address space and authenticate. On success returns the state with
    /// its EAR table rebuilt (keys back in the key table) and the registers.
    /// </summary>
    public ContextRefusal Unseal(ReadOnlySpan<byte> blob, ulong satp, Span<ulong> registers, out ulong pc, out bool atEcall, out ProtectedState? state)
    {
        pc = 0;
        atEcall = false;
        state = null;
        if (blob.Length < ContextHeaderSize + ContextNonceSize + 268 + ContextTagSize) return Refuse(ContextRefusal.Tampered);
        uint id = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        ulong version = BinaryPrimitives.ReadUInt64LittleEndian(blob[4..]);
        var entry = Contexts.Find(id);
        if (entry is null) return Refuse(ContextRefusal.Unknown);
        if (entry.Satp != satp) return Refuse(ContextRefusal.ForeignAddressSpace);
        if (version != entry.Version) return Refuse(ContextRefusal.Stale);
        int plainLength = blob.Length - ContextHeaderSize - ContextNonceSize - ContextTagSize;
        byte[] plain = new byte[plainLength];
        try
        {
            try
            {
                _contextCipher.Decrypt(blob.Slice(ContextHeaderSize, ContextNonceSize), blob.Slice(ContextHeaderSize + ContextNonceSize, plainLength),
                    blob[^ContextTagSize..], plain, AssociatedData(id, entry));
            }
            catch (AuthenticationTagMismatchException)
            {
                return Refuse(ContextRefusal.Tampered);
            }
            pc = BinaryPrimitives.ReadUInt64LittleEndian(plain);
            for (int r = 1; r < 32; r++) registers[r] = BinaryPrimitives.ReadUInt64LittleEndian(plain.AsSpan(r * 8));
            atEcall = plain[256] != 0;
            int count = BinaryPrimitives.ReadInt32LittleEndian(plain.AsSpan(264));
            var ear = new EarTable(Options.EarEntries);
            for (int i = 0, at = 268; i < count; i++, at += EarRecordSize)
            {
                var record = plain.AsSpan(at, EarRecordSize);
                var e = ReadEarRecord(record);
                e.KeySlot = Keys.Acquire(EarRecordKey(record));
                if (e.KeySlot < 0) throw new InvalidOperationException("the key table cannot hold a resumed context's keys");
                ear.TryAdd(e, out _);
            }
            state = new ProtectedState(id, entry.ProgramIdentity, entry.Debuggable, ear);
            Statistics.ContextRestores++;
            return ContextRefusal.None;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>An EAR entry as <see cref="Seal"/> wrote it into a context (no key slot: the key is <see cref="EarRecordKey"/>).</summary>
    private static EarEntry ReadEarRecord(ReadOnlySpan<byte> record) => new()
    {
        Start = BinaryPrimitives.ReadUInt64LittleEndian(record),
        Length = BinaryPrimitives.ReadUInt64LittleEndian(record[8..]),
        RegionId = BinaryPrimitives.ReadUInt32LittleEndian(record[16..]),
        Kind = (RegionKind)record[20],
        Permissions = (RegionPermissions)record[21],
        FreshIsZero = record[22] != 0,
        Instance = BinaryPrimitives.ReadUInt32LittleEndian(record[56..]),
    };

    private static ReadOnlySpan<byte> EarRecordKey(ReadOnlySpan<byte> record) => record[24..(24 + KeyTable.KeySize)];

    private ContextRefusal Refuse(ContextRefusal why)
    {
        Statistics.ContextsRefused++;
        return why;
    }

    private byte[] AssociatedData(uint id, ContextRegistry.Entry entry)
    {
        var aad = new byte[4 + 8 + 8 + 32 + 16];
        BinaryPrimitives.WriteUInt32LittleEndian(aad, id);
        BinaryPrimitives.WriteUInt64LittleEndian(aad.AsSpan(4), entry.Version);
        BinaryPrimitives.WriteUInt64LittleEndian(aad.AsSpan(12), entry.Satp);
        entry.ProgramIdentity.CopyTo(aad, 20);
        _bootNonce.CopyTo(aad, 52);
        return aad;
    }

    private void NextNonce(Span<byte> nonce)
    {
        if (_noncePoolNext + ContextNonceSize > _noncePool.Length)
        {
            RandomNumberGenerator.Fill(_noncePool);
            _noncePoolNext = 0;
        }
        _noncePool.AsSpan(_noncePoolNext, ContextNonceSize).CopyTo(nonce);
        _noncePoolNext += ContextNonceSize;
    }

    /// <summary>Forgets a context (its process ended): its id can no longer be resumed, and the regions it mapped lose its references.</summary>
    public void Release(uint contextId)
    {
        if (Tree is not null && Contexts.Find(contextId) is { } entry)
            foreach (var region in entry.Regions) Tree.Close(region);
        Contexts.Release(contextId);
    }

    /// <summary>
    /// Authenticated mode: takes an integrity root for the region an EAR entry of <paramref name="contextId"/>
    /// names (key slot, region id, instance), remembered on chip with the context so that its end
    /// releases it. False when the root table is full (<c>RegionTableFull</c>).
    /// </summary>
    public bool OpenRegion(uint contextId, int slot, uint regionId, uint instance)
    {
        if (Tree is null) return true;
        var region = new IntegrityRegion(KeyTag(slot), regionId, instance);
        if (!Tree.Open(region, DropLines)) return false;
        Contexts.Find(contextId)?.Regions.Add(region);
        return true;
    }

    /// <summary>The EAR entry naming a region was cleared: one reference fewer on its root.</summary>
    public void CloseRegion(uint contextId, int slot, uint regionId, uint instance)
    {
        if (Tree is null) return;
        var region = new IntegrityRegion(KeyTag(slot), regionId, instance);
        if (Contexts.Find(contextId)?.Regions.Remove(region) == true) Tree.Close(region);
    }

    // A root being evicted: no cached plaintext of its region may be written back under a fresh root.
    private void DropLines(IntegrityRegion region) =>
        DataCache.Drop(line => line.RegionId == region.RegionId && line.Instance == region.Instance && KeyTag(line.KeySlot) == region.KeyTag);

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_contextKey);
        _contextCipher.Dispose();
        CryptographicOperations.ZeroMemory(_keyTagKey);
        Keys.Dispose();
        Tree?.Dispose();
    }
}
