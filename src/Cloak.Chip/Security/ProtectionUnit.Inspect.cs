using System.Buffers.Binary;
using System.Security.Cryptography;
using Cloak.Isa;
using Cloak.Platform;

namespace Cloak.Chip.Security;

internal sealed partial class ProtectionUnit
{
    /// <summary>
    /// One EAR entry of a sealed context, opened for the host's inspector, key included. It never
    /// leaves this assembly: <see cref="ProtectedMemoryInspector"/> uses the key to read the region's
    /// lines and zeroes it (<see cref="Dispose"/>).
    /// </summary>
    internal sealed class OpenedEntry : IDisposable
    {
        public ulong Start { get; init; }
        public ulong Length { get; init; }
        public uint RegionId { get; init; }
        public uint Instance { get; init; }
        public RegionKind Kind { get; init; }
        public RegionPermissions Permissions { get; init; }
        public bool FreshIsZero { get; init; }
        public byte[] Key { get; } = new byte[KeyTable.KeySize];

        public bool Contains(ulong va) => va - Start < Length;

        public void Dispose() => CryptographicOperations.ZeroMemory(Key);
    }

    /// <summary>
    /// Opens a sealed context without resuming it, for the inspector: the same checks as
    /// <see cref="Unseal"/> (a known context, its latest version, this address space, authentic), then
    /// only its EAR entries come out; the registers are decrypted into a buffer that is zeroed unread.
    /// Nothing changes on chip: no key-table slot, no counter, no version. Threat: this is a host
    /// power (the OS holds the sealed blob but never this unit), see docs/threat-model.md, "The inspector".
    /// </summary>
    public ContextRefusal OpenForInspection(ReadOnlySpan<byte> blob, ulong satp, out uint contextId, out List<OpenedEntry> entries) =>
        OpenForInspection(blob, satp, out contextId, out entries, [], out _, out _);

    /// <summary>
    /// The same, and the registers and pc come out too (x1-x31 into <paramref name="registers"/>, at
    /// least 32 long, or nowhere when it is empty): for the host's debugger on a process sealed as
    /// debuggable, which the host checks before asking (docs/debugging.md). <paramref name="atEcall"/>:
    /// the context was sealed at an ecall.
    /// </summary>
    public ContextRefusal OpenForInspection(ReadOnlySpan<byte> blob, ulong satp, out uint contextId, out List<OpenedEntry> entries,
        Span<ulong> registers, out ulong pc, out bool atEcall)
    {
        pc = 0;
        atEcall = false;
        entries = [];
        contextId = 0;
        if (blob.Length < ContextHeaderSize + ContextNonceSize + 268 + ContextTagSize) return ContextRefusal.Tampered;
        uint id = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        ulong version = BinaryPrimitives.ReadUInt64LittleEndian(blob[4..]);
        var entry = Contexts.Find(id);
        if (entry is null) return ContextRefusal.Unknown;
        if (entry.Satp != satp) return ContextRefusal.ForeignAddressSpace;
        if (version != entry.Version) return ContextRefusal.Stale;
        contextId = id;
        int plainLength = blob.Length - ContextHeaderSize - ContextNonceSize - ContextTagSize;
        byte[] plain = new byte[plainLength];
        try
        {
            using var gcm = new AesGcm(_contextKey, ContextTagSize);
            try
            {
                gcm.Decrypt(blob.Slice(ContextHeaderSize, ContextNonceSize), blob.Slice(ContextHeaderSize + ContextNonceSize, plainLength),
                    blob[^ContextTagSize..], plain, AssociatedData(id, entry));
            }
            catch (AuthenticationTagMismatchException)
            {
                return ContextRefusal.Tampered;
            }
            if (registers.Length >= 32)
            {
                for (int r = 1; r < 32; r++) registers[r] = BinaryPrimitives.ReadUInt64LittleEndian(plain.AsSpan(r * 8));
                pc = BinaryPrimitives.ReadUInt64LittleEndian(plain);
                atEcall = plain[256] != 0;
            }
            int count = BinaryPrimitives.ReadInt32LittleEndian(plain.AsSpan(264));
            for (int i = 0, at = 268; i < count; i++, at += EarRecordSize)
            {
                var record = plain.AsSpan(at, EarRecordSize);
                var e = ReadEarRecord(record);
                var opened = new OpenedEntry
                {
                    Start = e.Start, Length = e.Length, RegionId = e.RegionId, Kind = e.Kind,
                    Permissions = e.Permissions, FreshIsZero = e.FreshIsZero, Instance = e.Instance,
                };
                EarRecordKey(record).CopyTo(opened.Key);
                entries.Add(opened);
            }
            return ContextRefusal.None;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>The tag naming <paramref name="key"/> to the off-chip metadata store (as <see cref="KeyTag"/> computes it for a slot).</summary>
    public ulong KeyTagOf(ReadOnlySpan<byte> key)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_keyTagKey, key, mac);
        return BinaryPrimitives.ReadUInt64LittleEndian(mac);
    }
}
