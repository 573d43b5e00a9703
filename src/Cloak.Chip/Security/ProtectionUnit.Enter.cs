using System.Buffers.Binary;
using System.Security.Cryptography;
using Cloak.Crypto;
using Cloak.Isa;
using Cloak.Sealing;

namespace Cloak.Chip.Security;

/// <summary>What a trp.enter that did not trap came to: a refusal (<see cref="State"/> null) or the new protected context and its entry point.</summary>
internal readonly record struct EnterOutcome(TrpStatus Status, ProtectedState? State, ulong Entry)
{
    public static EnterOutcome Refused(TrpStatus status) => new(status, null, 0);
}

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
internal sealed partial class ProtectionUnit
{
    /// <summary>The largest image (all regions together) trp.enter takes: 256 MiB, as the CLI's program limit.</summary>
    public const ulong MaxImageBytes = 256UL << 20;

    /// <summary>A trp.enter that a page fault interrupted: where it stopped, and the hash so far. The chip has one hart, so one of these.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Forget() releases the hash and zeroes the key whenever an entry ends; the unit never drops one otherwise")]
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

    /// <summary>Ends any trp.enter in progress (its program key is zeroed).</summary>
    public void AbandonEnter()
    {
        _enterProgress?.Forget();
        _enterProgress = null;
    }

    /// <summary>
    /// Enters encrypted execution from the sealed image whose header (followed by its MAC table) the
    /// loader placed at <paramref name="header"/>: checks the header and the chip, unwraps the program
    /// key bound to the image's digest, checks every region's ciphertext against the header, then
    /// registers the context with an EAR entry per region. False when it trapped (a page fault: it
    /// resumes where it stopped when run again); otherwise <paramref name="outcome"/> says what came of it.
    /// </summary>
    public bool Enter(ITrpCaller caller, ulong header, out EnterOutcome outcome)
    {
        outcome = default;
        if (caller.Caller is not null)
        {
            outcome = EnterOutcome.Refused(TrpStatus.AlreadyProtected);
            return true;
        }
        Span<byte> fixedPart = stackalloc byte[SealedImageHeader.FixedHeaderSize];
        if (!caller.ReadPlain(header, fixedPart)) return false;
        if (!SealedImageHeader.TryReadLength(fixedPart, out int headerLength, out _)) return Refuse(TrpStatus.BadImage, out outcome);
        var bytes = new byte[headerLength];
        if (!caller.ReadPlain(header, bytes)) return false;
        if (!SealedImageHeader.TryRead(bytes, out var image, out _)) return Refuse(TrpStatus.BadImage, out outcome);
        if (!image.ChipFingerprint.SequenceEqual(Identity.Fingerprint)) return Refuse(TrpStatus.WrongChip, out outcome);
        byte[] digest = image.ComputeDigest();
        // The stored copy is for tools; one that disagrees means a changed header, refused here too.
        if (!digest.AsSpan().SequenceEqual(image.StoredDigest)) return Refuse(TrpStatus.BadImage, out outcome);

        var progress = _enterProgress;
        if (progress is null || !progress.Matches(header, caller.AddressSpace, digest))
        {
            AbandonEnter();
            // The header is what it claims only if the program key unwraps under its digest: check that
            // before touching a byte of the regions it describes.
            byte[] programKey = new byte[KeyTable.KeySize];
            if (!Ecies.TryUnwrap(Identity.PrivateKey, image.EphemeralPublicKey, image.WrappedKey, image.WrappedKeyTag,
                    digest, ImageSealer.KeyWrapLabel, programKey))
            {
                CryptographicOperations.ZeroMemory(programKey);
                return Refuse(TrpStatus.BadImage, out outcome);
            }
            ulong total = 0;
            for (int i = 0; i < image.RegionCount; i++) total += image.Region(i).Size;
            if (total > MaxImageBytes)
            {
                CryptographicOperations.ZeroMemory(programKey);
                return Refuse(TrpStatus.BadImage, out outcome);
            }
            progress = _enterProgress = new EnterProgress { Header = header, Satp = caller.AddressSpace, Digest = digest, ProgramKey = programKey };
        }

        // Every region's ciphertext must be what the header says, hashed page by page from where the last attempt stopped.
        Span<byte> page = stackalloc byte[(int)Sv39.PageSize];
        for (; progress.Region < image.RegionCount; progress.Region++, progress.Offset = 0)
        {
            var r = image.Region(progress.Region);
            while (progress.Offset < r.Size)
            {
                int n = (int)Math.Min(Sv39.PageSize - ((r.Start + progress.Offset) & 0xFFF), r.Size - progress.Offset);
                if (!caller.ReadPlain(r.Start + progress.Offset, page[..n])) return false;
                progress.Hash.AppendData(page[..n]);
                progress.Offset += (ulong)n;
            }
            if (!progress.Hash.GetHashAndReset().AsSpan().SequenceEqual(image.CiphertextHash(progress.Region))) return Refuse(TrpStatus.BadImage, out outcome);
        }
        // Every page must be resident now: the conversion below runs within this one instruction.
        var frames = new List<ulong>[image.RegionCount];
        for (int i = 0; i < image.RegionCount; i++)
        {
            var r = image.Region(i);
            frames[i] = new List<ulong>((int)(r.Size / Sv39.PageSize));
            for (ulong at = r.Start; at < r.End; at += Sv39.PageSize)
            {
                if (!caller.TryFrame(at, out ulong frame)) return false;
                frames[i].Add(frame);
            }
        }
        // Authenticated mode: every line must also carry the MAC the sealing tool gave it (the image's
        // MAC table, after the header), checked as each line is re-encrypted below.
        byte[] macs = [];
        if (Encryption.Mode == MemoryProtectionMode.Authenticated)
        {
            macs = new byte[image.TotalLines * 8];
            if (!caller.ReadPlain(header + (ulong)headerLength, macs)) return false;
        }

        try
        {
            outcome = Admit(image, digest, progress.ProgramKey, frames, macs, caller.AddressSpace);
            return true;
        }
        finally
        {
            AbandonEnter();
        }
    }

