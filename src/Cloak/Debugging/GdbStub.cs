using System.Globalization;
using System.Text;

namespace Cloak.Debugging;

/// <summary>
/// The GDB remote serial protocol (all-stop mode) over one <see cref="GdbConnection"/>: answers
/// gdb's queries while the machine is stopped and tells the run loop how to go on (continue, step one
/// thread, detach, kill). The run loop owns execution: it asks <see cref="NeedsStepping"/>,
/// <see cref="CodeBreakpointAt"/> and <see cref="WatchpointHit"/> and calls <see cref="Stop"/> when
/// something stops the machine; everything else (what gdb may see) is the <see cref="IDebugTarget"/>'s call.
/// </summary>
public sealed class GdbStub
{
    /// <summary>Largest packet gdb may send us (PacketSize, in bytes, hex in qSupported).</summary>
    public const int PacketSize = 0x4000;

    private readonly GdbConnection _connection;
    private readonly IDebugTarget _target;
    private readonly List<Breakpoint> _breakpoints = [];
    private StopEvent _lastStop;
    private int _general;

    public GdbStub(GdbConnection connection, IDebugTarget target, int firstThread)
    {
        _connection = connection;
        _target = target;
        _general = firstThread;
        _lastStop = new StopEvent(firstThread, StopEvent.SigTrap);
    }

    /// <summary>gdb detached or went away: the run goes on undebugged.</summary>
    public bool Detached { get; private set; }

    /// <summary>gdb killed the target: the run loop ends the run.</summary>
    public bool Killed { get; private set; }

    /// <summary>The thread gdb asked to step (one instruction), or null while it continues.</summary>
    public int? SteppingThread { get; private set; }

    public IReadOnlyList<Breakpoint> Breakpoints => _breakpoints;

    /// <summary>True if the run loop must go one instruction at a time for <paramref name="thread"/> (a step, a breakpoint or watchpoint of it).</summary>
    public bool NeedsStepping(int thread) => !Detached && (SteppingThread == thread || _breakpoints.Any(b => b.Thread == thread));

    public bool HasWatchpoints(int thread) => !Detached && _breakpoints.Any(b => b.Thread == thread && !b.IsCode);

    public Breakpoint? CodeBreakpointAt(int thread, ulong pc) =>
        Detached ? null : _breakpoints.FirstOrDefault(b => b.IsCode && b.Thread == thread && b.Address == pc);

    public Breakpoint? WatchpointHit(int thread, ulong address, int size, bool isWrite) =>
        Detached ? null : _breakpoints.FirstOrDefault(b => !b.IsCode && b.Thread == thread && b.Watches(isWrite) && b.Overlaps(address, (ulong)size));

    /// <summary>True if gdb sent Ctrl-C while the machine runs (then the run loop stops it with <see cref="StopEvent.Interrupted"/>).</summary>
    public bool PollInterrupt()
    {
        if (Detached) return false;
        try
        {
            return _connection.PollInterrupt();
        }
        catch (GdbDisconnectedException)
        {
            Disconnect();
            return false;
        }
    }

    /// <summary>
    /// The machine stopped: tell gdb (unless <paramref name="announce"/> is false: the first stop,
    /// which gdb asks about with '?') and serve it until it resumes the machine.
    /// </summary>
    public void Stop(StopEvent stop, bool announce = true)
    {
        if (Detached) return;
        _lastStop = stop;
        _general = stop.Thread;
        SteppingThread = null;
        try
        {
            if (announce) _connection.Send(StopReply(stop));
            while (!Serve(_connection.ReadPacket())) { }
        }
        catch (GdbDisconnectedException)
        {
            Disconnect();
        }
    }

    /// <summary>The run ended: report the exit status (W) and close.</summary>
    public void Exited(int code)
    {
        if (Detached || Killed) return;
        try
        {
            _connection.Send($"W{code & 0xFF:x2}");
        }
        catch (GdbDisconnectedException)
        {
            // gdb left first: nothing to tell.
        }
        Disconnect();
    }

    /// <summary>The run ended without an exit status (a fault, a stuck program, the instruction limit): report it as a signal (X) and close.</summary>
    public void Terminated(int signal)
    {
        if (Detached || Killed) return;
        try
        {
            _connection.Send($"X{signal & 0xFF:x2}");
        }
        catch (GdbDisconnectedException)
        {
            // gdb left first: nothing to tell.
        }
        Disconnect();
    }

    private void Disconnect()
    {
        Detached = true;
        SteppingThread = null;
        _breakpoints.Clear();
    }

    private static string StopReply(StopEvent stop) => $"T{stop.Signal:x2}thread:{stop.Thread:x};{stop.Detail}";

