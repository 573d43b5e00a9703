using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Cloak.Tests.Support;

/// <summary>
/// A <c>cloak</c> child process watched as it runs: each stdout line with the moment it arrived, a
/// signal sent mid-run, and the moment it exited. It starts through <c>env --default-signal</c> so
/// that SIGINT and SIGTERM have their default handling in the child even when the test runner was
/// started with them ignored (as a shell does for a background job); stdin is empty and stderr is
/// captured, so stderr is never a terminal.
/// </summary>
internal sealed partial class LiveCli : IDisposable
{
    public const int SigInt = 2, SigTerm = 15;

    private readonly Process _process;
    private readonly Stopwatch _clock;
    private readonly List<(TimeSpan At, string Line)> _lines = [];
    private readonly Task _stdout;
    private readonly Task<string> _stderr;

    private LiveCli(Process process, Stopwatch clock)
    {
        _process = process;
        _clock = clock;
        // A thread of its own, blocked in ReadLine, stamps each line as it arrives. A thread-pool reader
        // stamped them late while parallel tests kept the pool busy: two lines printed 0.7 s apart
        // were once stamped at the same moment, which is what output held back would look like.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = new Thread(() =>
        {
            try
            {
                while (process.StandardOutput.ReadLine() is { } line)
                    lock (_lines) _lines.Add((clock.Elapsed, line));
                done.SetResult();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                done.SetException(e);
            }
        })
        { IsBackground = true, Name = "cloak stdout" };
        reader.Start();
        _stdout = done.Task;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public static LiveCli Start(params string[] arguments)
    {
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (string argument in (string[])["--default-signal=INT,TERM", host, CliRunner.CliDll, .. arguments]) start.ArgumentList.Add(argument);
        var clock = Stopwatch.StartNew();
        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start cloak");
        process.StandardInput.Close();
        return new LiveCli(process, clock);
    }

    /// <summary>Time since the start.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>The stdout lines so far, with the moments they arrived.</summary>
    public IReadOnlyList<(TimeSpan At, string Line)> Lines
    {
        get
        {
            lock (_lines) return [.. _lines];
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Waits until <paramref name="count"/> lines have arrived (fails the test on a timeout or an early exit).</summary>
    public async Task WaitForLinesAsync(int count, TimeSpan timeout)
    {
        var deadline = _clock.Elapsed + timeout;
        while (Lines.Count < count)
        {
            Assert.True(_clock.Elapsed < deadline, $"only {Lines.Count} of {count} lines after {timeout.TotalSeconds} s");
            if (_process.HasExited && _stdout.IsCompleted && Lines.Count < count)
                Assert.Fail($"cloak exited after {Lines.Count} of {count} lines: {await _stderr.ConfigureAwait(false)}");
            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    /// <summary>Sends <paramref name="signal"/> to the child (env has exec'd the dotnet host, so this is cloak).</summary>
    public void Signal(int signal)
    {
        int result = Kill(_process.Id, signal);
        Assert.True(result == 0, $"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}; exited: {_process.HasExited}; " +
            $"lines at {string.Join(", ", Lines.Select(l => $"{l.At.TotalSeconds:F2} s"))}; now {Now.TotalSeconds:F2} s");
    }

    /// <summary>Waits for the exit; returns the exit code, when it came, and stderr.</summary>
    public async Task<(int ExitCode, TimeSpan ExitedAt, string Stderr)> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"cloak did not finish within {timeout.TotalSeconds} s");
        }
        var exitedAt = _clock.Elapsed;
        await _stdout.ConfigureAwait(false);
        return (_process.ExitCode, exitedAt, await _stderr.ConfigureAwait(false));
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
