using System.Buffers.Binary;
using System.Security.Cryptography;
using Cloak.Crypto;
using Cloak.Isa;

namespace Cloak.Chip.Security;

/// <summary>
/// trp.random and the public-key unit: trp.keypair, trp.agree, trp.sign and trp.verify (SPEC 2.4,
/// claims 4-6 and 13-15: the key exchanges). Threat: the OS reads every plain byte and register of the
/// process between instructions; so private keys, shared secrets and derived keys exist only in the
/// caller's protected memory and, for the length of one instruction, in zeroed buffers here.
/// </summary>
internal sealed partial class ProtectionUnit
{
    /// <summary>The longest message trp.sign and trp.verify take: 64 KiB, so one instruction does bounded work.</summary>
    internal const int MaxTrpMessage = 64 * 1024;

    /// <summary>trp.random: <paramref name="length"/> (at most 4096) random bytes into the caller's protected memory.</summary>
    public static TrpStatus? RandomFill(ITrpCaller caller, ulong address, ulong length)
    {
        if (length > 4096) return TrpStatus.BadDescriptor;
        Span<byte> bytes = stackalloc byte[(int)length];
        Random(bytes);
        bool ok = caller.WriteProtected(address, bytes);
        CryptographicOperations.ZeroMemory(bytes);
        return ok ? TrpStatus.Ok : null;
    }

    /// <summary>Key-pair descriptor: u32 algorithm (1 = P-256), u32 0, u64 private out (32 bytes), u64 public out (64 bytes).</summary>
    public static TrpStatus? KeyPair(ITrpCaller caller, ulong descriptor)
    {
        Span<byte> d = stackalloc byte[24];
        if (!caller.ReadProtected(descriptor, d)) return null;
        if (BinaryPrimitives.ReadUInt32LittleEndian(d) != 1) return TrpStatus.BadDescriptor;
        Span<byte> privateKey = stackalloc byte[P256.PrivateKeySize];
        Span<byte> publicKey = stackalloc byte[P256.PublicKeySize];
        try
        {
            P256.GenerateKeyPair(privateKey, publicKey);
            if (!caller.WriteProtected(BinaryPrimitives.ReadUInt64LittleEndian(d[8..]), privateKey)) return null;
            if (!caller.WriteProtected(BinaryPrimitives.ReadUInt64LittleEndian(d[16..]), publicKey)) return null;
            return TrpStatus.Ok;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    /// <summary>Agreement descriptor: u64 private key, u64 peer public key, u64 info, u64 info length, u64 key out, u64 key length (1-64).</summary>
    public static TrpStatus? Agree(ITrpCaller caller, ulong descriptor)
    {
        Span<byte> d = stackalloc byte[48];
        if (!caller.ReadProtected(descriptor, d)) return null;
        ulong infoLength = BinaryPrimitives.ReadUInt64LittleEndian(d[24..]), keyLength = BinaryPrimitives.ReadUInt64LittleEndian(d[40..]);
        if (infoLength > 4096 || keyLength is 0 or > 64) return TrpStatus.BadDescriptor;
        Span<byte> privateKey = stackalloc byte[P256.PrivateKeySize];
        Span<byte> peer = stackalloc byte[P256.PublicKeySize];
        Span<byte> shared = stackalloc byte[32];
        Span<byte> key = stackalloc byte[(int)keyLength];
        var info = new byte[infoLength];
        try
        {
            if (!caller.ReadProtected(BinaryPrimitives.ReadUInt64LittleEndian(d), privateKey) ||
                !caller.ReadProtected(BinaryPrimitives.ReadUInt64LittleEndian(d[8..]), peer) ||
                !caller.ReadProtected(BinaryPrimitives.ReadUInt64LittleEndian(d[16..]), info)) return null;
            if (!P256.TryAgree(privateKey, peer, shared)) return TrpStatus.BadKey;
            Hkdf.DeriveKey(shared, [], info, key);
            return caller.WriteProtected(BinaryPrimitives.ReadUInt64LittleEndian(d[32..]), key) ? TrpStatus.Ok : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
            CryptographicOperations.ZeroMemory(shared);
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Signing descriptor: u64 private key, u64 message, u64 message length, u64 signature out (64 bytes).</summary>
    public static TrpStatus? Sign(ITrpCaller caller, ulong descriptor)
    {
        Span<byte> d = stackalloc byte[32];
        if (!caller.ReadProtected(descriptor, d)) return null;
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(d[16..]);
        if (length > MaxTrpMessage) return TrpStatus.BadDescriptor;
        Span<byte> privateKey = stackalloc byte[P256.PrivateKeySize];
        Span<byte> signature = stackalloc byte[P256.SignatureSize];
        var message = new byte[length];
        try
        {
            if (!caller.ReadProtected(BinaryPrimitives.ReadUInt64LittleEndian(d), privateKey) ||
                !caller.ReadProtected(BinaryPrimitives.ReadUInt64LittleEndian(d[8..]), message)) return null;
            if (!P256.TrySign(privateKey, message, signature)) return TrpStatus.BadKey;
            return caller.WriteProtected(BinaryPrimitives.ReadUInt64LittleEndian(d[24..]), signature) ? TrpStatus.Ok : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    /// <summary>Verification descriptor: u64 public key, u64 message, u64 message length, u64 signature (64 bytes).</summary>
    public static TrpStatus? Verify(ITrpCaller caller, ulong descriptor)
    {
        Span<byte> d = stackalloc byte[32];
        if (!caller.ReadProtected(descriptor, d)) return null;
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(d[16..]);
        if (length > MaxTrpMessage) return TrpStatus.BadDescriptor;
        Span<byte> publicKey = stackalloc byte[P256.PublicKeySize];
        Span<byte> signature = stackalloc byte[P256.SignatureSize];
        var message = new byte[length];
        if (!caller.ReadProtected(BinaryPrimitives.ReadUInt64LittleEndian(d), publicKey) ||
            !caller.ReadProtected(BinaryPrimitives.ReadUInt64LittleEndian(d[8..]), message) ||
            !caller.ReadProtected(BinaryPrimitives.ReadUInt64LittleEndian(d[24..]), signature)) return null;
        return P256.Verify(publicKey, message, signature) ? TrpStatus.Ok : TrpStatus.BadSignature;
    }
}
