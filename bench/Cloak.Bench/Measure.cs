using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Cloak.Bench;

internal sealed record Sample(TimeSpan Wall, int ExitCode, ulong Instructions, double Mips)
{
    /// <summary>Simulated cycles (instructions, wfi waits and the protection hardware's latency model).</summary>
    public ulong Cycles { get; init; }
    /// <summary>64-byte lines the memory encryption unit decrypted (protected runs only).</summary>
    public ulong LinesDecrypted { get; init; }
    /// <summary>Data cache hits and misses (protected runs only).</summary>
    public (ulong Hits, ulong Misses) CacheHitsMisses { get; init; }
}

/// <summary>Runs one program under Cloak or QEMU and measures it.</summary>
internal static partial class Measure
{
    /// <summary>The best of <paramref name="repeat"/> runs: shortest wall time, or highest MIPS if <paramref name="fastest"/>.</summary>
    public static Sample Best(int repeat, Func<Sample> run, bool fastest = false)
    {
        var samples = Enumerable.Range(0, repeat).Select(_ => run()).ToList();
        return fastest ? samples.MaxBy(s => s.Mips)! : samples.MinBy(s => s.Wall)!;
    }

    /// <summary>Runs <c>cloak run --stats [options] program</c>.</summary>
    public static Sample Cloak(string repo, string program, params string[] options)
    {
        var (wall, code, _, stderr) = Execute(Path.Combine(repo, "cloak"), ["run", "--stats", .. options, program]);
        ulong instructions = ulong.Parse(Stat(stderr, "instructions retired"), CultureInfo.InvariantCulture);
        double mips = double.Parse(Stat(stderr, "MIPS"), CultureInfo.InvariantCulture);
        var lines = Regex.Match(stderr, @"cloak: lines decrypted\s+(\d+)");
        var cycles = Regex.Match(stderr, @"cloak: simulated cycles\s+(\d+)");
        var cache = Regex.Match(stderr, @"cloak: data cache hits/miss\s+(\d+) / (\d+)");
        return new Sample(wall, code, instructions, mips)
        {
            Cycles = cycles.Success ? ulong.Parse(cycles.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            LinesDecrypted = lines.Success ? ulong.Parse(lines.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            CacheHitsMisses = cache.Success
                ? (ulong.Parse(cache.Groups[1].Value, CultureInfo.InvariantCulture), ulong.Parse(cache.Groups[2].Value, CultureInfo.InvariantCulture))
                : (0, 0),
        };
    }

    /// <summary>Runs another cloak command (keygen, seal) and fails loudly if it fails.</summary>
    public static void Tool(string repo, string[] arguments)
    {
        var (_, code, _, stderr) = Execute(Path.Combine(repo, "cloak"), arguments);
        if (code != 0) throw new InvalidOperationException($"cloak {string.Join(' ', arguments)} exited {code}: {stderr.Trim()}");
    }

    /// <summary>
    /// Runs <paramref name="file"/> with <paramref name="arguments"/>: its wall time, the CPU time
    /// (user + system) it used, and its exit code. CPU time barely moves when other work shares the
    /// machine, where wall time can double; it is the children's resource usage of this process before
    /// and after (getrusage), so nothing else may run a child meanwhile.
    /// </summary>
    public static (TimeSpan Wall, TimeSpan Cpu, int ExitCode) WallAndCpu(string file, string[] arguments)
    {
        var before = ChildrenCpu();
        var (wall, code, _, _) = Execute(file, arguments);
        return (wall, ChildrenCpu() - before, code);
    }

    private static TimeSpan ChildrenCpu()
    {
        if (GetResourceUsage(-1, out var usage) != 0) throw new InvalidOperationException("getrusage(RUSAGE_CHILDREN) failed");
        long microseconds = (usage.UserSeconds + usage.SystemSeconds) * 1_000_000 + usage.UserMicroseconds + usage.SystemMicroseconds;
        return TimeSpan.FromMicroseconds(microseconds);
    }

    /// <summary>The head of Linux's struct rusage (x86-64): two timevals, then 14 longs we do not read.</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct ResourceUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long Rest0, Rest1, Rest2, Rest3, Rest4, Rest5, Rest6, Rest7, Rest8, Rest9, Rest10, Rest11, Rest12, Rest13;
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetResourceUsage(int who, out ResourceUsage usage);

    public static Sample Qemu(string elf)
    {
        var (wall, code, _, _) = Execute("qemu-system-riscv64",
            ["-M", "virt", "-nographic", "-bios", "none", "-semihosting-config", "enable=on,target=native", "-kernel", elf]);
        return new Sample(wall, code, 0, 0);
    }

    private static string Stat(string stderr, string name)
    {
        var match = Regex.Match(stderr, $@"cloak: {Regex.Escape(name)}\s+(\S+)");
        return match.Success ? match.Groups[1].Value : throw new InvalidOperationException($"cloak --stats printed no '{name}':\n{stderr}");
    }

    private static (TimeSpan Wall, int ExitCode, string Stdout, string Stderr) Execute(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        clock.Stop();
        return (clock.Elapsed, process.ExitCode, stdout.Result, stderr.Result);
    }
}
