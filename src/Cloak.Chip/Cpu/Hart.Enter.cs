using System.Buffers.Binary;
using System.Security.Cryptography;
using Cloak.Chip.Security;
using Cloak.Crypto;
using Cloak.Isa;
using Cloak.Sealing;

namespace Cloak.Chip.Cpu;

/// <summary>
/// trp.enter (SPEC 2.4, docs/sealed-image.md): entering encrypted execution from a sealed image.
/// Threat: the header and every byte of the image come from the OS, which may have forged, swapped or
/// truncated any of it, or may not have mapped it at all. So the chip checks the header first (its
/// shape, that it names this chip, and that the program key unwraps under its digest) before it reads
/// a byte of the regions; an image larger than <see cref="MaxImageBytes"/> is refused outright; and the
/// ciphertext is hashed as it arrives, page by page, with the progress kept on chip, so a page fault
/// midway (the OS mapping the image lazily, or never) costs that page only and no instruction does
/// unbounded work however often it restarts.
/// </summary>
public sealed unsafe partial class Hart
{
    /// <summary>The largest image (all regions together) trp.enter takes: 256 MiB, as the CLI's program limit.</summary>
    public const ulong MaxImageBytes = 256UL << 20;

    /// <summary>A trp.enter that a page fault interrupted: where it stopped, and the hash so far. One per hart, on chip.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Forget() releases the hash and zeroes the key whenever an entry ends; the hart never drops one otherwise")]
    private sealed class EnterProgress
    {
        public required ulong Header { get; init; }
        public required ulong Satp { get; init; }
        public required byte[] Digest { get; init; }
        /// <summary>The unwrapped program key (on chip only; zeroed when the entry completes or is abandoned).</summary>
        public required byte[] ProgramKey { get; init; }
        public int Region { get; set; }
        public ulong Offset { get; set; }
        public IncrementalHash Hash { get; } = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public bool Matches(ulong header, ulong satp, ReadOnlySpan<byte> digest) => Header == header && Satp == satp && Digest.AsSpan().SequenceEqual(digest);

        public void Forget()
        {
            CryptographicOperations.ZeroMemory(ProgramKey);
            Hash.Dispose();
        }
    }

    private EnterProgress? _enterProgress;

    private void AbandonEnter()
    {
        _enterProgress?.Forget();
        _enterProgress = null;
    }

