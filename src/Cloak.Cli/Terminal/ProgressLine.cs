namespace Cloak.Cli.Terminal;

/// <summary>
/// One self-updating status line on stderr for long runs (instructions, MIPS, simulated time,
/// processes alive, the protocol step reached). Shown only when stderr is a terminal (never when it is
/// redirected, so never in a test's captured output or a CI log), only after about 2 s, and erased
/// before anything else is printed and at the end. CLOAK_PROGRESS=0 turns it off.
/// </summary>
internal sealed class ProgressLine : IDisposable
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(2), Period = TimeSpan.FromMilliseconds(250);
    private readonly object _lock = new();
    private readonly Func<string> _status;
    private readonly Timer? _timer;
    private bool _visible, _stopped;

    private ProgressLine(Func<string> status, bool enabled)
    {
        _status = status;
        if (enabled) _timer = new Timer(_ => Draw(), null, Delay, Period);
    }

    /// <summary>True where a progress line may be drawn: stderr is an interactive terminal.</summary>
    public static bool Possible =>
        !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("CLOAK_PROGRESS") != "0" &&
        Environment.GetEnvironmentVariable("TERM") is not "dumb";

    /// <summary>A progress line that draws <paramref name="status"/> (called on a timer thread: it must only read).</summary>
    public static ProgressLine Start(Func<string> status) => new(status, Possible);

    /// <summary>A progress line that never draws (stderr redirected, or nothing to show).</summary>
    public static ProgressLine None { get; } = new(() => "", enabled: false);

    public bool Enabled => _timer is not null;

    private void Draw()
    {
        string text;
        try
        {
            text = _status();
        }
        catch (InvalidOperationException)
        {
            return; // the simulation changed a collection under us: skip this frame
        }
        lock (_lock)
        {
            if (_stopped) return;
            int width = Math.Max(20, SafeWidth() - 1);
            if (text.Length > width) text = text[..(width - 3)] + "...";
            Console.Error.Write("\r" + text + "\u001b[K");
            Console.Error.Flush();
            _visible = true;
        }
    }

    private static int SafeWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }

    /// <summary>Runs <paramref name="write"/> with the line erased (it comes back at the next tick).</summary>
    public void Around(Action write)
    {
        if (_timer is null)
        {
            write();
            return;
        }
        lock (_lock)
        {
            Erase();
            write();
        }
    }

    private void Erase()
    {
        if (!_visible) return;
        Console.Error.Write("\r\u001b[K");
        Console.Error.Flush();
        _visible = false;
    }

    /// <summary>Stops and erases the line (before the run's final messages).</summary>
    public void Stop()
    {
        if (_timer is null) return;
        lock (_lock)
        {
            _stopped = true;
            _timer.Dispose();
            Erase();
        }
    }

    public void Dispose() => Stop();
}
