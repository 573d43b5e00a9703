using System.Text;
using Cloak.Debugging;

namespace Cloak.Tests.Debugging;

/// <summary>The remote protocol's framing, checked against the gdb manual's rules (checksum, escapes, run-length encoding).</summary>
public sealed class GdbPacketTests
{
    [Fact]
    public void A_frame_carries_the_payload_and_its_byte_sum_modulo_256_in_hex()
    {
        // 'O' + 'K' = 0x4f + 0x4b = 0x9a.
        Assert.Equal("$OK#9a", Encoding.ASCII.GetString(GdbPacket.Frame("OK")));
        Assert.Equal("$#00", Encoding.ASCII.GetString(GdbPacket.Frame("")));
    }

    [Fact]
    public void Special_bytes_are_escaped_with_a_brace_and_xor_0x20_and_the_checksum_covers_the_escaped_bytes()
    {
        string framed = Encoding.ASCII.GetString(GdbPacket.Frame("a#b$c}d*"));
        Assert.Equal("$a}\u0003b}\u0004c}]d}\u000a#", framed[..^2]);
        byte[] body = Encoding.ASCII.GetBytes(framed[1..^3]);
        Assert.Equal(GdbPacket.Checksum(body).ToString("x2", System.Globalization.CultureInfo.InvariantCulture), framed[^2..]);
        Assert.Equal("a#b$c}d*", Encoding.ASCII.GetString(GdbPacket.Decode(body)));
    }

    [Fact]
    public void Run_length_encoding_repeats_the_previous_byte_count_minus_29_more_times()
    {
        // "xy*$z": y and then 36 - 29 = 7 more. "0* " is '0' and then ' ' - 29 = 3 more: "0000" (the gdb manual's example).
        Assert.Equal("0000", Encoding.ASCII.GetString(GdbPacket.Decode("0* "u8)));
        Assert.Equal("x" + new string((char)0x79, 8) + "z", Encoding.ASCII.GetString(GdbPacket.Decode("xy*$z"u8)));
    }

    [Fact]
    public void A_wrong_checksum_is_detected()
    {
        Assert.True(GdbPacket.ChecksumMatches("OK"u8, (byte)'9', (byte)'a'));
        Assert.True(GdbPacket.ChecksumMatches("OK"u8, (byte)'9', (byte)'A'));
        Assert.False(GdbPacket.ChecksumMatches("OK"u8, (byte)'9', (byte)'b'));
        Assert.False(GdbPacket.ChecksumMatches("OK"u8, (byte)'g', (byte)'a'));
    }

    [Fact]
    public void A_dangling_escape_or_a_repeat_of_nothing_is_malformed()
    {
        Assert.Throws<FormatException>(() => GdbPacket.Decode("ab}"u8));
        Assert.Throws<FormatException>(() => GdbPacket.Decode("*#"u8));
    }

    [Fact]
    public void Registers_travel_little_endian_and_addresses_big_endian()
    {
        Assert.Equal("4a00008000000000", GdbPacket.RegisterHex(0x8000004a));
        Assert.Equal(0x8000004aUL, GdbPacket.ParseRegisterHex("4a00008000000000"));
        Assert.Equal(0x8000004aUL, GdbPacket.ParseNumber("8000004a"));
        Assert.Throws<FormatException>(() => GdbPacket.ParseNumber("80zz"));
    }

    [Fact]
    public void The_target_description_numbers_x0_to_x31_then_pc_then_the_csrs()
    {
        Assert.Contains("<reg name=\"zero\" bitsize=\"64\" type=\"int\" regnum=\"0\"/>", TargetDescription.Xml);
        Assert.Contains("<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"32\"/>", TargetDescription.Xml);
        Assert.Equal(Isa.CsrAddress.Mstatus, TargetDescription.CsrOf(33));
        Assert.Equal(TargetDescription.RegisterOf(Isa.CsrAddress.Satp), TargetDescription.GeneralCount + 9);
        Assert.Null(TargetDescription.CsrOf(TargetDescription.Pc));
    }
}
