using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Cloak.Crypto;

/// <summary>
/// XTS-AES-128 (IEEE 1619-2007, NIST SP 800-38E) on whole 16-byte blocks, without ciphertext
/// stealing: the confidentiality mode of the memory encryption unit.
/// Threat: an adversary who reads external memory. The tweak (the data unit number, e.g. a line
/// address and version) makes equal plaintexts at different places, or at different versions of
/// one place, encrypt differently, so ciphertext shows neither content nor repetition. XTS gives no
/// integrity: a flipped ciphertext bit scrambles one block undetected, which is why the
/// authenticated mode adds <see cref="LineMac"/>.
/// </summary>
/// <remarks>
/// Per data unit j: T = E_K2(j as 16 little-endian bytes); block i is C_i = E_K1(P_i ^ T_i) ^ T_i
/// with T_i = T * alpha^i in GF(2^128) (IEEE 1619 5.3). IEEE 1619's own vectors use K1 = K2, so
/// equal keys are accepted here; callers should still derive independent keys (FIPS 140 IG C.I
/// asks for K1 != K2).
/// </remarks>
internal sealed class XtsAes128 : IDisposable
{
    public const int LineSize = 64;

    // SP 800-38E: a data unit shall not exceed 2^20 AES blocks.
    private const int MaxDataUnitBytes = Aes128.BlockSize << 20;

    private readonly Aes128 _dataCipher;
    private readonly Aes128 _tweakCipher;

    public XtsAes128(ReadOnlySpan<byte> key1, ReadOnlySpan<byte> key2)
        : this(key1, key2, allowHardware: true)
    {
    }

    /// <param name="allowHardware">False forces the class-library AES path (for tests).</param>
    internal XtsAes128(ReadOnlySpan<byte> key1, ReadOnlySpan<byte> key2, bool allowHardware)
    {
        if (key1.Length != Aes128.KeySize)
            throw new ArgumentException("XTS-AES-128 key 1 is 16 bytes.", nameof(key1));
        if (key2.Length != Aes128.KeySize)
            throw new ArgumentException("XTS-AES-128 key 2 is 16 bytes.", nameof(key2));
        _dataCipher = new Aes128(key1, allowHardware);
        _tweakCipher = new Aes128(key2, allowHardware);
    }

    /// <summary>Encrypts one data unit: any non-zero multiple of 16 bytes, at most 2^20 blocks.
    /// The output may be the input buffer itself but must not partially overlap it.</summary>
    public void Encrypt(UInt128 dataUnit, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext) =>
        Transform(dataUnit, plaintext, ciphertext, encrypt: true);

    public void Decrypt(UInt128 dataUnit, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext) =>
        Transform(dataUnit, ciphertext, plaintext, encrypt: false);

    /// <summary>Encrypts one 64-byte cache line as one data unit: the same result as
    /// <see cref="Encrypt"/> on 64 bytes, with the four blocks in flight together.</summary>
    /// <remarks>Never inlined: inside a caller that also inlines the MAC, the JIT runs out of inlining
    /// budget and leaves the blocks in memory and the tweak steps as calls (measured: an authenticated
    /// fill at 0.8 GB/s instead of 2.3); compiled alone, every block stays in a register. Optimized at
    /// once: the AES-NI code is outside what ReadyToRun precompiles, and a tier-0 version would call
    /// every round as a function for the first hundred milliseconds of a run.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public void EncryptLine(UInt128 tweak, ReadOnlySpan<byte> plaintext64, Span<byte> ciphertext64) =>
        TransformLine(tweak, plaintext64, ciphertext64, encrypt: true);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public void DecryptLine(UInt128 tweak, ReadOnlySpan<byte> ciphertext64, Span<byte> plaintext64) =>
        TransformLine(tweak, ciphertext64, plaintext64, encrypt: false);

