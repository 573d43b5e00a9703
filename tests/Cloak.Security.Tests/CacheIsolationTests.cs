using Cloak.Chip.Security;
using Cloak.Platform;

namespace Cloak.Security.Tests;

/// <summary>
/// SPEC 2.2: the on-chip data cache holds plaintext, each line tagged with the key context it was
/// decrypted under, "so a line filled for one key is never served to an access that resolves to a
/// different key". These tests drive the chip's data cache and memory encryption unit directly: one
/// physical line, filled and written under one context, then accessed under another.
/// </summary>
public unsafe class CacheIsolationTests
{
    private const ulong RamBase = 0x8000_0000;
    private const ulong Line = RamBase + 0x4_0040;

    private static readonly byte[] Plaintext = [.. Enumerable.Range(0, 64).Select(i => (byte)(0xA0 ^ i * 11))];

    private sealed class Chip : IDisposable
    {
        public Chip(MemoryProtectionMode mode)
        {
            Dram = new Dram(RamBase, 1 << 20);
            Unit = new ProtectionUnit(ChipIdentity.Generate(), new SecurityOptions { Mode = mode }, Dram);
        }

        public Dram Dram { get; }
        public ProtectionUnit Unit { get; }

        public int Key(byte seed) => Unit.Keys.Acquire([.. Enumerable.Range(0, 32).Select(i => (byte)(seed + i))]);

        public byte[] Read(int slot) => new ReadOnlySpan<byte>(Unit.DataCache.Data + slot * 64, 64).ToArray();

        public void Write(int slot, ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(new Span<byte>(Unit.DataCache.Data + slot * 64, 64));
            Unit.DataCache.Dirty[slot] = 1;
        }

        public void Dispose() => Unit.Dispose();
    }

    // SPEC 2.2: a line filled for one key is never served to an access under another key.
    [Theory]
    [InlineData(MemoryProtectionMode.Confidentiality)]
    [InlineData(MemoryProtectionMode.Authenticated)]
    public void A_dirty_line_of_one_key_is_written_back_encrypted_and_not_served_to_an_access_under_another_key(MemoryProtectionMode mode)
    {
        using var chip = new Chip(mode);
        int keyA = chip.Key(1), keyB = chip.Key(100);
        var cache = chip.Unit.DataCache;

        int slotA = cache.Access(Line, new LineContext(keyA, RegionId: 7, LineIndex: 1, FreshIsZero: true));
        chip.Write(slotA, Plaintext);
        int slotB = cache.Access(Line, new LineContext(keyB, RegionId: 7, LineIndex: 1, FreshIsZero: true));

        Assert.True(slotB >= 0);
        Assert.NotEqual(Plaintext, chip.Read(slotB));
        Assert.Equal(1UL, cache.Statistics.WriteBacks);
        Assert.Equal(2UL, cache.Statistics.Misses);
        byte[] dram = chip.Dram.Read(Line, 64).ToArray();
        Assert.NotEqual(Plaintext, dram);
        Assert.True(dram.AsSpan().ContainsAnyExcept((byte)0));

        // Back under key A, the line decrypts to what was written.
        int again = cache.Access(Line, new LineContext(keyA, RegionId: 7, LineIndex: 1, FreshIsZero: true));
        Assert.Equal(Plaintext, chip.Read(again));
    }

    // SPEC 2.2: the cache holds plaintext (the control for the test below: a same-context access hits).
    [Fact]
    public void Under_one_key_the_same_physical_line_hits_for_the_same_region_and_offset()
    {
        using var chip = new Chip(MemoryProtectionMode.Confidentiality);
        int key = chip.Key(1);
        var cache = chip.Unit.DataCache;
        var context = new LineContext(key, RegionId: 7, LineIndex: 1, FreshIsZero: false);

        int first = cache.Access(Line, context);
        chip.Write(first, Plaintext);
        int second = cache.Access(Line, context);

        Assert.Equal(first, second);
        Assert.Equal(1UL, cache.Statistics.SlowHits);
    }

    /// <summary>
    /// The cache finds a line by (physical line, key slot) only: the region id and line index of the
    /// access (its tweak, and in authenticated mode the MAC and counter it must verify against) are not
    /// compared on a hit (src/Cloak.Chip/Memory/DataCache.cs, Access; the hart's TLB fast path uses the
    /// same per-(page, key slot) map). An access under the same key to the same physical line for another
    /// region or offset is served the other one's plaintext without any check. In authenticated mode it
    /// should miss, write the other copy back and refill, failing authentication (-1).
    /// See TamperTests for the attack this enables.
    /// </summary>
    // SPEC 2.5: authenticated mode detects tampering (the cache must not bypass the check).
    [Fact]
    public void Under_one_key_a_line_cached_for_one_region_and_offset_is_not_served_to_another_in_authenticated_mode()
    {
        using var chip = new Chip(MemoryProtectionMode.Authenticated);
        int key = chip.Key(1);
        var cache = chip.Unit.DataCache;

        int slot = cache.Access(Line, new LineContext(key, RegionId: 7, LineIndex: 1, FreshIsZero: true));
        chip.Write(slot, Plaintext);
        int other = cache.Access(Line, new LineContext(key, RegionId: 7, LineIndex: 9, FreshIsZero: true));

        Assert.True(other < 0 || !chip.Read(other).AsSpan().SequenceEqual(Plaintext),
            "line 9 of the region was served line 1's plaintext from the cache");
    }
}
