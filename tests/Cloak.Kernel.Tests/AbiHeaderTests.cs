using System.Globalization;
using System.Text.RegularExpressions;
using Cloak.Kernel.Abi;
using Cloak.Kernel.Tests.Support;

namespace Cloak.Kernel.Tests;

/// <summary>
/// The system call ABI is defined once per language (STYLE.md): guest/include/cloak/syscall.h for C,
/// Cloak.Kernel.Abi for C#. These tests read the header and hold both sides to the same numbers.
/// </summary>
public sealed partial class AbiHeaderTests
{
    [GeneratedRegex(@"^#define\s+CLOAK_SYS_([A-Z0-9_]+)\s+(0x[0-9A-Fa-f]+|\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex SyscallDefine();

    [GeneratedRegex(@"^#define\s+CLOAK_(E[A-Z0-9]+)\s+(\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex ErrnoDefine();

    [GeneratedRegex(@"^#define\s+CLOAK_CHAN_NONBLOCK\s+(\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex NonBlockDefine();

    private static string Header() => File.ReadAllText(Path.Combine(GuestPrograms.RepositoryRoot, "guest", "include", "cloak", "syscall.h"));

    private static ulong Number(string text) => text.StartsWith("0x", StringComparison.Ordinal)
        ? ulong.Parse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
        : ulong.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>CHAN_CREATE -> ChanCreate, GET_PPID -> GetPpid, NANO_SLEEP -> NanoSleep.</summary>
    internal static string PascalCase(string upperSnake) => string.Concat(upperSnake.Split('_')
        .Select(part => part[..1] + part[1..].ToLowerInvariant()));

    private static Dictionary<string, ulong> HeaderSyscalls() => SyscallDefine().Matches(Header())
        .ToDictionary(m => PascalCase(m.Groups[1].Value), m => Number(m.Groups[2].Value), StringComparer.Ordinal);

    private static Dictionary<string, ulong> HeaderErrnos() => ErrnoDefine().Matches(Header())
        .ToDictionary(m => m.Groups[1].Value, m => Number(m.Groups[2].Value), StringComparer.Ordinal);

    [Fact]
    public void Names_convert_from_the_headers_spelling_to_the_enums()
    {
        Assert.Equal("ChanCreate", PascalCase("CHAN_CREATE"));
        Assert.Equal("NanoSleep", PascalCase("NANO_SLEEP"));
        Assert.Equal("GetPpid", PascalCase("GET_PPID"));
        Assert.Equal("Read", PascalCase("READ"));
    }

    [Fact]
    public void Every_syscall_in_the_C_header_has_the_same_number_in_the_CSharp_enum()
    {
        var header = HeaderSyscalls();
        Assert.True(header.Count > 20, $"only {header.Count} CLOAK_SYS_ defines found");
        foreach (var (name, number) in header)
        {
            Assert.True(Enum.TryParse<Syscall>(name, out var value), $"CLOAK_SYS_ {name} has no Syscall.{name}");
            Assert.True((ulong)value == number, $"{name}: C says {number}, C# says {(ulong)value}");
        }
    }

    [Fact]
    public void Every_syscall_in_the_CSharp_enum_is_in_the_C_header()
    {
        var header = HeaderSyscalls();
        foreach (var value in Enum.GetValues<Syscall>())
        {
            Assert.True(header.TryGetValue(value.ToString(), out ulong number), $"Syscall.{value} is missing from syscall.h");
            Assert.Equal((ulong)value, number);
        }
    }

    [Fact]
    public void Every_errno_in_the_C_header_has_the_same_value_in_the_CSharp_enum()
    {
        var header = HeaderErrnos();
        Assert.True(header.Count > 10, $"only {header.Count} CLOAK_E defines found");
        foreach (var (name, number) in header)
        {
            Assert.True(Enum.TryParse<Errno>(name, out var value), $"CLOAK_{name} has no Errno.{name}");
            Assert.Equal(number, (ulong)value);
        }
    }

    [Fact]
    public void Every_errno_in_the_CSharp_enum_is_in_the_C_header()
    {
        var header = HeaderErrnos();
        foreach (var value in Enum.GetValues<Errno>())
        {
            Assert.True(header.TryGetValue(value.ToString(), out ulong number), $"Errno.{value} is missing from syscall.h");
            Assert.Equal((ulong)value, number);
        }
    }

    [Fact]
    public void The_non_blocking_receive_flag_agrees()
    {
        var match = NonBlockDefine().Match(Header());
        Assert.True(match.Success, "CLOAK_CHAN_NONBLOCK is missing from syscall.h");
        Assert.Equal((ulong)ChannelReceiveFlags.NonBlocking, Number(match.Groups[1].Value));
    }
}