    /// <summary>Answers one packet; true if the machine is to run again.</summary>
    private bool Serve(string packet)
    {
        if (packet == GdbConnection.Interrupt)
        {
            _connection.Send(StopReply(_lastStop with { Signal = StopEvent.SigInt, Detail = "" }));
            return false;
        }
        if (packet.Length == 0)
        {
            _connection.Send("");
            return false;
        }
        string reply;
        try
        {
            switch (packet[0])
            {
                case 'c':
                    return Resume(null, packet.Length > 1 ? packet[1..] : null);
                case 's':
                    if (Refused(_lastStop.Thread, out reply)) break;
                    return Resume(_lastStop.Thread, packet.Length > 1 ? packet[1..] : null);
                case 'D':
                    _connection.Send("OK");
                    Disconnect();
                    return true;
                case 'k':
                    Killed = true;
                    Disconnect();
                    return true;
                case 'v':
                    if (packet.StartsWith("vKill", StringComparison.Ordinal))
                    {
                        _connection.Send("OK");
                        Killed = true;
                        Disconnect();
                        return true;
                    }
                    if (packet == "vCont?")
                    {
                        reply = "vCont;c;C;s;S";
                        break;
                    }
                    if (packet.StartsWith("vCont;", StringComparison.Ordinal))
                    {
                        int? step = ParseVCont(packet["vCont;".Length..]);
                        if (step is { } t && Refused(t, out reply)) break;
                        return Resume(step, null);
                    }
                    reply = "";
                    break;
                default:
                    reply = Answer(packet);
                    break;
            }
        }
        catch (FormatException)
        {
            reply = "E01";
        }
        catch (OverflowException)
        {
            reply = "E01";
        }
        if (reply != "\0") _connection.Send(reply);
        return false;
    }

    private bool Refused(int thread, out string reply)
    {
        reply = _target.RefuseStep(thread) is null ? "" : "E01";
        return reply.Length > 0;
    }

    private bool Resume(int? stepThread, string? address)
    {
        if (address is { Length: > 0 })
        {
            // "c ADDR"/"s ADDR": resume at ADDR (gdb no longer sends it, but the protocol has it).
            string? refusal = _target.WriteRegister(_lastStop.Thread, TargetDescription.Pc, GdbPacket.ParseNumber(address));
            if (refusal is not null)
            {
                _connection.Send("E01");
                return false;
            }
        }
        SteppingThread = stepThread;
        return true;
    }

