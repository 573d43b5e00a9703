using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;

namespace Cloak.Crypto;

/// <summary>
/// GHASH (NIST SP 800-38D 6.4) keyed by H, as GCM applies it to associated data with an empty
/// ciphertext: GHASH_H(A || 0-padding || len(A) || len(C) = 0). GMAC's tag is E_K(J0) xor this digest
/// with H = E_K(0^128); the tests check exactly that against the class library's AesGcm.
/// Threat: H recovery through the implementation. Table-driven GF(2^128) multiplication leaks H
/// through cache timing, so this type only ever multiplies with PCLMULQDQ or with a constant-time
/// bit loop (no secret-indexed memory, no secret-dependent branch). The powers of H live in a
/// pinned array that <see cref="Dispose"/> zeroes.
/// </summary>
/// <remarks>
/// The arithmetic is POLYVAL's (RFC 8452): a block is byte-reversed into a little-endian 128-bit
/// polynomial, H becomes mulX_POLYVAL(ByteReverse(H)), and GHASH_H(X_1..X_n) =
/// ByteReverse(POLYVAL(that, ByteReverse(X_1)..ByteReverse(X_n))) (RFC 8452 appendix A). In that
/// form a product is a plain carry-less multiplication followed by a Montgomery reduction (two more
/// carry-less multiplications by x^127 + x^126 + x^121), with no bit reflection. Horner's rule
/// unrolls over n blocks into a sum of X_j times the (n-j+1)th power of H, so a line's five blocks
/// are five independent multiplications and a single reduction: that is what makes GHASH parallel
/// where CBC-MAC is a chain of ciphers.
/// </remarks>
internal sealed class Ghash : IDisposable
{
    public const int BlockSize = 16;
    public const int LineSize = 64;

    /// <summary>Blocks of a line digest: the tweak and the line's four blocks (the lengths block is a constant).</summary>
    private const int LineBlocks = 5;
    // Slots of the pinned state: H^1 .. H^(LineBlocks+1) (POLYVAL powers), then the lengths block's
    // contribution to a line digest (a constant of the key, so secret too), then for Karatsuba the
    // two halves of each power XORed together (slot FoldedSlot + k - 1 for the power in slot k).
    private const int LengthTermSlot = LineBlocks + 1;
    private const int FoldedSlot = LengthTermSlot + 1;
    private const int StateSlots = FoldedSlot + LineBlocks;

    private readonly Vector128<ulong>[] _state;
    private readonly bool _hardware;
    private bool _disposed;

    /// <summary>True when this host multiplies in GF(2^128) with PCLMULQDQ.</summary>
    public static bool HardwareAccelerated => Pclmulqdq.IsSupported && Ssse3.IsSupported;

    /// <param name="h16">The hash key H in GCM's byte order (E_K(0^128) for GMAC).</param>
    /// <param name="allowHardware">False forces the portable multiplication (for tests).</param>
    public Ghash(ReadOnlySpan<byte> h16, bool allowHardware = true)
    {
        if (h16.Length != BlockSize)
            throw new ArgumentException("The GHASH key H is 16 bytes.", nameof(h16));
        _hardware = allowHardware && HardwareAccelerated;
        _state = GC.AllocateArray<Vector128<ulong>>(StateSlots, pinned: true);

        Vector128<ulong> h = MulX(Reverse(Vector128.Create<byte>(h16)));
        _state[0] = h;
        for (int i = 1; i < LengthTermSlot; i++)
            _state[i] = Dot(_state[i - 1], h);

        // The lengths block of a line: len(A) = 80 bytes = 640 bits, len(C) = 0, as two big-endian
        // 64-bit numbers; it is the last block, so it meets H^1.
        Span<byte> lengths = stackalloc byte[BlockSize];
        LengthsBlock(16 + LineSize, lengths);
        _state[LengthTermSlot] = Dot(Reverse(Vector128.Create<byte>(lengths)), h);
        for (int k = 1; k < LengthTermSlot; k++)
            _state[FoldedSlot + k - 1] = Fold(_state[k]);
    }

    /// <summary>True when this instance multiplies with PCLMULQDQ (false on the portable path).</summary>
    public bool UsesHardware => _hardware;

