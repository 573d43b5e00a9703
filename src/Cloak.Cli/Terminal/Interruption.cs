using System.Runtime.InteropServices;

namespace Cloak.Cli.Terminal;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM stop a run cleanly: the simulation stops between scheduling turns (or
/// instruction chunks), everything the guests printed is written out, every requested file is still
/// produced, and the exit code is 130 or 143 (128 + the signal, as shells report). A second Ctrl-C
/// while the first is being handled ends the process at once.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration? _term;
    private int _signal;

    public Interruption()
    {
        Console.CancelKeyPress += OnCancelKeyPress;
        if (!OperatingSystem.IsWindows())
            _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                Request(15);
            });
    }

    public CancellationToken Token => _source.Token;

    public bool Requested => _source.IsCancellationRequested;

    /// <summary>128 + the signal that stopped the run: 130 for SIGINT, 143 for SIGTERM.</summary>
    public int ExitCode => 128 + _signal;

    /// <summary>"Ctrl-C" or "SIGTERM", for messages.</summary>
    public string What => _signal switch { 15 => "SIGTERM", 9 => "gdb (kill)", _ => "Ctrl-C (SIGINT)" };

    /// <summary>gdb killed the target (cloak run --gdb): the run ends as if by SIGKILL (exit code 137).</summary>
    public void KilledByDebugger() => Request(9);

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (_source.IsCancellationRequested) return; // the second one: let the runtime end the process
        e.Cancel = true;
        Request(2);
    }

    private void Request(int signal)
    {
        if (Interlocked.CompareExchange(ref _signal, signal, 0) == 0) _source.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _term?.Dispose();
        _source.Dispose();
    }
}
