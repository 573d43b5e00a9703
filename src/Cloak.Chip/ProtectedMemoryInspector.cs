using System.Buffers.Binary;
using Cloak.Chip.Security;
using Cloak.Crypto;
using Cloak.Isa;
using Cloak.Platform;

namespace Cloak.Chip;

/// <summary>Where the inspector's "process view" of a line comes from.</summary>
public enum InspectedSource
{
    /// <summary>The page is not in DRAM now (never touched, or swapped out): nothing to show.</summary>
    NotResident,
    /// <summary>No EAR entry covers the line: plain memory, which the process reads as DRAM holds it.</summary>
    Plain,
    /// <summary>Protected; the chip's data cache holds the line: exactly what the process reads now.</summary>
    Cache,
    /// <summary>Protected; decrypted from DRAM with the region's key (and, authenticated, its counter and MAC checked).</summary>
    Decrypted,
    /// <summary>Protected; never written since the chip made the region (authenticated mode): it reads as zeros.</summary>
    Fresh,
    /// <summary>Protected, authenticated mode; the MAC or the counter does not check: the process would take an integrity fault here.</summary>
    IntegrityFailure,
}

/// <summary>
/// An EAR entry of an inspected process: where, how long, which region, its kind and rights, and its
/// key context (the key-table slot that holds its key now, or -1 while the key lives only in the
/// sealed context): numbers, never the key.
/// </summary>
public sealed record InspectedRegion(ulong Start, ulong Length, RegionKind Kind, RegionPermissions Permissions, uint RegionId, uint Instance, int KeyContext);

/// <summary>
/// One 64-byte line seen from both sides: the process's plaintext view (from the chip) and DRAM's
/// bytes (what the OS and the bus see). In authenticated mode, the line's stored write counter and
/// MAC (off chip, where the OS hosts them) and whether each checks.
/// </summary>
public sealed record InspectedLine(ulong VirtualAddress, ulong? PhysicalAddress, InspectedSource Source, InspectedRegion? Region,
    byte[] ProcessView, byte[] DramView)
{
    /// <summary>The cache's copy is newer than DRAM's (written since the last write-back).</summary>
    public bool Dirty { get; init; }
    public ulong? Counter { get; init; }
    public ulong? Mac { get; init; }
    /// <summary>The stored MAC matches DRAM's ciphertext under the stored counter.</summary>
    public bool? MacMatches { get; init; }
    /// <summary>The stored counter agrees with the chip's on-chip root (a replayed counter does not).</summary>
    public bool? CounterMatchesRoot { get; init; }
}

/// <summary>
/// What the inspector found in one process: whether it is protected, its context id, its EAR entries
/// and the lines asked for. <see cref="Refusal"/> is not <see cref="ContextRefusal.None"/> when the
/// saved context does not open (the OS changed it, say): the chip would refuse it too, and shows nothing.
/// </summary>
public sealed record ContextInspection(bool Protected, ContextRefusal Refusal, uint ContextId, IReadOnlyList<InspectedRegion> Regions, IReadOnlyList<InspectedLine> Lines);

/// <summary>
/// The simulator's inspector (issue 9): for a user process between two of its run slices, its
/// plaintext view of a range beside DRAM's view of the same bytes, line by line, with the region, the
/// key context and, in authenticated mode, each line's counter and MAC.
/// Threat model (docs/threat-model.md, "The inspector"): a real chip has no such door. It is a host
/// power, like <see cref="Processor.Observer"/>: built from the <see cref="Processor"/>, which only
/// the host holds; the OS model and every adversary get the <see cref="OsPort"/> and cannot name it.
/// It opens the process's sealed context with the chip's own context key (checked exactly as a
/// resume checks it), uses the region keys inside the chip assembly and zeroes them; keys never come
/// out, only plaintext, and only to the researcher who asked for it. It changes nothing: no cache
/// fill or write-back, no key-table slot, no counter, so a run inspected is the run it would have been.
/// </summary>
public sealed class ProtectedMemoryInspector(Processor processor)
{
    /// <summary>At most this many bytes per range (a hexdump for people, not a memory dump).</summary>
    public const int MaxLength = 64 * 1024;

    private const int Line = 64;

    /// <summary>The EAR entries of the process whose saved context is <paramref name="context"/> (none for a plain process).</summary>
    public ContextInspection Regions(UserContext context) => Inspect(context, []);