    /// <summary>GHASH_H over <paramref name="aad"/> as GCM's associated data with an empty ciphertext (zero-padded, then the lengths block).</summary>
    public Vector128<byte> Digest(ReadOnlySpan<byte> aad)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Vector128<ulong> h = _state[0];
        Vector128<ulong> s = Vector128<ulong>.Zero;
        Span<byte> block = stackalloc byte[BlockSize];
        for (int i = 0; i < aad.Length; i += BlockSize)
        {
            block.Clear();
            aad.Slice(i, Math.Min(BlockSize, aad.Length - i)).CopyTo(block);
            s = Dot(s ^ Reverse(Vector128.Create<byte>(block)), h);
        }
        LengthsBlock(aad.Length, block);
        s = Dot(s ^ Reverse(Vector128.Create<byte>(block)), h);
        CryptographicOperations.ZeroMemory(block);
        return Reverse(s).AsByte();
    }

    /// <summary>
    /// The same as <see cref="Digest"/> on tweak (16 little-endian bytes) || line (64 bytes), computed
    /// as five independent products and one reduction.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into LineMac.Compute, which is compiled without profile data
    public Vector128<byte> DigestLine(UInt128 tweak, ReadOnlySpan<byte> line64)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (line64.Length != LineSize)
            throw new ArgumentException("A line is 64 bytes.", nameof(line64));

        ref Vector128<ulong> p = ref MemoryMarshal.GetArrayDataReference(_state);
        // X_1 meets H^6 ... X_5 meets H^2 (the lengths block, H^1, is the precomputed term).
        Vector128<ulong> x1 = Reverse(Vector128.Create((ulong)tweak, (ulong)(tweak >> 64)).AsByte());
        ref byte line = ref MemoryMarshal.GetReference(line64); // its length is checked above
        Vector128<ulong> x2 = Reverse(Vector128.LoadUnsafe(ref line));
        Vector128<ulong> x3 = Reverse(Vector128.LoadUnsafe(ref line, 16));
        Vector128<ulong> x4 = Reverse(Vector128.LoadUnsafe(ref line, 32));
        Vector128<ulong> x5 = Reverse(Vector128.LoadUnsafe(ref line, 48));

        if (!_hardware)
            return Reverse(PortableLineSum(x1, x2, x3, x4, x5, ref p) ^ Unsafe.Add(ref p, LengthTermSlot)).AsByte();
        return Reverse(HardwareLineSum(x1, x2, x3, x4, x5, ref p) ^ Unsafe.Add(ref p, LengthTermSlot)).AsByte();
    }

    /// <summary>For tests: true when no byte of the key material remains (after <see cref="Dispose"/>).</summary>
    internal bool KeyMaterialIsZero() => !MemoryMarshal.AsBytes(_state.AsSpan()).ContainsAnyExcept((byte)0);

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_state.AsSpan()));
    }

    // GCM's final block: len(A) || len(C) in bits, each a 64-bit big-endian number (SP 800-38D 7.1 step 5).
    private static void LengthsBlock(int aadBytes, Span<byte> block)
    {
        BinaryPrimitives.WriteUInt64BigEndian(block, (ulong)aadBytes * 8);
        BinaryPrimitives.WriteUInt64BigEndian(block[8..], 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Reverse(Vector128<byte> block) =>
        Vector128.Shuffle(block, Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Reverse(Vector128<ulong> value) => Reverse(value.AsByte());

    /// <summary>mulX_POLYVAL (RFC 8452 appendix A): times x modulo x^128 + x^127 + x^126 + x^121 + 1.</summary>
    private static Vector128<ulong> MulX(Vector128<ulong> v)
    {
        ulong lo = v.GetElement(0), hi = v.GetElement(1);
        ulong carry = 0UL - (hi >> 63); // all ones when x^127 moves to x^128
        ulong newHi = (hi << 1 | lo >> 63) ^ (carry & 0xC200_0000_0000_0000UL);
        ulong newLo = (lo << 1) ^ (carry & 1UL);
        return Vector128.Create(newLo, newHi);
    }

    /// <summary>POLYVAL's dot(a, b) = a * b * x^-128 in its field.</summary>
    private Vector128<ulong> Dot(Vector128<ulong> a, Vector128<ulong> b)
    {
        if (!_hardware)
        {
            PortableProduct(a, b, out var l, out var m, out var h);
            return PortableReduce(l, m, h);
        }
        return HardwareReduce(
            Pclmulqdq.CarrylessMultiply(a, b, 0x00),
            Pclmulqdq.CarrylessMultiply(a, b, 0x01) ^ Pclmulqdq.CarrylessMultiply(a, b, 0x10),
            Pclmulqdq.CarrylessMultiply(a, b, 0x11));
    }

    /// <summary>
    /// x1 * H^6 + ... + x5 * H^2, reduced once. Karatsuba: a * b = lo + (fold(a) * fold(b) + lo + hi) * x^64
    /// + hi * x^128 with fold(v) = v.lo ^ v.hi, three carry-less multiplications per product instead of
    /// four (PCLMULQDQ's throughput bounds this sum); the folded powers are precomputed. Written as
    /// sums of products so every partial stays in a register.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> HardwareLineSum(Vector128<ulong> x1, Vector128<ulong> x2, Vector128<ulong> x3, Vector128<ulong> x4,
        Vector128<ulong> x5, ref Vector128<ulong> state)
    {
        Vector128<ulong> h6 = Unsafe.Add(ref state, 5), h5 = Unsafe.Add(ref state, 4), h4 = Unsafe.Add(ref state, 3),
            h3 = Unsafe.Add(ref state, 2), h2 = Unsafe.Add(ref state, 1);
        Vector128<ulong> lo = Pclmulqdq.CarrylessMultiply(x1, h6, 0x00) ^ Pclmulqdq.CarrylessMultiply(x2, h5, 0x00)
            ^ Pclmulqdq.CarrylessMultiply(x3, h4, 0x00) ^ Pclmulqdq.CarrylessMultiply(x4, h3, 0x00)
            ^ Pclmulqdq.CarrylessMultiply(x5, h2, 0x00);
        Vector128<ulong> hi = Pclmulqdq.CarrylessMultiply(x1, h6, 0x11) ^ Pclmulqdq.CarrylessMultiply(x2, h5, 0x11)
            ^ Pclmulqdq.CarrylessMultiply(x3, h4, 0x11) ^ Pclmulqdq.CarrylessMultiply(x4, h3, 0x11)
            ^ Pclmulqdq.CarrylessMultiply(x5, h2, 0x11);
        Vector128<ulong> mid = Pclmulqdq.CarrylessMultiply(Fold(x1), Unsafe.Add(ref state, FoldedSlot + 4), 0x00)
            ^ Pclmulqdq.CarrylessMultiply(Fold(x2), Unsafe.Add(ref state, FoldedSlot + 3), 0x00)
            ^ Pclmulqdq.CarrylessMultiply(Fold(x3), Unsafe.Add(ref state, FoldedSlot + 2), 0x00)
            ^ Pclmulqdq.CarrylessMultiply(Fold(x4), Unsafe.Add(ref state, FoldedSlot + 1), 0x00)
            ^ Pclmulqdq.CarrylessMultiply(Fold(x5), Unsafe.Add(ref state, FoldedSlot), 0x00);
        return HardwareReduce(lo, mid ^ lo ^ hi, hi);
    }

    /// <summary>v.lo ^ v.hi in lane 0 (lane 1 holds the same, unused).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Fold(Vector128<ulong> v) => v ^ Vector128.Shuffle(v, Vector128.Create(1UL, 0UL));

    [MethodImpl(MethodImplOptions.NoInlining)] // the fallback must not spend DigestLine's inlining budget
    private static Vector128<ulong> PortableLineSum(Vector128<ulong> x1, Vector128<ulong> x2, Vector128<ulong> x3, Vector128<ulong> x4,
        Vector128<ulong> x5, ref Vector128<ulong> powers)
    {
        PortableProduct(x1, Unsafe.Add(ref powers, 5), out var lo, out var mid, out var hi);
        PortableAddProduct(x2, Unsafe.Add(ref powers, 4), ref lo, ref mid, ref hi);
        PortableAddProduct(x3, Unsafe.Add(ref powers, 3), ref lo, ref mid, ref hi);
        PortableAddProduct(x4, Unsafe.Add(ref powers, 2), ref lo, ref mid, ref hi);
        PortableAddProduct(x5, Unsafe.Add(ref powers, 1), ref lo, ref mid, ref hi);
        return PortableReduce(lo, mid, hi);
    }

    /// <summary>
    /// Montgomery reduction of the 256-bit product (lo + mid * x^64 + hi * x^128) by x^128 modulo
    /// p = x^128 + x^127 + x^126 + x^121 + 1. p is 1 modulo x^64, so adding m * p with m the low
    /// 64 bits clears them; m * (x^127 + x^126 + x^121) is (m * c) * x^64 with c = x^63 + x^62 + x^57
    /// (0xC2 in the top byte). Twice, one 64-bit word at a time, then drop the two cleared words:
    /// with [w0, w1] the low words, w0 * c lands on words 1 and 2 and w0 * x^128 on word 2, so after
    /// the division by x^64 the low pair is [w1 ^ t.lo, w0 ^ t.hi].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> HardwareReduce(Vector128<ulong> lo, Vector128<ulong> mid, Vector128<ulong> hi)
    {
        Vector128<ulong> c = Vector128.Create(0xC200_0000_0000_0000UL, 0UL);
        Vector128<ulong> low = lo ^ Sse2.ShiftLeftLogical128BitLane(mid, 8);
        Vector128<ulong> high = hi ^ Sse2.ShiftRightLogical128BitLane(mid, 8);
        low = Sse2.Shuffle(low.AsUInt32(), 0x4E).AsUInt64() ^ Pclmulqdq.CarrylessMultiply(low, c, 0x00);
        low = Sse2.Shuffle(low.AsUInt32(), 0x4E).AsUInt64() ^ Pclmulqdq.CarrylessMultiply(low, c, 0x00);
        return high ^ low;
    }

    /// <summary>The same reduction as <see cref="HardwareReduce"/> with the portable multiplication.</summary>
    private static Vector128<ulong> PortableReduce(Vector128<ulong> lo, Vector128<ulong> mid, Vector128<ulong> hi)
    {
        Vector128<ulong> low = lo ^ Vector128.Create(0UL, mid.GetElement(0));
        Vector128<ulong> high = hi ^ Vector128.Create(mid.GetElement(1), 0UL);
        for (int step = 0; step < 2; step++)
            low = Vector128.Create(low.GetElement(1), low.GetElement(0)) ^ PortableMultiply(low.GetElement(0), 0xC200_0000_0000_0000UL);
        return high ^ low;
    }

    private static void PortableProduct(Vector128<ulong> a, Vector128<ulong> b, out Vector128<ulong> lo, out Vector128<ulong> mid, out Vector128<ulong> hi)
    {
        ulong a0 = a.GetElement(0), a1 = a.GetElement(1), b0 = b.GetElement(0), b1 = b.GetElement(1);
        lo = PortableMultiply(a0, b0);
        hi = PortableMultiply(a1, b1);
        mid = PortableMultiply(a1, b0) ^ PortableMultiply(a0, b1);
    }

    private static void PortableAddProduct(Vector128<ulong> a, Vector128<ulong> b, ref Vector128<ulong> lo, ref Vector128<ulong> mid, ref Vector128<ulong> hi)
    {
        PortableProduct(a, b, out var l, out var m, out var h);
        lo ^= l;
        mid ^= m;
        hi ^= h;
    }

    /// <summary>
    /// Carry-less 64 x 64 -> 128-bit multiplication in constant time: every bit of b selects a copy
    /// of a through a mask, never through a branch or a table index.
    /// </summary>
    private static Vector128<ulong> PortableMultiply(ulong a, ulong b)
    {
        ulong lo = a & (0UL - (b & 1)), hi = 0;
        for (int i = 1; i < 64; i++)
        {
            ulong mask = 0UL - ((b >> i) & 1);
            lo ^= (a << i) & mask;
            hi ^= (a >> (64 - i)) & mask;
        }
        return Vector128.Create(lo, hi);
    }
}
