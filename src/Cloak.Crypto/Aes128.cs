using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using AesNi = System.Runtime.Intrinsics.X86.Aes;
using PlatformAes = System.Security.Cryptography.Aes;

namespace Cloak.Crypto;

/// <summary>
/// AES-128 (FIPS 197) on single blocks, with the key expanded once per key.
/// Threat: key recovery through the cipher implementation itself. Table-driven AES leaks its key
/// through cache timing, so this type only ever runs AES-NI or the platform's own (constant-time)
/// implementation. The expanded round keys live in a pinned array, so the garbage collector never
/// leaves stale copies of them behind, and <see cref="Dispose"/> zeroes them.
/// </summary>
/// <remarks>
/// The fast path uses AES-NI when the host has it; otherwise every call goes through an ECB one-shot
/// on one <see cref="PlatformAes"/> instance created for this key. Both paths give the same results
/// (the tests check each against the class library). An instance is not safe for concurrent use;
/// the chip keeps one per installed key.
/// </remarks>
internal sealed class Aes128 : IDisposable
{
    public const int BlockSize = 16;
    public const int KeySize = 16;
    private const int Rounds = 10;

    // Round keys 0..10 for encryption, then 11..21 for the equivalent inverse cipher (FIPS 197 5.3.5).
    // Null on the fallback path.
    private readonly Vector128<byte>[]? _roundKeys;
    private readonly PlatformAes? _platform;
    private bool _disposed;

    /// <summary>True when this host runs AES-128 with AES-NI instructions.</summary>
    public static bool HardwareAccelerated => AesNi.IsSupported;

    public Aes128(ReadOnlySpan<byte> key16)
        : this(key16, allowHardware: true)
    {
    }

    /// <param name="allowHardware">False forces the class-library path even on AES-NI hosts (for tests).</param>
    internal Aes128(ReadOnlySpan<byte> key16, bool allowHardware)
    {
        if (key16.Length != KeySize)
            throw new ArgumentException("An AES-128 key is 16 bytes.", nameof(key16));

        if (allowHardware && HardwareAccelerated)
        {
            _roundKeys = GC.AllocateArray<Vector128<byte>>(2 * (Rounds + 1), pinned: true);
            ExpandKey(Vector128.Create(key16), _roundKeys);
        }
        else
        {
            _platform = PlatformAes.Create();
            _platform.SetKey(key16);
        }
    }

    /// <summary>True when this instance runs on AES-NI (false on the fallback path).</summary>
    public bool UsesHardware => _roundKeys is not null;

    public void EncryptBlock(ReadOnlySpan<byte> in16, Span<byte> out16)
    {
        CheckLengths(in16, out16, BlockSize);
        Store(Encrypt(Load(in16, 0)), out16, 0);
    }

    public void DecryptBlock(ReadOnlySpan<byte> in16, Span<byte> out16)
    {
        CheckLengths(in16, out16, BlockSize);
        Store(Decrypt(Load(in16, 0)), out16, 0);
    }

    /// <summary>Encrypts four independent blocks (ECB) with their rounds interleaved.</summary>
    public void Encrypt4(ReadOnlySpan<byte> in64, Span<byte> out64)
    {
        CheckLengths(in64, out64, 4 * BlockSize);
        Vector128<byte> b0 = Load(in64, 0), b1 = Load(in64, 16), b2 = Load(in64, 32), b3 = Load(in64, 48);
        Encrypt4(ref b0, ref b1, ref b2, ref b3);
        Store(b0, out64, 0);
        Store(b1, out64, 16);
        Store(b2, out64, 32);
        Store(b3, out64, 48);
    }

    /// <summary>Decrypts four independent blocks (ECB) with their rounds interleaved.</summary>
    public void Decrypt4(ReadOnlySpan<byte> in64, Span<byte> out64)
    {
        CheckLengths(in64, out64, 4 * BlockSize);
        Vector128<byte> b0 = Load(in64, 0), b1 = Load(in64, 16), b2 = Load(in64, 32), b3 = Load(in64, 48);
        Decrypt4(ref b0, ref b1, ref b2, ref b3);
        Store(b0, out64, 0);
        Store(b1, out64, 16);
        Store(b2, out64, 32);
        Store(b3, out64, 48);
    }