    /// <summary>Registers the context and re-encrypts the image in place as this run's own (one instruction, every page resident).</summary>
    private EnterOutcome Admit(SealedImageHeader image, byte[] digest, byte[] programKey, List<ulong>[] frames, byte[] macs, ulong satp)
    {
        bool debuggable = (image.Flags & (ushort)SealedImageFlags.Debuggable) != 0;
        if (Contexts.Allocate(satp, digest, debuggable) is not { } contextId) return EnterOutcome.Refused(TrpStatus.ContextTableFull);
        var ear = new EarTable(Options.EarEntries);
        int macAt = 0;
        for (int i = 0; i < image.RegionCount; i++)
        {
            var (start, size, _, id, permissions) = image.Region(i);
            int slot = Keys.Acquire(programKey), index = -1;
            // Each run of a sealed program has its own copy of the image under the same key: its
            // integrity metadata is kept apart by the context id.
            var added = slot < 0 ? TrpStatus.KeyTableFull
                : ear.TryAdd(new EarEntry { Start = start, Length = size, KeySlot = slot, Kind = RegionKind.Private, Permissions = permissions, RegionId = id, Instance = contextId }, out index);
            if (added == TrpStatus.Ok && !OpenRegion(contextId, slot, id, contextId))
            {
                ear.Clear(index);
                added = TrpStatus.RegionTableFull;
            }
            if (added != TrpStatus.Ok)
            {
                if (slot >= 0) Keys.Release(slot);
                ReleaseEntered(ear, contextId);
                return EnterOutcome.Refused(added);
            }
            // The image becomes this run's: its lines are re-encrypted under a tweak with the
            // instance, so no line can be moved between two runs of the image.
            for (int p = 0; p < frames[i].Count; p++)
            {
                // A plain copy of an image line (the process read its image) must not outlive the conversion.
                DataCache.Flush(frames[i][p], Sv39.PageSize, invalidate: true);
                for (uint line = 0; line < Sv39.PageSize / 64; line++, macAt += 8)
                {
                    ulong? imageMac = macs.Length == 0 ? null : BinaryPrimitives.ReadUInt64LittleEndian(macs.AsSpan(macAt));
                    if (Encryption.ConvertImageLine(frames[i][p] + line * 64,
                            new LineContext(slot, id, (uint)p * (uint)(Sv39.PageSize / 64) + line, FreshIsZero: false, contextId), imageMac))
                        continue;
                    // A line whose MAC the sealing tool did not give it: nothing of this entry stays.
                    ReleaseEntered(ear, contextId);
                    return EnterOutcome.Refused(TrpStatus.BadImage);
                }
            }
        }
        return new EnterOutcome(TrpStatus.Ok, new ProtectedState(contextId, digest, debuggable, ear), image.Entry);
    }

    private void ReleaseEntered(EarTable ear, uint contextId)
    {
        foreach (var e in ear.Entries) if (e.Valid) Keys.Release(e.KeySlot);
        Release(contextId);
    }

    /// <summary>A refusal ends any entry in progress (its key is zeroed).</summary>
    private bool Refuse(TrpStatus status, out EnterOutcome outcome)
    {
        AbandonEnter();
        outcome = EnterOutcome.Refused(status);
        return true;
    }
}
