using System.Globalization;
using System.Text.RegularExpressions;
using Cloak.Isa;

namespace Cloak.Tests.Sdk;

/// <summary>
/// The TRP ABI is defined once per language (STYLE.md): guest/include/cloak/trp.h for C, the opcode
/// table and Cloak.Isa's TrpStatus, RegionKind and RegionPermissions for C#. These tests read the
/// header and hold both sides to the same numbers, as trp.h's opening comment promises.
/// </summary>
public sealed partial class TrpHeaderTests
{
    private static readonly string Header = File.ReadAllText(Repository.PathOf("guest/include/cloak/trp.h"));

    [GeneratedRegex(@"^#define\s+CLOAK_TRP_([A-Z_]+)\s+(\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex StatusDefine();

    [GeneratedRegex(@"^#define\s+CLOAK_REGION_([A-Z]+)\s+(\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex KindDefine();

    [GeneratedRegex(@"^#define\s+CLOAK_PERM_([A-Z]+)\s+(\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex PermissionDefine();

    /// <summary>static inline long cloak_trp_NAME(...) { ... CLOAK_TRP_R(0xNN, ...</summary>
    [GeneratedRegex(@"cloak_trp_(?<name>[a-z]+)\([^)]*\)\s*\{[^}]*?CLOAK_TRP_R\((?<funct7>0x[0-9A-Fa-f]+)", RegexOptions.Singleline)]
    private static partial Regex Wrapper();

    private static Dictionary<string, long> Defines(Regex pattern) => pattern.Matches(Header)
        .ToDictionary(m => m.Groups[1].Value.Replace("_", "", StringComparison.Ordinal), m => long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), StringComparer.OrdinalIgnoreCase);

    [Fact]
    public void Every_trp_status_has_the_same_number_in_the_header_and_in_TrpStatus()
    {
        var header = Defines(StatusDefine());
        foreach (var status in Enum.GetValues<TrpStatus>())
        {
            Assert.True(header.TryGetValue(status.ToString(), out long number), $"TrpStatus.{status} is missing from trp.h");
            Assert.Equal((long)status, number);
        }
        Assert.Equal(Enum.GetValues<TrpStatus>().Length, header.Count);
    }

    [Fact]
    public void Region_kinds_and_permissions_agree_with_the_header()
    {
        var kinds = Defines(KindDefine());
        foreach (var kind in Enum.GetValues<RegionKind>()) Assert.Equal((long)kind, kinds[kind.ToString()]);
        Assert.Equal(Enum.GetValues<RegionKind>().Length, kinds.Count);
        var permissions = Defines(PermissionDefine());
        foreach (var permission in Enum.GetValues<RegionPermissions>().Where(p => p != RegionPermissions.None))
            Assert.Equal((long)permission, permissions[permission.ToString()]);
    }

    [Fact]
    public void Every_wrapper_emits_the_funct7_of_the_instruction_it_is_named_after()
    {
        var wrappers = Wrapper().Matches(Header).ToList();
        Assert.True(wrappers.Count >= 10, $"found {wrappers.Count} wrappers in trp.h");
        foreach (Match wrapper in wrappers)
        {
            string mnemonic = "trp." + wrapper.Groups["name"].Value;
            var info = OpcodeTable.ByMnemonic(mnemonic);
            Assert.True(info is not null, $"trp.h wraps {mnemonic}, which the opcode table does not have");
            uint funct7 = uint.Parse(wrapper.Groups["funct7"].Value[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            Assert.Equal(info.Match >> 25, funct7);
        }
    }

    [GeneratedRegex(@"^#define\s+CLOAK_REPORT_([A-Z_]+)\s+(0x[0-9A-Fa-f]+|\d+)u?\b", RegexOptions.Multiline)]
    private static partial Regex ReportDefine();

    [GeneratedRegex(@"struct cloak_report \{(?<body>[^}]*)\}", RegexOptions.Singleline)]
    private static partial Regex ReportStruct();

    [GeneratedRegex(@"(uint\d+)_t (\w+)(?:\[(\d+)\])?;")]
    private static partial Regex StructField();

    [Fact]
    public void The_attestation_report_layout_in_the_header_is_the_one_the_chip_writes()
    {
        var defines = ReportDefine().Matches(Header).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.StartsWith("0x", StringComparison.Ordinal)
            ? long.Parse(m.Groups[2].Value[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) : long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));

        Assert.Equal(AttestationReport.Magic, (uint)defines["MAGIC"]);
        Assert.Equal(AttestationReport.CurrentVersion, defines["VERSION"]);
        Assert.Equal(AttestationReport.FlagDebuggable, defines["FLAG_DEBUGGABLE"]);
        Assert.Equal(AttestationReport.Size, defines["SIZE"]);
        // struct cloak_report's fields in order, with their sizes: the offsets follow.
        string body = ReportStruct().Match(Header).Groups["body"].Value;
        var fields = StructField().Matches(body).Select(m => (Name: m.Groups[2].Value,
            Size: int.Parse(m.Groups[1].Value[4..], CultureInfo.InvariantCulture) / 8 * (m.Groups[3].Success ? int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : 1))).ToList();
        int at = 0;
        var offsets = new Dictionary<string, int>();
        foreach (var (name, size) in fields)
        {
            offsets[name] = at;
            at += size;
        }
        Assert.Equal(AttestationReport.Size, at);
        Assert.Equal(AttestationReport.OffFlags, offsets["flags"]);
        Assert.Equal(AttestationReport.OffChipFingerprint, offsets["chip_fingerprint"]);
        Assert.Equal(AttestationReport.OffMeasurement, offsets["measurement"]);
        Assert.Equal(AttestationReport.OffNonce, offsets["nonce"]);
        Assert.Equal(AttestationReport.OffUserData, offsets["user_data"]);
        Assert.Equal(AttestationReport.OffSignature, offsets["signature"]);
    }
}
