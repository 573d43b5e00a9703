using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cloak.Debugging;

/// <summary>The connection ended (gdb went away): the run goes on without a debugger.</summary>
public sealed class GdbDisconnectedException : Exception
{
    public GdbDisconnectedException() : base("gdb closed the connection") { }
    public GdbDisconnectedException(string message) : base(message) { }
    public GdbDisconnectedException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// One gdb connection over TCP: listens on the loopback interface only (the debugger is a host
/// power; a port open to the network would hand it to anyone who can reach the machine), accepts one
/// client, and moves packets with acknowledgements until gdb asks for no-ack mode.
/// </summary>
public sealed class GdbConnection : IDisposable
{
    /// <summary>What <see cref="ReadPacket"/> returns for gdb's interrupt byte (Ctrl-C, 0x03).</summary>
    public const string Interrupt = "\u0003";

    private readonly TcpListener _listener;
    private TcpClient? _client;
    private NetworkStream? _stream;
    private readonly Queue<byte> _pending = new();
    private readonly byte[] _buffer = new byte[4096];

    private GdbConnection(TcpListener listener) => _listener = listener;

    /// <summary>Starts listening on 127.0.0.1:<paramref name="port"/> (0: any free port, see <see cref="Port"/>).</summary>
    public static GdbConnection Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start(1);
        return new GdbConnection(listener);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Acknowledgements are off (gdb's QStartNoAckMode).</summary>
    public bool NoAck { get; set; }

    /// <summary>Waits until gdb connects.</summary>
    public void Accept()
    {
        _client = _listener.AcceptTcpClient();
        _client.NoDelay = true;
        _stream = _client.GetStream();
        _listener.Stop();
    }

    /// <summary>The next packet's payload, or <see cref="Interrupt"/>; acknowledges it unless in no-ack mode.</summary>
    public string ReadPacket()
    {
        while (true)
        {
            byte b = ReadByte();
            if (b == 0x03) return Interrupt;
            if (b != (byte)'$') continue;    // acks, and noise between packets
            var raw = new List<byte>();
            while ((b = ReadByte()) != (byte)'#') raw.Add(b);
            byte high = ReadByte(), low = ReadByte();
            var body = raw.ToArray();
            if (!NoAck && !GdbPacket.ChecksumMatches(body, high, low))
            {
                Write("-"u8);
                continue;
            }
            if (!NoAck) Write("+"u8);
            try
            {
                return Encoding.Latin1.GetString(GdbPacket.Decode(body));
            }
            catch (FormatException)
            {
                Send("E01");
            }
        }
    }

    /// <summary>True if gdb sent its interrupt byte while the target runs (consumes it; other bytes stay for <see cref="ReadPacket"/>).</summary>
    public bool PollInterrupt()
    {
        if (_stream is null) return false;
        try
        {
            while (_client!.Available > 0)
            {
                int n = _stream.Read(_buffer, 0, Math.Min(_buffer.Length, _client.Available));
                if (n <= 0) break;
                for (int i = 0; i < n; i++) _pending.Enqueue(_buffer[i]);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            throw new GdbDisconnectedException("the connection to gdb failed", e);
        }
        if (_pending.Count == 0 || !_pending.Contains(0x03)) return false;
        // Drop everything up to and including the interrupt byte (in all-stop mode gdb sends nothing else while the target runs).
        while (_pending.Dequeue() != 0x03) { }
        return true;
    }

    /// <summary>Sends one packet; in acknowledged mode, again until gdb acknowledges it.</summary>
    public void Send(string payload)
    {
        byte[] framed = GdbPacket.Frame(Encoding.Latin1.GetBytes(payload));
        for (int attempt = 0; ; attempt++)
        {
            Write(framed);
            if (NoAck) return;
            byte b;
            do b = ReadByte(); while (b is not ((byte)'+' or (byte)'-'));
            if (b == (byte)'+' || attempt >= 8) return;
        }
    }

    private byte ReadByte()
    {
        if (_pending.Count > 0) return _pending.Dequeue();
        if (_stream is null) throw new GdbDisconnectedException("gdb is not connected");
        int n;
        try
        {
            n = _stream.Read(_buffer, 0, _buffer.Length);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            throw new GdbDisconnectedException("the connection to gdb failed", e);
        }
        if (n <= 0) throw new GdbDisconnectedException();
        for (int i = 1; i < n; i++) _pending.Enqueue(_buffer[i]);
        return _buffer[0];
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        try
        {
            _stream!.Write(bytes);
            _stream.Flush();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            throw new GdbDisconnectedException("the connection to gdb failed", e);
        }
    }

    public void Dispose()
    {
        _stream?.Dispose();
        _client?.Dispose();
        _listener.Stop();
        _listener.Dispose();
    }
}
