using System.CommandLine;
using System.Net.Sockets;
using Cloak.Debugging;

namespace Cloak.Cli.Commands;

/// <summary><c>cloak run --gdb PORT</c>: wait for gdb on the loopback interface before the machine starts (docs/debugging.md).</summary>
internal static class GdbOption
{
    public static Option<int?> Create() => new("--gdb")
    {
        Description = "Wait for gdb (gdb-multiarch: target remote :PORT) on 127.0.0.1:PORT before the first instruction, and let it debug the run " +
                      "(0: any free port, printed); a sealed process that is not debuggable shows gdb only what the OS sees (docs/debugging.md).",
        HelpName = "PORT",
    };

    /// <summary>Listens on 127.0.0.1:<paramref name="port"/>, says so on stderr and waits for gdb to connect.</summary>
    public static GdbConnection Accept(int port)
    {
        if (port is < 0 or > 65535) throw new CliError(ExitCodes.Usage, $"--gdb: {port} is not a TCP port (0-65535)");
        GdbConnection connection;
        try
        {
            connection = GdbConnection.Listen(port);
        }
        catch (SocketException e)
        {
            throw new CliError(ExitCodes.Unavailable, $"--gdb: cannot listen on 127.0.0.1:{port}: {e.Message}");
        }
        Console.Error.WriteLine($"cloak: waiting for gdb on 127.0.0.1:{connection.Port}");
        Console.Error.Flush();
        try
        {
            connection.Accept();
        }
        catch (SocketException e)
        {
            connection.Dispose();
            throw new CliError(ExitCodes.Unavailable, $"--gdb: accepting gdb's connection failed: {e.Message}");
        }
        return connection;
    }
}