    /// <summary>Encrypts one block held in a register (for the modes built on this type).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Vector128<byte> Encrypt(Vector128<byte> block)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_roundKeys is null)
            return PlatformEcb(block, encrypt: true);
        return Rounds10(block, ref MemoryMarshal.GetArrayDataReference(_roundKeys), encrypt: true);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Vector128<byte> Decrypt(Vector128<byte> block)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_roundKeys is null)
            return PlatformEcb(block, encrypt: false);
        return Rounds10(block, ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_roundKeys), Rounds + 1), encrypt: false);
    }

    /// <summary>Encrypts four blocks in registers. AESENC has a latency of several cycles but a
    /// throughput of one or two per cycle, so four independent chains cost little more than one.</summary>
    internal void Encrypt4(ref Vector128<byte> b0, ref Vector128<byte> b1, ref Vector128<byte> b2, ref Vector128<byte> b3)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_roundKeys is null)
        {
            PlatformEcb4(ref b0, ref b1, ref b2, ref b3, encrypt: true);
            return;
        }
        ref Vector128<byte> k = ref MemoryMarshal.GetArrayDataReference(_roundKeys);
        Vector128<byte> rk = k;
        Vector128<byte> x0 = b0 ^ rk, x1 = b1 ^ rk, x2 = b2 ^ rk, x3 = b3 ^ rk;
        for (int r = 1; r < Rounds; r++)
        {
            rk = Unsafe.Add(ref k, r);
            x0 = Round(x0, rk, encrypt: true);
            x1 = Round(x1, rk, encrypt: true);
            x2 = Round(x2, rk, encrypt: true);
            x3 = Round(x3, rk, encrypt: true);
        }
        rk = Unsafe.Add(ref k, Rounds);
        b0 = LastRound(x0, rk, encrypt: true);
        b1 = LastRound(x1, rk, encrypt: true);
        b2 = LastRound(x2, rk, encrypt: true);
        b3 = LastRound(x3, rk, encrypt: true);
    }

    internal void Decrypt4(ref Vector128<byte> b0, ref Vector128<byte> b1, ref Vector128<byte> b2, ref Vector128<byte> b3)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_roundKeys is null)
        {
            PlatformEcb4(ref b0, ref b1, ref b2, ref b3, encrypt: false);
            return;
        }
        ref Vector128<byte> k = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_roundKeys), Rounds + 1);
        Vector128<byte> rk = k;
        Vector128<byte> x0 = b0 ^ rk, x1 = b1 ^ rk, x2 = b2 ^ rk, x3 = b3 ^ rk;
        for (int r = 1; r < Rounds; r++)
        {
            rk = Unsafe.Add(ref k, r);
            x0 = Round(x0, rk, encrypt: false);
            x1 = Round(x1, rk, encrypt: false);
            x2 = Round(x2, rk, encrypt: false);
            x3 = Round(x3, rk, encrypt: false);
        }
        rk = Unsafe.Add(ref k, Rounds);
        b0 = LastRound(x0, rk, encrypt: false);
        b1 = LastRound(x1, rk, encrypt: false);
        b2 = LastRound(x2, rk, encrypt: false);
        b3 = LastRound(x3, rk, encrypt: false);
    }

    /// <summary>
    /// The expanded key for a mode's own round sequence (AES-NI only; check <see cref="UsesHardware"/>):
    /// round keys 0..10 of the cipher, or of the equivalent inverse cipher, to be applied with
    /// <see cref="Round"/> and <see cref="LastRound"/>. A mode that keeps its blocks in its own
    /// locals avoids passing them by reference, which would make the JIT keep them in memory.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref Vector128<byte> HardwareRoundKeys(bool encrypt)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_roundKeys is null)
            throw new InvalidOperationException("This AES instance runs on the class library, not AES-NI.");
        ref Vector128<byte> keys = ref MemoryMarshal.GetArrayDataReference(_roundKeys);
        return ref encrypt ? ref keys : ref Unsafe.Add(ref keys, Rounds + 1);
    }

    // The ten rounds of one block written out: a loop costs a compare, a branch and an index per
    // round, and the line engine is bound by this chain's latency (issue 11): fewer instructions let
    // the processor overlap one line's chain with the next line's. 'encrypt' is a constant at every
    // call site, so the JIT keeps one side of each branch.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<byte> Rounds10(Vector128<byte> b, ref Vector128<byte> k, bool encrypt)
    {
        b ^= k;
        b = Round(b, Unsafe.Add(ref k, 1), encrypt);
        b = Round(b, Unsafe.Add(ref k, 2), encrypt);
        b = Round(b, Unsafe.Add(ref k, 3), encrypt);
        b = Round(b, Unsafe.Add(ref k, 4), encrypt);
        b = Round(b, Unsafe.Add(ref k, 5), encrypt);
        b = Round(b, Unsafe.Add(ref k, 6), encrypt);
        b = Round(b, Unsafe.Add(ref k, 7), encrypt);
        b = Round(b, Unsafe.Add(ref k, 8), encrypt);
        b = Round(b, Unsafe.Add(ref k, 9), encrypt);
        return LastRound(b, Unsafe.Add(ref k, Rounds), encrypt);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<byte> Round(Vector128<byte> b, Vector128<byte> rk, bool encrypt) =>
        encrypt ? AesNi.Encrypt(b, rk) : AesNi.Decrypt(b, rk);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<byte> LastRound(Vector128<byte> b, Vector128<byte> rk, bool encrypt) =>
        encrypt ? AesNi.EncryptLast(b, rk) : AesNi.DecryptLast(b, rk);

    /// <summary>For tests: true when no byte of the expanded key remains (after <see cref="Dispose"/>).</summary>
    internal bool RoundKeysAreZero() =>
        _roundKeys is null || !MemoryMarshal.AsBytes(_roundKeys.AsSpan()).ContainsAnyExcept((byte)0);

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_roundKeys is not null)
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_roundKeys.AsSpan()));
        _platform?.Dispose(); // SymmetricAlgorithm.Dispose clears its copy of the key
    }

    // FIPS 197 5.2 with AESKEYGENASSIST. The control byte must be a constant, hence the unrolled calls.
    private static void ExpandKey(Vector128<byte> key, Vector128<byte>[] roundKeys)
    {
        Span<Vector128<byte>> enc = roundKeys.AsSpan(0, Rounds + 1);
        enc[0] = key;
        enc[1] = NextRoundKey(enc[0], AesNi.KeygenAssist(enc[0], 0x01));
        enc[2] = NextRoundKey(enc[1], AesNi.KeygenAssist(enc[1], 0x02));
        enc[3] = NextRoundKey(enc[2], AesNi.KeygenAssist(enc[2], 0x04));
        enc[4] = NextRoundKey(enc[3], AesNi.KeygenAssist(enc[3], 0x08));
        enc[5] = NextRoundKey(enc[4], AesNi.KeygenAssist(enc[4], 0x10));
        enc[6] = NextRoundKey(enc[5], AesNi.KeygenAssist(enc[5], 0x20));
        enc[7] = NextRoundKey(enc[6], AesNi.KeygenAssist(enc[6], 0x40));
        enc[8] = NextRoundKey(enc[7], AesNi.KeygenAssist(enc[7], 0x80));
        enc[9] = NextRoundKey(enc[8], AesNi.KeygenAssist(enc[8], 0x1B));
        enc[10] = NextRoundKey(enc[9], AesNi.KeygenAssist(enc[9], 0x36));

        // The equivalent inverse cipher (FIPS 197 5.3.5) runs the round keys backwards, with
        // InvMixColumns applied to all but the first and the last.
        Span<Vector128<byte>> dec = roundKeys.AsSpan(Rounds + 1, Rounds + 1);
        dec[0] = enc[Rounds];
        for (int r = 1; r < Rounds; r++)
            dec[r] = AesNi.InverseMixColumns(enc[Rounds - r]);
        dec[Rounds] = enc[0];
    }

    // KeygenAssist puts RotWord(SubWord(w3)) ^ rcon in word 3; broadcast it, then
    // w'[i] = w[0] ^ ... ^ w[i] ^ that word, as three shift-and-xor steps.
    private static Vector128<byte> NextRoundKey(Vector128<byte> key, Vector128<byte> assist)
    {
        Vector128<byte> t = Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte();
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        return key ^ t;
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // the fallback stays out of the AES-NI callers' code
    private Vector128<byte> PlatformEcb(Vector128<byte> block, bool encrypt)
    {
        Span<byte> buffer = stackalloc byte[BlockSize];
        block.CopyTo(buffer);
        if (encrypt)
            _platform!.EncryptEcb(buffer, buffer, PaddingMode.None);
        else
            _platform!.DecryptEcb(buffer, buffer, PaddingMode.None);
        Vector128<byte> result = Vector128.Create<byte>(buffer);
        CryptographicOperations.ZeroMemory(buffer);
        return result;
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // the fallback stays out of the AES-NI callers' code
    private void PlatformEcb4(ref Vector128<byte> b0, ref Vector128<byte> b1, ref Vector128<byte> b2, ref Vector128<byte> b3, bool encrypt)
    {
        Span<byte> buffer = stackalloc byte[4 * BlockSize];
        b0.CopyTo(buffer);
        b1.CopyTo(buffer[16..]);
        b2.CopyTo(buffer[32..]);
        b3.CopyTo(buffer[48..]);
        if (encrypt)
            _platform!.EncryptEcb(buffer, buffer, PaddingMode.None);
        else
            _platform!.DecryptEcb(buffer, buffer, PaddingMode.None);
        b0 = Load(buffer, 0);
        b1 = Load(buffer, 16);
        b2 = Load(buffer, 32);
        b3 = Load(buffer, 48);
        CryptographicOperations.ZeroMemory(buffer);
    }

    private static void CheckLengths(ReadOnlySpan<byte> input, Span<byte> output, int length)
    {
        if (input.Length != length)
            throw new ArgumentException($"The input must be {length} bytes.", nameof(input));
        if (output.Length != length)
            throw new ArgumentException($"The output must be {length} bytes.", nameof(output));
    }

    // Bounds-checked block access (the checks are a few instructions against ten AES rounds).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<byte> Load(ReadOnlySpan<byte> source, int offset) =>
        Vector128.Create<byte>(source.Slice(offset, BlockSize));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store(Vector128<byte> value, Span<byte> destination, int offset) =>
        value.CopyTo(destination.Slice(offset, BlockSize));
}