    // One length check, unchecked loads and stores, and the blocks in locals: the line engine is bound
    // by the latency of its two AES chains (tweak, then data), and every instruction or memory round
    // trip saved lets the processor start the next line's tweak sooner (issue 11's GB/s targets).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void TransformLine(UInt128 tweak, ReadOnlySpan<byte> input64, Span<byte> output64, bool encrypt)
    {
        CheckLine(input64, output64);
        if (!_dataCipher.UsesHardware || !_tweakCipher.UsesHardware)
        {
            Transform(tweak, input64, output64, encrypt);
            return;
        }
        Vector128<byte> t0 = Aes128.Rounds10(ToBlock(tweak), ref _tweakCipher.HardwareRoundKeys(encrypt: true), encrypt: true);
        Vector128<byte> t1 = MultiplyByAlpha(t0), t2 = MultiplyByAlpha(t1), t3 = MultiplyByAlpha(t2);
        ref byte input = ref MemoryMarshal.GetReference(input64);
        Vector128<byte> b0 = Vector128.LoadUnsafe(ref input) ^ t0;
        Vector128<byte> b1 = Vector128.LoadUnsafe(ref input, 16) ^ t1;
        Vector128<byte> b2 = Vector128.LoadUnsafe(ref input, 32) ^ t2;
        Vector128<byte> b3 = Vector128.LoadUnsafe(ref input, 48) ^ t3;
        ref Vector128<byte> k = ref _dataCipher.HardwareRoundKeys(encrypt);
        Vector128<byte> rk = k;
        b0 ^= rk;
        b1 ^= rk;
        b2 ^= rk;
        b3 ^= rk;
        // Rounds 1-9 written out (a loop measured 5 % slower), one round of the four blocks per line.
        rk = Unsafe.Add(ref k, 1);
        b0 = Aes128.Round(b0, rk, encrypt); b1 = Aes128.Round(b1, rk, encrypt); b2 = Aes128.Round(b2, rk, encrypt); b3 = Aes128.Round(b3, rk, encrypt);
        rk = Unsafe.Add(ref k, 2);
        b0 = Aes128.Round(b0, rk, encrypt); b1 = Aes128.Round(b1, rk, encrypt); b2 = Aes128.Round(b2, rk, encrypt); b3 = Aes128.Round(b3, rk, encrypt);
        rk = Unsafe.Add(ref k, 3);
        b0 = Aes128.Round(b0, rk, encrypt); b1 = Aes128.Round(b1, rk, encrypt); b2 = Aes128.Round(b2, rk, encrypt); b3 = Aes128.Round(b3, rk, encrypt);
        rk = Unsafe.Add(ref k, 4);
        b0 = Aes128.Round(b0, rk, encrypt); b1 = Aes128.Round(b1, rk, encrypt); b2 = Aes128.Round(b2, rk, encrypt); b3 = Aes128.Round(b3, rk, encrypt);
        rk = Unsafe.Add(ref k, 5);
        b0 = Aes128.Round(b0, rk, encrypt); b1 = Aes128.Round(b1, rk, encrypt); b2 = Aes128.Round(b2, rk, encrypt); b3 = Aes128.Round(b3, rk, encrypt);
        rk = Unsafe.Add(ref k, 6);
        b0 = Aes128.Round(b0, rk, encrypt); b1 = Aes128.Round(b1, rk, encrypt); b2 = Aes128.Round(b2, rk, encrypt); b3 = Aes128.Round(b3, rk, encrypt);
        rk = Unsafe.Add(ref k, 7);
        b0 = Aes128.Round(b0, rk, encrypt); b1 = Aes128.Round(b1, rk, encrypt); b2 = Aes128.Round(b2, rk, encrypt); b3 = Aes128.Round(b3, rk, encrypt);
        rk = Unsafe.Add(ref k, 8);
        b0 = Aes128.Round(b0, rk, encrypt); b1 = Aes128.Round(b1, rk, encrypt); b2 = Aes128.Round(b2, rk, encrypt); b3 = Aes128.Round(b3, rk, encrypt);
        rk = Unsafe.Add(ref k, 9);
        b0 = Aes128.Round(b0, rk, encrypt); b1 = Aes128.Round(b1, rk, encrypt); b2 = Aes128.Round(b2, rk, encrypt); b3 = Aes128.Round(b3, rk, encrypt);
        rk = Unsafe.Add(ref k, 10);
        b0 = Aes128.LastRound(b0, rk, encrypt);
        b1 = Aes128.LastRound(b1, rk, encrypt);
        b2 = Aes128.LastRound(b2, rk, encrypt);
        b3 = Aes128.LastRound(b3, rk, encrypt);
        ref byte output = ref MemoryMarshal.GetReference(output64);
        (b0 ^ t0).StoreUnsafe(ref output);
        (b1 ^ t1).StoreUnsafe(ref output, 16);
        (b2 ^ t2).StoreUnsafe(ref output, 32);
        (b3 ^ t3).StoreUnsafe(ref output, 48);
    }

