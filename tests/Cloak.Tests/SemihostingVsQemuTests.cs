using System.Reflection;
using Cloak.BareMetal;
using Cloak.Tests.Support;

namespace Cloak.Tests;

/// <summary>
/// Semihosting corner cases run on QEMU and on Cloak: each program makes a few calls and exits with
/// one call's result (low 8 bits: -1 reads as 255) through SYS_EXIT_EXTENDED, so QEMU's exit status
/// says what QEMU returned. Console output is compared too.
/// </summary>
public class SemihostingVsQemuTests
{
    private static readonly Dictionary<string, Func<GuestProgram, int>> Scenarios = new(StringComparer.Ordinal)
    {
        ["SYS_ERRNO before any error"] = p => p.Semihosting(Semihost.Errno),
        ["SYS_CLOSE of a handle that is not open"] = p => p.Semihosting(Semihost.Close, p.Words(99)),
        ["SYS_ERRNO after closing a handle that is not open"] = p =>
        {
            p.Semihosting(Semihost.Close, p.Words(99));
            return p.Semihosting(Semihost.Errno);
        },
        ["SYS_FLEN of a handle that is not open"] = p => p.Semihosting(Semihost.Flen, p.Words(99)),
        ["SYS_WRITE to a handle that is not open"] = p => p.Semihosting(Semihost.Write, p.Words(99, p.String("abc"), 3)),
        ["SYS_READ from a handle that is not open"] = p => p.Semihosting(Semihost.Read, p.Words(99, p.Reserve(8), 3)),
        ["SYS_ERRNO after writing to a handle that is not open"] = p =>
        {
            p.Semihosting(Semihost.Write, p.Words(99, p.String("abc"), 3));
            return p.Semihosting(Semihost.Errno);
        },
        ["SYS_WRITE from a buffer that is not memory"] = p => WithHandle(p, p.OpenFile(":tt", Semihost.ModeWrite), h => p.Words(h, 0x10, 3), Semihost.Write),
        ["SYS_OPEN of a name that is not memory"] = p => p.Semihosting(Semihost.Open, p.Words(0x10, 0, 3)),
        ["SYS_ERRNO after opening a name that is not memory"] = p =>
        {
            p.Semihosting(Semihost.Open, p.Words(0x10, 0, 3));
            return p.Semihosting(Semihost.Errno);
        },
        ["SYS_OPEN of tt with mode 12"] = p => p.OpenFile(":tt", 12),
        ["SYS_ERRNO after opening tt with mode 12"] = p =>
        {
            p.OpenFile(":tt", 12);
            return p.Semihosting(Semihost.Errno);
        },
        ["the second SYS_OPEN returns handle 2"] = p =>
        {
            p.OpenFile(":tt", Semihost.ModeWrite);
            return p.OpenFile(":tt", Semihost.ModeAppend);
        },
        ["SYS_CLOSE of a console handle"] = p => WithHandle(p, p.OpenFile(":tt", Semihost.ModeWrite), h => p.Words(h), Semihost.Close),
        ["SYS_FLEN of a console handle"] = p => WithHandle(p, p.OpenFile(":tt", Semihost.ModeWrite), h => p.Words(h), Semihost.Flen),
        ["SYS_OPEN of the features file for writing"] = p => p.OpenFile(":semihosting-features", Semihost.ModeWrite),
        ["SYS_ERRNO after opening the features file for writing"] = p =>
        {
            p.OpenFile(":semihosting-features", Semihost.ModeWrite);
            return p.Semihosting(Semihost.Errno);
        },
        ["SYS_FLEN of the features file"] = p => WithHandle(p, p.OpenFile(":semihosting-features", 0), h => p.Words(h), Semihost.Flen),
        ["SYS_ISTTY of the features file"] = p => WithHandle(p, p.OpenFile(":semihosting-features", 0), h => p.Words(h), Semihost.IsTty),
        ["SYS_READ of 8 bytes from the 5-byte features file"] = p => WithHandle(p, p.OpenFile(":semihosting-features", 0), h => p.Words(h, p.Reserve(8), 8), Semihost.Read),
        ["SYS_READ at the end of the features file"] = p =>
        {
            int handle = p.OpenFile(":semihosting-features", 0);
            WithHandle(p, handle, h => p.Words(h, p.Reserve(8), 5), Semihost.Read);
            return WithHandle(p, handle, h => p.Words(h, p.Reserve(8), 5), Semihost.Read);
        },
        ["SYS_WRITE to the features file"] = p => WithHandle(p, p.OpenFile(":semihosting-features", 0), h => p.Words(h, p.String("abc"), 3), Semihost.Write),
        ["SYS_SEEK inside the features file"] = p => WithHandle(p, p.OpenFile(":semihosting-features", 0), h => p.Words(h, 2), Semihost.Seek),
        ["SYS_SEEK past the end of the features file"] = p => WithHandle(p, p.OpenFile(":semihosting-features", 0), h => p.Words(h, 9), Semihost.Seek),
        ["SYS_ISERROR of -1"] = p => p.Semihosting(Semihost.IsError, p.Words(ulong.MaxValue)),
        ["SYS_ISERROR of 5"] = p => p.Semihosting(Semihost.IsError, p.Words(5)),
        ["a0 after SYS_WRITEC"] = p => p.Semihosting(Semihost.WriteC, p.String("c")),
        ["a0 after SYS_WRITE0"] = p => p.Semihosting(Semihost.Write0, p.String("zero\n")),
    };