    /// <summary>The thread a vCont steps (the first 's' action's thread), or null if it only continues.</summary>
    private int? ParseVCont(string actions)
    {
        foreach (string action in actions.Split(';'))
        {
            if (action.Length == 0 || action[0] is not ('s' or 'S')) continue;
            int colon = action.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0) return _lastStop.Thread;
            int thread = ParseThread(action[(colon + 1)..]);
            return thread <= 0 ? _lastStop.Thread : thread;
        }
        return null;
    }

    private string Answer(string packet)
    {
        switch (packet[0])
        {
            case '?':
                return StopReply(_lastStop);
            case 'g':
                return ReadGeneralRegisters();
            case 'G':
                return WriteGeneralRegisters(packet[1..]);
            case 'p':
            {
                int regnum = (int)GdbPacket.ParseNumber(packet[1..]);
                if (regnum >= TargetDescription.RegisterCount) return "E45";
                return _target.ReadRegister(_general, regnum) is { } value ? GdbPacket.RegisterHex(value) : new string('x', 16);
            }
            case 'P':
            {
                int eq = packet.IndexOf('=', StringComparison.Ordinal);
                if (eq < 0) return "E01";
                int regnum = (int)GdbPacket.ParseNumber(packet[1..eq]);
                if (regnum >= TargetDescription.RegisterCount) return "E45";
                return _target.WriteRegister(_general, regnum, GdbPacket.ParseRegisterHex(packet[(eq + 1)..])) is null ? "OK" : "E01";
            }
            case 'm':
            {
                var (address, length) = AddressLength(packet[1..]);
                if (length > PacketSize / 2) length = PacketSize / 2;
                return _target.ReadMemory(_general, address, length) is { Length: > 0 } bytes ? GdbPacket.ToHex(bytes) : "E14";
            }
            case 'M':
            {
                int colon = packet.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0) return "E01";
                var (address, length) = AddressLength(packet[1..colon]);
                byte[] data = GdbPacket.FromHex(packet[(colon + 1)..]);
                if (data.Length != length) return "E01";
                return _target.WriteMemory(_general, address, data) is null ? "OK" : "E14";
            }
            case 'X':
            {
                int colon = packet.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0) return "E01";
                var (address, length) = AddressLength(packet[1..colon]);
                byte[] data = Encoding.Latin1.GetBytes(packet[(colon + 1)..]);
                if (data.Length != length) return "E01";
                return length == 0 || _target.WriteMemory(_general, address, data) is null ? "OK" : "E14";
            }
            case 'Z':
            case 'z':
                return SetBreakpoint(packet);
            case 'H':
            {
                if (packet.Length < 2) return "E01";
                if (packet[1] == 'g')
                {
                    int thread = ParseThread(packet[2..]);
                    if (thread > 0 && _target.Threads.All(t => t.Id != thread)) return "E01";
                    _general = thread > 0 ? thread : _lastStop.Thread;
                }
                return "OK";
            }
            case 'T':
                return _target.Threads.Any(t => t.Id == ParseThread(packet[1..])) ? "OK" : "E01";
            case 'q':
            case 'Q':
                return Query(packet);
            default:
                return "";
        }
    }

    private string Query(string packet)
    {
        if (packet.StartsWith("qSupported", StringComparison.Ordinal))
            return $"PacketSize={PacketSize:x};qXfer:features:read+;swbreak+;hwbreak+;QStartNoAckMode+;vContSupported+";
        if (packet == "QStartNoAckMode")
        {
            _connection.Send("OK");
            _connection.NoAck = true;
            return "\0";   // already answered
        }
        if (packet.StartsWith("qXfer:features:read:", StringComparison.Ordinal))
        {
            string[] parts = packet["qXfer:features:read:".Length..].Split(':');
            if (parts.Length != 2 || parts[0] != "target.xml") return "E00";
            var (offset, length) = AddressLength(parts[1]);
            string xml = TargetDescription.Xml;
            if (offset >= (ulong)xml.Length) return "l";
            string chunk = xml.Substring((int)offset, Math.Min(length, xml.Length - (int)offset));
            return ((int)offset + chunk.Length >= xml.Length ? "l" : "m") + chunk;
        }
        if (packet == "qfThreadInfo")
            return "m" + string.Join(',', _target.Threads.Select(t => t.Id.ToString("x", CultureInfo.InvariantCulture)));
        if (packet == "qsThreadInfo") return "l";
        if (packet == "qC") return $"QC{_lastStop.Thread:x}";
        if (packet == "qAttached") return "1";
        if (packet.StartsWith("qThreadExtraInfo,", StringComparison.Ordinal))
        {
            int thread = ParseThread(packet["qThreadExtraInfo,".Length..]);
            return _target.Threads.FirstOrDefault(t => t.Id == thread) is { } found ? GdbPacket.TextToHex(found.Description) : "E01";
        }
        if (packet == "qSymbol::") return "OK";
        return "";
    }

    private string SetBreakpoint(string packet)
    {
        string[] fields = packet[1..].Split(',');
        if (fields.Length < 3 || !int.TryParse(fields[0], CultureInfo.InvariantCulture, out int type) || type is < 0 or > 4) return "";
        var kind = (BreakpointKind)type;
        ulong address = GdbPacket.ParseNumber(fields[1]);
        ulong length = GdbPacket.ParseNumber(fields[2].Split(';')[0]);
        int owner = _general;
        if (packet[0] == 'z')
        {
            _breakpoints.RemoveAll(b => b.Kind == kind && b.Address == address && b.Thread == owner);
            return "OK";
        }
        // Threat: a breakpoint or watchpoint in a protected process's encrypted memory would show the
        // debugger (a host the OS may control) where the program is and what it touches: the target refuses it.
        if (_target.RefuseBreakpoint(owner, address, kind is BreakpointKind.Software or BreakpointKind.Hardware ? 2 : length, kind is BreakpointKind.Software or BreakpointKind.Hardware) is not null)
            return "E01";
        if (!_breakpoints.Any(b => b.Kind == kind && b.Address == address && b.Thread == owner))
            _breakpoints.Add(new Breakpoint(kind, address, length, owner));
        return "OK";
    }

    private static (ulong Address, int Length) AddressLength(string text)
    {
        int comma = text.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0) throw new FormatException("expected ADDR,LENGTH");
        ulong length = GdbPacket.ParseNumber(text[(comma + 1)..]);
        return (GdbPacket.ParseNumber(text[..comma]), (int)Math.Min(length, int.MaxValue));
    }

    /// <summary>A thread id as gdb writes it: hex, "-1" (all) or "0" (any) both as 0 here.</summary>
    private static int ParseThread(string text)
    {
        if (text.StartsWith('p')) text = text[(text.IndexOf('.', StringComparison.Ordinal) + 1)..];
        if (text is "-1" or "0" or "") return 0;
        return (int)GdbPacket.ParseNumber(text);
    }

    private string ReadGeneralRegisters()
    {
        var reply = new StringBuilder(TargetDescription.GeneralCount * 16);
        for (int r = 0; r < TargetDescription.GeneralCount; r++)
            reply.Append(_target.ReadRegister(_general, r) is { } value ? GdbPacket.RegisterHex(value) : new string('x', 16));
        return reply.ToString();
    }

    private string WriteGeneralRegisters(string hex)
    {
        for (int r = 0; r < TargetDescription.GeneralCount && (r + 1) * 16 <= hex.Length; r++)
            if (_target.WriteRegister(_general, r, GdbPacket.ParseRegisterHex(hex.Substring(r * 16, 16))) is not null) return "E01";
        return "OK";
    }
}