    public void Dispose()
    {
        _dataCipher.Dispose();
        _tweakCipher.Dispose();
    }

    /// <summary>
    /// Multiplies a tweak by alpha (x) in GF(2^128) modulo x^128 + x^7 + x^2 + x + 1 (IEEE 1619 5.2):
    /// the 16 bytes are one little-endian number; shift it left by one bit and, if bit 127 fell out,
    /// XOR 0x87 into byte 0. Done on two 64-bit lanes: each lane shifts left, the carry out of the low
    /// lane enters the high lane's bit 0 and the carry out of the high lane becomes the 0x87.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<byte> MultiplyByAlpha(Vector128<byte> tweak)
    {
        // All-ones in each 32-bit lane whose top bit is set; lanes 1 and 3 carry the 64-bit tops.
        Vector128<int> signs = Vector128.ShiftRightArithmetic(tweak.AsInt32(), 31);
        Vector128<int> carries = Vector128.Shuffle(signs, Vector128.Create(3, 0, 1, 0)) & Vector128.Create(0x87, 0, 1, 0);
        return (Vector128.ShiftLeft(tweak.AsUInt64(), 1).AsInt32() ^ carries).AsByte();
    }

    // The data unit number as 16 little-endian bytes (IEEE 1619 5.1). Vector lanes are in memory
    // order and every .NET platform is little-endian, so the low half goes in lane 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> ToBlock(UInt128 value) =>
        Vector128.Create((ulong)value, (ulong)(value >> 64)).AsByte();

    private void Transform(UInt128 dataUnit, ReadOnlySpan<byte> input, Span<byte> output, bool encrypt)
    {
        if (input.Length == 0 || input.Length % Aes128.BlockSize != 0 || input.Length > MaxDataUnitBytes)
            throw new ArgumentException("An XTS data unit is a non-zero multiple of 16 bytes, at most 2^20 blocks (no ciphertext stealing).", nameof(input));
        if (output.Length != input.Length)
            throw new ArgumentException("The output must be as long as the input.", nameof(output));
        if (input.Overlaps(output, out int offset) && offset != 0)
            throw new ArgumentException("The output may be the input buffer itself but must not partially overlap it.", nameof(output));

        Vector128<byte> t0 = _tweakCipher.Encrypt(ToBlock(dataUnit));
        int i = 0;
        for (; i + 4 * Aes128.BlockSize <= input.Length; i += 4 * Aes128.BlockSize)
        {
            Vector128<byte> t1 = MultiplyByAlpha(t0), t2 = MultiplyByAlpha(t1), t3 = MultiplyByAlpha(t2);
            Vector128<byte> b0 = Aes128.Load(input, i) ^ t0;
            Vector128<byte> b1 = Aes128.Load(input, i + 16) ^ t1;
            Vector128<byte> b2 = Aes128.Load(input, i + 32) ^ t2;
            Vector128<byte> b3 = Aes128.Load(input, i + 48) ^ t3;
            if (encrypt)
                _dataCipher.Encrypt4(ref b0, ref b1, ref b2, ref b3);
            else
                _dataCipher.Decrypt4(ref b0, ref b1, ref b2, ref b3);
            Aes128.Store(b0 ^ t0, output, i);
            Aes128.Store(b1 ^ t1, output, i + 16);
            Aes128.Store(b2 ^ t2, output, i + 32);
            Aes128.Store(b3 ^ t3, output, i + 48);
            t0 = MultiplyByAlpha(t3);
        }
        for (; i < input.Length; i += Aes128.BlockSize)
        {
            Vector128<byte> b = Aes128.Load(input, i) ^ t0;
            b = encrypt ? _dataCipher.Encrypt(b) : _dataCipher.Decrypt(b);
            Aes128.Store(b ^ t0, output, i);
            t0 = MultiplyByAlpha(t0);
        }
    }

    private static void CheckLine(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.Length != LineSize)
            throw new ArgumentException("A line is 64 bytes.", nameof(input));
        if (output.Length != LineSize)
            throw new ArgumentException("A line is 64 bytes.", nameof(output));
    }
}
