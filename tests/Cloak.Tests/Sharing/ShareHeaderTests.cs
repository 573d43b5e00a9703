using System.Text;
using System.Text.RegularExpressions;
using Cloak.Attacks;
using Cloak.Demo;
using Cloak.Isa;

namespace Cloak.Tests.Sharing;

/// <summary>
/// The sharing examples' protocol is written twice: in C (guest/share/common.h for the examples,
/// guest/lib/share.c for libcloak's messages) and on the host side that runs, judges and attacks
/// them (<see cref="ShareExample"/>, <see cref="ShareExampleExit"/>, <see cref="ShareMessages"/>). As
/// for syscall.h and trp.h, these tests read the C and hold both sides to the same numbers; a constant
/// only the guest has must be listed here with the reason the host does not need it.
/// </summary>
public sealed partial class ShareHeaderTests
{
    private static readonly CSource Trp = CSource.Load(Repository.PathOf("guest/include/cloak/trp.h"));
    private static readonly CSource Share = CSource.Load(Repository.PathOf("guest/include/cloak/share.h"), Trp);
    private static readonly CSource Common = CSource.Load(Repository.PathOf("guest/share/common.h"), Share, Trp);
    private static readonly CSource Library = CSource.Load(Repository.PathOf("guest/lib/share.c"), Share, Trp);