    /// <summary>
    /// Enters encrypted execution from the sealed image whose header (followed by its MAC table) the
    /// loader placed at <paramref name="header"/>: checks the header and the chip, unwraps the program
    /// key bound to the image's digest, checks every region's ciphertext against the header, then
    /// registers the context, installs an EAR entry per region and jumps to the entry with a0 = 1.
    /// Returns false when it trapped (a page fault: it resumes where it stopped when run again).
    /// </summary>
    private bool Enter(ulong header)
    {
        if (_protectedState is not null) return Status(TrpStatus.AlreadyProtected);
        Span<byte> fixedPart = stackalloc byte[SealedImageHeader.FixedHeaderSize];
        if (!ReadPlain(header, fixedPart)) return false;
        if (!SealedImageHeader.TryReadLength(fixedPart, out int headerLength, out _)) return Refuse(TrpStatus.BadImage);
        var bytes = new byte[headerLength];
        if (!ReadPlain(header, bytes)) return false;
        if (!SealedImageHeader.TryRead(bytes, out var image, out _)) return Refuse(TrpStatus.BadImage);
        if (!image.ChipFingerprint.SequenceEqual(_protection!.Identity.Fingerprint)) return Refuse(TrpStatus.WrongChip);
        byte[] digest = image.ComputeDigest();
        // The stored copy is for tools; one that disagrees means a changed header, refused here too.
        if (!digest.AsSpan().SequenceEqual(image.StoredDigest)) return Refuse(TrpStatus.BadImage);

        var progress = _enterProgress;
        if (progress is null || !progress.Matches(header, _satp, digest))
        {
            AbandonEnter();
            // The header is what it claims only if the program key unwraps under its digest: check that
            // before touching a byte of the regions it describes.
            byte[] programKey = new byte[KeyTable.KeySize];
            if (!Ecies.TryUnwrap(_protection.Identity.PrivateKey, image.EphemeralPublicKey, image.WrappedKey, image.WrappedKeyTag,
                    digest, ImageSealer.KeyWrapLabel, programKey))
            {
                CryptographicOperations.ZeroMemory(programKey);
                return Refuse(TrpStatus.BadImage);
            }
            ulong total = 0;
            for (int i = 0; i < image.RegionCount; i++) total += image.Region(i).Size;
            if (total > MaxImageBytes)
            {
                CryptographicOperations.ZeroMemory(programKey);
                return Refuse(TrpStatus.BadImage);
            }
            progress = _enterProgress = new EnterProgress { Header = header, Satp = _satp, Digest = digest, ProgramKey = programKey };
        }

        // Every region's ciphertext must be what the header says, hashed page by page from where the last attempt stopped.
        Span<byte> page = stackalloc byte[(int)Sv39.PageSize];
        for (; progress.Region < image.RegionCount; progress.Region++, progress.Offset = 0)
        {
            var r = image.Region(progress.Region);
            while (progress.Offset < r.Size)
            {
                int n = (int)Math.Min(Sv39.PageSize - ((r.Start + progress.Offset) & 0xFFF), r.Size - progress.Offset);
                if (!ReadPlain(r.Start + progress.Offset, page[..n])) return false;
                progress.Hash.AppendData(page[..n]);
                progress.Offset += (ulong)n;
            }
            if (!progress.Hash.GetHashAndReset().AsSpan().SequenceEqual(image.CiphertextHash(progress.Region))) return Refuse(TrpStatus.BadImage);
        }
        // Every page must be resident now: the conversion below runs within this one instruction.
        var frames = new List<ulong>[image.RegionCount];
        for (int i = 0; i < image.RegionCount; i++)
        {
            var r = image.Region(i);
            frames[i] = new List<ulong>((int)(r.Size / Sv39.PageSize));
            for (ulong at = r.Start; at < r.End; at += Sv39.PageSize)
            {
                if (!Translate(at, (int)Sv39.PageSize, AccessType.Load, at, out ulong pa, out _, out _)) return false;
                if (!_bus.IsRam(pa, Sv39.PageSize))
                {
                    _pendingTrap = new Trap(TrapCause.LoadAccessFault, at);
                    return false;
                }
                frames[i].Add(pa);
            }
        }
        // Authenticated mode: every line must also carry the MAC the sealing tool gave it (the image's
        // MAC table, after the header), checked as each line is re-encrypted below.
        byte[] macs = [];
        if (_protection.Encryption.Mode == MemoryProtectionMode.Authenticated)
        {
            macs = new byte[image.TotalLines * 8];
            if (!ReadPlain(header + (ulong)headerLength, macs)) return false;
        }

        try
        {
            bool debuggable = (image.Flags & (ushort)SealedImageFlags.Debuggable) != 0;
            if (_protection.Contexts.Allocate(_satp, digest, debuggable) is not { } contextId) return Status(TrpStatus.ContextTableFull);
            var ear = new EarTable(_protection.Options.EarEntries);
            int macAt = 0;
            for (int i = 0; i < image.RegionCount; i++)
            {
                var (start, size, _, id, permissions) = image.Region(i);
                int slot = _protection.Keys.Acquire(progress.ProgramKey), index = -1;
                // Each run of a sealed program has its own copy of the image under the same key: its
                // integrity metadata is kept apart by the context id.
                var added = slot < 0 ? TrpStatus.KeyTableFull
                    : ear.TryAdd(new EarEntry { Start = start, Length = size, KeySlot = slot, Kind = RegionKind.Private, Permissions = permissions, RegionId = id, Instance = contextId }, out index);
                if (added == TrpStatus.Ok && !_protection.OpenRegion(contextId, slot, id, contextId))
                {
                    ear.Clear(index);
                    added = TrpStatus.RegionTableFull;
                }
                if (added != TrpStatus.Ok)
                {
                    if (slot >= 0) _protection.Keys.Release(slot);
                    foreach (var e in ear.Entries) if (e.Valid) _protection.Keys.Release(e.KeySlot);
                    _protection.Release(contextId);
                    return Status(added);
                }
                // The image becomes this run's: its lines are re-encrypted under a tweak with the
                // instance, so no line can be moved between two runs of the image.
                for (int p = 0; p < frames[i].Count; p++)
                    for (uint line = 0; line < Sv39.PageSize / 64; line++, macAt += 8)
                    {
                        ulong? imageMac = macs.Length == 0 ? null : BinaryPrimitives.ReadUInt64LittleEndian(macs.AsSpan(macAt));
                        if (_protection.Encryption.ConvertImageLine(frames[i][p] + line * 64,
                                new LineContext(slot, id, (uint)p * (uint)(Sv39.PageSize / 64) + line, FreshIsZero: false, contextId), imageMac))
                            continue;
                        // A line whose MAC the sealing tool did not give it: nothing of this entry stays.
                        foreach (var e in ear.Entries) if (e.Valid) _protection.Keys.Release(e.KeySlot);
                        _protection.Release(contextId);
                        return Refuse(TrpStatus.BadImage);
                    }
            }
            ActivateProtection(new ProtectedState(contextId, digest, debuggable, ear));
            if (Observer is not null)
                foreach (var e in ear.Entries)
                    if (e.Valid) ReportEar(e, added: true);
            _x[10] = 1;
            _pc = image.Entry;
            return true;
        }
        finally
        {
            AbandonEnter();
        }
    }

    /// <summary>A refusal ends any entry in progress (its key is zeroed) and reports the status.</summary>
    private bool Refuse(TrpStatus status)
    {
        AbandonEnter();
        return Status(status);
    }

}