    /// <summary>
    /// The registers (x1-x31 into <paramref name="registers"/>, 32 long) and pc of the process whose
    /// saved context is <paramref name="context"/>, as it will resume (a completed system call's result
    /// in a0, the pc past its ecall). For a plain context, what the OS keeps. Threat: this shows a
    /// protected program's registers; the host's debugger asks only for an image sealed as debuggable
    /// (its header flag, part of its identity), never for any other.
    /// </summary>
    public ContextRefusal Registers(UserContext context, Span<ulong> registers, out ulong pc)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(registers.Length, 32);
        registers[0] = 0;
        if (context.SealedState is not { } blob || processor.Protection is not { } protection)
        {
            for (int r = 1; r < 32; r++) registers[r] = context[r];
            pc = context.Pc;
            return ContextRefusal.None;
        }
        var refusal = protection.OpenForInspection(blob, context.Satp, out _, out var entries, registers, out pc, out bool atEcall);
        foreach (var e in entries) e.Dispose();
        if (refusal != ContextRefusal.None) return refusal;
        if (atEcall && context.SyscallCompleted)
        {
            registers[10] = context.SyscallResult;
            pc += 4;
        }
        return ContextRefusal.None;
    }

    /// <summary>Inspects the given virtual ranges (each rounded out to whole lines, at most <see cref="MaxLength"/> bytes).</summary>
    public ContextInspection Inspect(UserContext context, IReadOnlyList<(ulong Start, ulong Length)> ranges)
    {
        var protection = processor.Protection;
        List<ProtectionUnit.OpenedEntry> entries = [];
        uint contextId = 0;
        try
        {
            if (context.SealedState is { } blob && protection is not null)
            {
                var refusal = protection.OpenForInspection(blob, context.Satp, out contextId, out entries);
                if (refusal != ContextRefusal.None) return new ContextInspection(true, refusal, contextId, [], []);
            }
            var regions = entries.Select(e => Describe(protection!, e)).ToList();
            var lines = new List<InspectedLine>();
            foreach (var (start, length) in ranges)
            {
                ulong first = start & ~(ulong)(Line - 1);
                ulong end = start + Math.Min(Math.Max(length, 1), MaxLength);
                for (ulong va = first; va < end && va >= first; va += Line)
                    lines.Add(ReadLine(protection, context.Satp, va, entries, regions));
            }
            return new ContextInspection(context.SealedState is not null, ContextRefusal.None, contextId, regions, lines);
        }
        finally
        {
            foreach (var e in entries) e.Dispose();
        }
    }

    private static InspectedRegion Describe(ProtectionUnit protection, ProtectionUnit.OpenedEntry e) =>
        new(e.Start, e.Length, e.Kind, e.Permissions, e.RegionId, e.Instance, protection.Keys.Find(e.Key));

    private InspectedLine ReadLine(ProtectionUnit? protection, ulong satp, ulong va, List<ProtectionUnit.OpenedEntry> entries, List<InspectedRegion> regions)
    {
        int index = entries.FindIndex(e => e.Contains(va));
        var region = index < 0 ? null : regions[index];
        if (Translate(satp, va) is not { } pa) return new InspectedLine(va, null, InspectedSource.NotResident, region, [], []);
        byte[] dram = new byte[Line];
        processor.Dram.ReadRaw(pa, dram);
        if (index < 0 || protection is null) return new InspectedLine(va, pa, InspectedSource.Plain, null, [.. dram], dram);

        var entry = entries[index];
        uint lineIndex = (uint)((va - entry.Start) >> 6);
        var lineContext = new LineContext(region!.KeyContext, entry.RegionId, lineIndex, entry.FreshIsZero, entry.Instance);
        byte[] view = new byte[Line];
        bool dirty = false;
        bool cached = region.KeyContext > 0 && protection.DataCache.TryPeek(pa, lineContext, view, out dirty);

        ulong counter = 0;
        ulong? storedMac = null;
        bool? macMatches = null, counterMatches = null;
        if (protection.Tree is { } tree)
        {
            var integrityRegion = new IntegrityRegion(protection.KeyTagOf(entry.Key), entry.RegionId, entry.Instance);
            counter = protection.Metadata.ReadCounter(integrityRegion, lineIndex);
            storedMac = protection.Metadata.ReadMac(integrityRegion, lineIndex);
            counterMatches = tree.CounterMatchesRoot(integrityRegion, lineIndex);
            using var mac = LineCrypto.CreateMac(entry.Key);
            macMatches = mac.Compute(protection.Encryption.LineTweak(entry.RegionId, lineIndex, counter, entry.Instance), dram) == storedMac;
        }
        var source = InspectedSource.Cache;
        if (!cached)
        {
            if (protection.Tree is not null && counter == 0 && entry.FreshIsZero && counterMatches == true)
            {
                source = InspectedSource.Fresh;
            }
            else if (protection.Tree is not null && (macMatches != true || counterMatches != true))
            {
                source = InspectedSource.IntegrityFailure;
            }
            else
            {
                using var cipher = new XtsAes128(entry.Key.AsSpan(0, 16), entry.Key.AsSpan(16, 16));
                cipher.DecryptLine(protection.Encryption.LineTweak(entry.RegionId, lineIndex, counter, entry.Instance), dram, view);
                source = InspectedSource.Decrypted;
            }
        }
        return new InspectedLine(va, pa, source, region, view, dram)
        {
            Dirty = dirty,
            Counter = protection.Tree is null ? null : counter,
            Mac = storedMac,
            MacMatches = macMatches,
            CounterMatchesRoot = counterMatches,
        };
    }

    /// <summary>An Sv39 walk that only reads (no accessed/dirty updates, no coherence traffic): where the page is now, or null.</summary>
    private ulong? Translate(ulong satp, ulong va)
    {
        if (!Sv39.IsCanonical(va)) return null;
        var dram = processor.Dram;
        Span<byte> raw = stackalloc byte[8];
        ulong table = Sv39.SatpPpn(satp) << Sv39.PageShift;
        for (int level = 2; level >= 0; level--)
        {
            ulong pteAddress = table + ((va >> (Sv39.PageShift + 9 * level)) & 0x1FF) * 8;
            if (!dram.Contains(pteAddress, 8)) return null;
            dram.ReadRaw(pteAddress, raw);
            ulong pte = BinaryPrimitives.ReadUInt64LittleEndian(raw);
            if ((pte & Pte.Valid) == 0) return null;
            if ((pte & (Pte.Read | Pte.Execute)) == 0)
            {
                table = Pte.Ppn(pte) << Sv39.PageShift;
                continue;
            }
            ulong offsetMask = (1UL << (Sv39.PageShift + 9 * level)) - 1;
            ulong pa = ((Pte.Ppn(pte) << Sv39.PageShift) & ~offsetMask) | (va & offsetMask);
            return dram.Contains(pa, Line) ? pa & ~(ulong)(Line - 1) : null;
        }
        return null;
    }
}