    /// <summary>common.h's numeric constants the host defines too, with the host's value.</summary>
    private static readonly Dictionary<string, long> HostCommon = new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["MAX_CLIENTS"] = ShareExample.MaxClients,
    }.Concat(Enum.GetValues<ShareExampleExit>().Select(e => KeyValuePair.Create("EXIT_" + UpperSnake(e.ToString()), (long)e)))
     .ToDictionary(StringComparer.Ordinal);

    /// <summary>common.h's numeric constants only the guest has, deliberately.</summary>
    private static readonly Dictionary<string, string> GuestOnly = new(StringComparer.Ordinal)
    {
        ["ROUNDS"] = "the host judges by exit codes, never by counting rounds",
        ["RECORDS"] = "the host reads only the first record (the mitm's proof), never the whole array",
        ["SIGNAL_FILLED"] = "the owner's signals to its clients: the host probes on every message, whatever its kind",
        ["SIGNAL_CHECKED"] = "as SIGNAL_FILLED",
        ["SIGNAL_REKEY"] = "as SIGNAL_FILLED",
        ["SIGNAL_DONE"] = "as SIGNAL_FILLED",
        ["EXCHANGE_PLAIN"] = "the host picks the mode by argument words (ShareExample.SignedArgument, AttestedArgument), checked below",
        ["EXCHANGE_SIGNED"] = "as EXCHANGE_PLAIN",
        ["EXCHANGE_ATTESTED"] = "as EXCHANGE_PLAIN",
    };

    /// <summary>WrongData -> WRONG_DATA.</summary>
    private static string UpperSnake(string pascal) => PascalBoundary().Replace(pascal, "_$1").ToUpperInvariant();

    [GeneratedRegex(@"(?<=[a-z])([A-Z])")]
    private static partial Regex PascalBoundary();

    [Fact]
    public void The_C_reader_lays_out_a_struct_with_natural_alignment_and_reads_implied_enum_values()
    {
        var source = new CSource("""
            #define N 3
            enum { A = 5, B, C = 0x10 };
            struct inner { uint16_t x; uint8_t y; };
            struct t { uint32_t a; uint64_t b; char c[N]; struct inner d; uint8_t *p; };
            """);

        var t = source.Layout("t");

        // c ends at 19; d (size 4, aligned to 2) at 20; p aligned to 8 at 24.
        Assert.Equal((0L, 8L, 16L, 20L, 24L), (t.OffsetOf("a"), t.OffsetOf("b"), t.OffsetOf("c"), t.OffsetOf("d"), t.OffsetOf("p")));
        Assert.Equal(3, t.SizeOf("c"));
        Assert.Equal(4, t.SizeOf("d"));
        Assert.Equal(32, t.Size);
        Assert.Equal(new Dictionary<string, long> { ["A"] = 5, ["B"] = 6, ["C"] = 16 }, source.Enums);
    }

    [Fact]
    public void Every_numeric_constant_of_common_h_is_on_the_host_with_the_same_value_or_listed_as_guest_only()
    {
        var constants = Common.Defines.Concat(Common.Enums).ToList();
        Assert.True(constants.Count >= 10, $"only {constants.Count} constants read from common.h");
        foreach (var (name, value) in constants)
        {
            if (GuestOnly.ContainsKey(name)) continue;
            Assert.True(HostCommon.TryGetValue(name, out long host), $"common.h's {name} is neither on the host side (ShareExample) nor listed as guest-only");
            Assert.True(host == value, $"{name}: common.h says {value}, the host says {host}");
        }
    }

    [Fact]
    public void Every_constant_the_host_mirrors_or_lists_as_guest_only_is_still_in_common_h()
    {
        var names = Common.Defines.Keys.Concat(Common.Enums.Keys).ToHashSet(StringComparer.Ordinal);

        foreach (string name in HostCommon.Keys.Concat(GuestOnly.Keys))
            Assert.True(names.Contains(name), $"{name} is no longer in common.h: update ShareExample or the guest-only list");
    }

    [Fact]
    public void The_host_group_limit_is_the_examples_limit()
    {
        Assert.Equal(ShareScenario.MaxClients, Common.Constant("MAX_CLIENTS"));
    }

    [Fact]
    public void A_member_has_key_slots_for_a_pairwise_key_per_client_of_the_largest_group_plus_the_common_key_and_its_successor()
    {
        Assert.True(Share.Constant("CLOAK_KEY_SLOTS") >= ShareExample.MaxClients + 2,
            $"CLOAK_KEY_SLOTS {Share.Constant("CLOAK_KEY_SLOTS")} cannot hold {ShareExample.MaxClients} pairwise keys and two common keys");
    }

    [Fact]
    public void The_shared_record_layout_agrees()
    {
        var record = Common.Layout("record");

        Assert.Equal(ShareExample.RecordSize, record.Size);
        Assert.Equal(ShareExample.RecordTextOffset, record.OffsetOf("text"));
        Assert.Equal(ShareExample.RecordTextSize, record.SizeOf("text"));
    }

    [GeneratedRegex(@"static inline void fill_round\b.*?snprintf\([^,]+,[^,]+,\s*""(?<format>[^""]*)""", RegexOptions.Singleline)]
    private static partial Regex FillRoundFormat();

    [Fact]
    public void Every_record_the_owner_fills_begins_with_the_marker_the_host_looks_for()
    {
        var match = FillRoundFormat().Match(Common.Text);
        Assert.True(match.Success, "fill_round's snprintf format not found in common.h");

        Assert.StartsWith(Encoding.ASCII.GetString(ShareExample.RecordMarker), match.Groups["format"].Value, StringComparison.Ordinal);
        Assert.Equal(ShareExample.RecordMarker.ToArray(), ShareScenario.Marker);
    }

    [GeneratedRegex(@"extern\s+uint8_t\s+(?<name>\w+)\[(?<size>\w+)\];")]
    private static partial Regex ExternKey();

    [Fact]
    public void The_provisioned_key_symbols_and_their_sizes_agree()
    {
        var header = ExternKey().Matches(Common.Text).ToDictionary(m => m.Groups["name"].Value,
            m => char.IsDigit(m.Groups["size"].Value[0]) ? CSource.ParseNumber(m.Groups["size"].Value) : Common.Constant(m.Groups["size"].Value), StringComparer.Ordinal);
        var host = new Dictionary<string, long>
        {
            [ShareExample.CommonKeySymbol] = ShareExample.CommonKeySize,
            [ShareExample.SigningKeySymbol] = ShareExample.SigningKeySize,
            [ShareExample.PeerVerificationKeySymbol] = ShareExample.PeerVerificationKeySize,
        };

        foreach (var (symbol, size) in host)
        {
            Assert.True(header.TryGetValue(symbol, out long declared), $"the host provisions {symbol}, which common.h does not declare");
            Assert.True(size == declared, $"{symbol}: common.h declares {declared} bytes, the host provisions {size}");
        }
        // The one extern the demo never provisions: all zeros means "the peer is this same program".
        Assert.Equal(["cloak_peer_measurement"], header.Keys.Except(host.Keys));
    }

    [GeneratedRegex(@"enum exchange_mode exchange_mode\(.*?\n\}", RegexOptions.Singleline)]
    private static partial Regex ExchangeModeFunction();

    [Fact]
    public void The_argument_words_that_pick_the_exchange_are_the_ones_exchange_mode_compares()
    {
        var body = ExchangeModeFunction().Match(Common.Text);
        Assert.True(body.Success, "exchange_mode() not found in common.h");

        // Each word on the line that returns its mode.
        Assert.Matches($@"strcmp\(argv\[3\], ""{ShareExample.SignedArgument}""\) == 0\)+ return EXCHANGE_SIGNED;", body.Value);
        Assert.Matches($@"strcmp\(argv\[3\], ""{ShareExample.AttestedArgument}""\) == 0\)+ return EXCHANGE_ATTESTED;", body.Value);
    }

    [Fact]
    public void The_message_magic_and_every_message_kind_agree_with_share_c()
    {
        Assert.Equal(ShareMessages.Magic, (ulong)Library.Constant("MESSAGE_MAGIC"));
        var kinds = Library.Enums.Where(e => e.Key.StartsWith("MSG_", StringComparison.Ordinal)).ToDictionary(StringComparer.Ordinal);
        Assert.True(kinds.Count >= 4, $"only {kinds.Count} MSG_ kinds read from share.c");

        foreach (var (name, value) in kinds)
        {
            Assert.True(Enum.TryParse<ShareMessageKind>(name["MSG_".Length..], ignoreCase: true, out var kind), $"share.c's {name} has no ShareMessageKind");
            Assert.Equal(value, (long)kind);
        }
        foreach (var kind in Enum.GetValues<ShareMessageKind>())
            Assert.True(kinds.TryGetValue("MSG_" + UpperSnake(kind.ToString()), out long value) && value == (long)kind, $"ShareMessageKind.{kind} is not MSG_{UpperSnake(kind.ToString())} = {(long)kind} in share.c");
    }

    [Fact]
    public void The_message_header_layout_agrees_with_share_c()
    {
        var header = Library.Layout("msg_header");

        Assert.Equal(ShareMessages.HeaderSize, header.Size);
        Assert.Equal(0, header.OffsetOf("magic"));
        Assert.Equal(ShareMessages.KindOffset, header.OffsetOf("kind"));
        Assert.Equal(ShareMessages.RoleOffset, header.OffsetOf("role"));
    }

    [GeneratedRegex(@"if \(initiator && \(r = send_hello\(m, channel, (?<role>\d+)\)\)\)")]
    private static partial Regex InitiatorHello();

    [Fact]
    public void The_initiator_sends_its_hello_with_the_role_word_the_host_looks_for()
    {
        var match = InitiatorHello().Match(Library.Text);
        Assert.True(match.Success, "the initiator's send_hello call not found in share.c");

        Assert.Equal(ShareMessages.InitiatorRole, uint.Parse(match.Groups["role"].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_hello_layout_agrees_with_share_c()
    {
        var hello = Library.Layout("msg_hello");

        Assert.Equal(ShareMessages.HelloSize, hello.Size);
        Assert.Equal(ShareMessages.HelloPublicKeyOffset, hello.OffsetOf("public_key"));
        Assert.Equal(ShareMessages.PublicKeySize, hello.SizeOf("public_key"));
        Assert.Equal(ShareMessages.HelloNonceOffset, hello.OffsetOf("nonce"));
        Assert.Equal(ShareMessages.NonceSize, hello.SizeOf("nonce"));
    }

    [Fact]
    public void The_region_announcement_layout_agrees_with_share_c()
    {
        var region = Library.Layout("msg_region");

        Assert.Equal(ShareMessages.RegionSize, region.Size);
        Assert.Equal(ShareMessages.RegionSegmentOffset, region.OffsetOf("segment"));
        Assert.Equal(ShareMessages.RegionSizeOffset, region.OffsetOf("size"));
        Assert.Equal(ShareMessages.RegionIdOffset, region.OffsetOf("region_id"));
    }

    [Fact]
    public void The_report_message_carries_a_whole_attestation_report_after_the_header()
    {
        var message = Library.Layout("msg_report");

        Assert.Equal(ShareMessages.ReportOffset, message.OffsetOf("report"));
        Assert.Equal(AttestationReport.Size, message.SizeOf("report"));
        Assert.Equal(ShareMessages.ReportOffset + AttestationReport.Size, message.Size);
    }

    [Fact]
    public void The_key_notification_layout_agrees_with_share_c()
    {
        var notification = Library.Layout("notification");

        Assert.Equal(ShareMessages.NotificationSize, notification.Size);
        Assert.Equal(0, notification.OffsetOf("magic"));
        Assert.Equal(ShareMessages.NotificationRegionIdOffset, notification.OffsetOf("region_id"));
        Assert.Equal(ShareMessages.NotificationSegmentOffset, notification.OffsetOf("segment"));
        Assert.Equal(ShareMessages.NotificationSizeOffset, notification.OffsetOf("size"));
        Assert.Equal(ShareMessages.NotificationKeyOffset, notification.OffsetOf("key"));
        Assert.Equal(ShareMessages.KeySize, notification.SizeOf("key"));
    }

    [Fact]
    public void The_transcript_label_agrees_with_share_c()
    {
        Assert.Equal(Library.StringDefine("TRANSCRIPT_LABEL"), Encoding.ASCII.GetString(ShareMessages.TranscriptLabel));
    }
}
