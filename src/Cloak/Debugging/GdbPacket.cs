using System.Globalization;
using System.Text;

namespace Cloak.Debugging;

/// <summary>
/// The GDB remote serial protocol's framing (gdb manual, "Overview" of the remote protocol):
/// <c>$payload#cs</c> where cs is the payload's byte sum modulo 256 in two hex digits; inside the
/// payload '#', '$', '}' and '*' are escaped as '}' then the byte XOR 0x20; a received payload may
/// use run-length encoding ("X*n": X repeated n - 29 more times). Pure functions, so the codec is
/// tested without a socket.
/// </summary>
public static class GdbPacket
{
    private const byte Escape = (byte)'}';

    /// <summary>The checksum of a (framed, escaped) payload: its bytes summed modulo 256.</summary>
    public static byte Checksum(ReadOnlySpan<byte> payload)
    {
        int sum = 0;
        foreach (byte b in payload) sum += b;
        return (byte)sum;
    }

    /// <summary>Frames <paramref name="payload"/>: escapes it (no run-length encoding is sent) and adds the checksum.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var body = new List<byte>(payload.Length + 8);
        foreach (byte b in payload)
        {
            if (b is (byte)'#' or (byte)'$' or Escape or (byte)'*')
            {
                body.Add(Escape);
                body.Add((byte)(b ^ 0x20));
            }
            else
            {
                body.Add(b);
            }
        }
        byte sum = Checksum(body.ToArray());
        var framed = new byte[body.Count + 4];
        framed[0] = (byte)'$';
        body.CopyTo(framed, 1);
        framed[^3] = (byte)'#';
        framed[^2] = (byte)HexDigit(sum >> 4);
        framed[^1] = (byte)HexDigit(sum & 0xF);
        return framed;
    }

    public static byte[] Frame(string payload) => Frame(Encoding.ASCII.GetBytes(payload));

    /// <summary>
    /// Undoes a received payload's escapes and run-length encoding. <paramref name="raw"/> is what lay
    /// between '$' and '#'. Throws <see cref="FormatException"/> for an escape or a repeat with nothing to apply to.
    /// </summary>
    public static byte[] Decode(ReadOnlySpan<byte> raw)
    {
        var decoded = new List<byte>(raw.Length);
        for (int i = 0; i < raw.Length; i++)
        {
            byte b = raw[i];
            if (b == Escape)
            {
                if (++i >= raw.Length) throw new FormatException("a packet ends inside an escape");
                decoded.Add((byte)(raw[i] ^ 0x20));
            }
            else if (b == (byte)'*')
            {
                if (decoded.Count == 0 || ++i >= raw.Length) throw new FormatException("a run-length repeat with nothing to repeat");
                int count = raw[i] - 29;
                if (count < 0) throw new FormatException("a run-length count below zero");
                byte last = decoded[^1];
                for (int k = 0; k < count; k++) decoded.Add(last);
            }
            else
            {
                decoded.Add(b);
            }
        }
        return [.. decoded];
    }

    /// <summary>True if the two hex digits that followed '#' match the payload's checksum.</summary>
    public static bool ChecksumMatches(ReadOnlySpan<byte> raw, byte high, byte low) =>
        TryHexValue(high, out int h) && TryHexValue(low, out int l) && (h << 4 | l) == Checksum(raw);

    public static char HexDigit(int value) => "0123456789abcdef"[value & 0xF];

    public static bool TryHexValue(byte digit, out int value)
    {
        value = digit switch
        {
            >= (byte)'0' and <= (byte)'9' => digit - '0',
            >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
            >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
            _ => -1,
        };
        return value >= 0;
    }

    /// <summary>Bytes as lower-case hex, two digits each.</summary>
    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    /// <summary>Hex text as bytes; throws <see cref="FormatException"/> for an odd length or a non-hex digit.</summary>
    public static byte[] FromHex(string hex)
    {
        if (hex.Length % 2 != 0) throw new FormatException("odd number of hex digits");
        return Convert.FromHexString(hex);
    }

    /// <summary>A 64-bit register value as the target sends it: 8 bytes, little-endian, in hex.</summary>
    public static string RegisterHex(ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return ToHex(bytes);
    }

    /// <summary>A register value gdb sends (little-endian hex, up to 8 bytes).</summary>
    public static ulong ParseRegisterHex(string hex)
    {
        byte[] bytes = FromHex(hex);
        if (bytes.Length > 8) throw new FormatException("a register value longer than 8 bytes");
        ulong value = 0;
        for (int i = bytes.Length - 1; i >= 0; i--) value = value << 8 | bytes[i];
        return value;
    }

    /// <summary>A big-endian hex number as gdb writes addresses and lengths ("8000004a").</summary>
    public static ulong ParseNumber(string hex) =>
        ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value)
            ? value
            : throw new FormatException($"'{hex}' is not a hex number");

    /// <summary>Hex-encodes text (qThreadExtraInfo, qRcmd output).</summary>
    public static string TextToHex(string text) => ToHex(Encoding.UTF8.GetBytes(text));
}
