using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Cloak.Debugging;

namespace Cloak.Tests.Debugging;

/// <summary>
/// Speaks the GDB remote protocol to <c>cloak run --gdb 0 ...</c> directly, packet by packet, with no
/// gdb binary: starts cloak, reads the port from its "waiting for gdb" line and connects. Every wait
/// is bounded by one watchdog; disposing kills cloak if it is still running.
/// </summary>
internal sealed partial class RawGdbClient : IAsyncDisposable
{
    private readonly Process _cloak;
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly CancellationTokenSource _watchdog;
    private readonly List<byte> _pending = [];
    private readonly byte[] _buffer = new byte[8192];

    private RawGdbClient(Process cloak, TcpClient tcp, CancellationTokenSource watchdog)
    {
        _cloak = cloak;
        _tcp = tcp;
        _stream = tcp.GetStream();
        _watchdog = watchdog;
    }

    /// <summary>Starts <c>cloak run --gdb 0 ARGUMENTS</c> in <paramref name="workingDirectory"/> and connects to its stub.</summary>
    public static async Task<RawGdbClient> StartAsync(string workingDirectory, TimeSpan watchdog, params string[] cloakArguments)
    {
        var cloak = GdbSession.StartStub(workingDirectory, cloakArguments);
        var deadline = new CancellationTokenSource(watchdog);
        try
        {
            var stderr = new StringBuilder();
            int port = 0;
            while (port == 0 && await cloak.StandardError.ReadLineAsync(deadline.Token).ConfigureAwait(false) is { } line)
            {
                stderr.AppendLine(line);
                if (WaitingLine().Match(line) is { Success: true } m) port = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
            Assert.True(port > 0, $"cloak never said where it waits for gdb: {stderr}");
            var tcp = new TcpClient { NoDelay = true };
            await tcp.ConnectAsync("127.0.0.1", port, deadline.Token).ConfigureAwait(false);
            return new RawGdbClient(cloak, tcp, deadline);
        }
        catch
        {
            cloak.Kill(entireProcessTree: true);
            cloak.Dispose();
            deadline.Dispose();
            throw;
        }
    }

    /// <summary>Sends one packet and returns the stub's reply (acknowledging both ways, as gdb does before no-ack mode).</summary>
    public async Task<string> AskAsync(string payload)
    {
        await SendAsync(payload).ConfigureAwait(false);
        return await ReceiveAsync().ConfigureAwait(false);
    }

    /// <summary>Sends one packet whose answer comes later (c, s, vCont while the target runs).</summary>
    public async Task SendAsync(string payload)
    {
        await _stream.WriteAsync(GdbPacket.Frame(Encoding.Latin1.GetBytes(payload)), _watchdog.Token).ConfigureAwait(false);
    }

    /// <summary>gdb's Ctrl-C: the interrupt byte, outside any packet.</summary>
    public async Task InterruptAsync() => await _stream.WriteAsync(new byte[] { 0x03 }, _watchdog.Token).ConfigureAwait(false);

    /// <summary>The next packet from the stub (acks skipped), acknowledged.</summary>
    public async Task<string> ReceiveAsync()
    {
        while (true)
        {
            int dollar = _pending.IndexOf((byte)'$');
            int hash = dollar < 0 ? -1 : _pending.IndexOf((byte)'#', dollar);
            if (hash >= 0 && _pending.Count >= hash + 3)
            {
                byte[] body = [.. _pending.GetRange(dollar + 1, hash - dollar - 1)];
                Assert.True(GdbPacket.ChecksumMatches(body, _pending[hash + 1], _pending[hash + 2]), "the stub sent a packet with a wrong checksum");
                _pending.RemoveRange(0, hash + 3);
                await _stream.WriteAsync("+"u8.ToArray(), _watchdog.Token).ConfigureAwait(false);
                return Encoding.Latin1.GetString(GdbPacket.Decode(body));
            }
            int n = await _stream.ReadAsync(_buffer, _watchdog.Token).ConfigureAwait(false);
            if (n == 0) throw new InvalidOperationException("the stub closed the connection");
            _pending.AddRange(_buffer.AsSpan(0, n));
        }
    }

    /// <summary>Reads cloak's stdout until a line containing <paramref name="text"/> (the program got that far).</summary>
    public async Task<string> WaitForOutputAsync(string text)
    {
        var seen = new StringBuilder();
        while (await _cloak.StandardOutput.ReadLineAsync(_watchdog.Token).ConfigureAwait(false) is { } line)
        {
            seen.AppendLine(line);
            if (line.Contains(text, StringComparison.Ordinal)) return line;
        }
        Assert.Fail($"cloak's stdout ended without '{text}': {seen}");
        return "";
    }

    /// <summary>Reads <paramref name="length"/> bytes at <paramref name="address"/> of the current thread, in packets the stub accepts.</summary>
    public async Task<byte[]> ReadMemoryAsync(ulong address, int length)
    {
        var bytes = new List<byte>(length);
        while (bytes.Count < length)
        {
            int chunk = Math.Min(length - bytes.Count, GdbStub.PacketSize / 4);
            string reply = await AskAsync($"m{address + (ulong)bytes.Count:x},{chunk:x}").ConfigureAwait(false);
            Assert.False(reply.StartsWith('E'), $"reading {chunk} bytes at 0x{address + (ulong)bytes.Count:x} failed: {reply}");
            bytes.AddRange(GdbPacket.FromHex(reply));
        }
        return [.. bytes];
    }

    /// <summary>Kills the target through the protocol (vKill) and returns cloak's exit code.</summary>
    public async Task<int> KillAsync()
    {
        Assert.Equal("OK", await AskAsync("vKill;1").ConfigureAwait(false));
        await _cloak.WaitForExitAsync(_watchdog.Token).ConfigureAwait(false);
        return _cloak.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        if (!_cloak.HasExited)
        {
            _cloak.Kill(entireProcessTree: true);
            await _cloak.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        _cloak.Dispose();
        _watchdog.Dispose();
    }

    [GeneratedRegex(@"waiting for gdb on 127\.0\.0\.1:(\d+)")]
    private static partial Regex WaitingLine();
}