    [Theory]
    [InlineData("SYS_ERRNO before any error")]
    [InlineData("SYS_CLOSE of a handle that is not open")]
    [InlineData("SYS_ERRNO after closing a handle that is not open")]
    [InlineData("SYS_FLEN of a handle that is not open")]
    [InlineData("SYS_WRITE to a handle that is not open")]
    [InlineData("SYS_READ from a handle that is not open")]
    [InlineData("SYS_ERRNO after writing to a handle that is not open")]
    [InlineData("SYS_WRITE from a buffer that is not memory")]
    [InlineData("SYS_OPEN of a name that is not memory")]
    [InlineData("SYS_ERRNO after opening a name that is not memory")]
    [InlineData("SYS_OPEN of tt with mode 12")]
    [InlineData("SYS_ERRNO after opening tt with mode 12")]
    [InlineData("the second SYS_OPEN returns handle 2")]
    [InlineData("SYS_CLOSE of a console handle")]
    [InlineData("SYS_FLEN of a console handle")]
    [InlineData("SYS_OPEN of the features file for writing")]
    [InlineData("SYS_ERRNO after opening the features file for writing")]
    [InlineData("SYS_FLEN of the features file")]
    [InlineData("SYS_ISTTY of the features file")]
    [InlineData("SYS_READ of 8 bytes from the 5-byte features file")]
    [InlineData("SYS_READ at the end of the features file")]
    [InlineData("SYS_WRITE to the features file")]
    [InlineData("SYS_SEEK inside the features file")]
    [InlineData("SYS_SEEK past the end of the features file")]
    [InlineData("SYS_ISERROR of -1")]
    [InlineData("SYS_ISERROR of 5")]
    [InlineData("a0 after SYS_WRITEC")]
    [InlineData("a0 after SYS_WRITE0")]
    public async Task The_call_returns_what_QEMU_returns(string scenario)
    {
        var program = new GuestProgram();
        program.ExitWithResult(Scenarios[scenario](program));
        using var temp = new TempDirectory();
        string elf = temp.Write("scenario.elf", program.ToElfBytes());

        var qemu = await Qemu.RunAsync(elf);
        var cloak = program.Run(sharedConsole: true);

        Assert.True(cloak.Outcome.End == RunEnd.Exited, cloak.Describe());
        Assert.True((cloak.Outcome.ExitCode & 0xFF) == qemu.ExitCode,
            $"{scenario}: Cloak returned {cloak.Outcome.ExitCode & 0xFF} (low 8 bits), QEMU {qemu.ExitCode}");
        Assert.Equal(System.Text.Encoding.Latin1.GetString(qemu.Console), System.Text.Encoding.Latin1.GetString(cloak.Stdout));
    }

    [Fact]
    public void Every_scenario_has_a_row()
    {
        var rows = typeof(SemihostingVsQemuTests).GetMethod(nameof(The_call_returns_what_QEMU_returns))!
            .GetCustomAttributes<InlineDataAttribute>()
            .SelectMany(a => a.GetData(null!))
            .Select(row => (string)row[0])
            .ToHashSet(StringComparer.Ordinal);
        Assert.Empty(Scenarios.Keys.Except(rows));
        Assert.Empty(rows.Except(Scenarios.Keys));
    }

    /// <summary>Puts the handle from <paramref name="handleSlot"/> into the block <paramref name="block"/> builds, then calls <paramref name="operation"/>.</summary>
    private static int WithHandle(GuestProgram p, int handleSlot, Func<ulong, ulong> block, ulong operation)
    {
        ulong address = block(0);
        p.CopyResult(handleSlot, address);
        return p.Semihosting(operation, address);
    }
}
