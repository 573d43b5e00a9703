using System.Text;
using Cloak.Chip.Cpu;
using Cloak.Isa;

namespace Cloak.BareMetal;

/// <summary>
/// RISC-V semihosting (the RISC-V semihosting spec, which adopts Arm's semihosting v2 calls), as QEMU
/// implements it: console handles through ":tt" (read = stdin, write = stdout, append = stderr, the
/// SH_EXT_STDOUT_STDERR extension), ":semihosting-features" reporting EXIT_EXTENDED and
/// STDOUT_STDERR, exit with a status code, clock and time. Host files are refused unless a root
/// directory is configured; SYS_SYSTEM never runs host commands.
/// </summary>
internal sealed class Semihosting
{
    // Operation numbers (Arm semihosting v2, table "Semihosting operations").
    private const ulong SysOpen = 0x01, SysClose = 0x02, SysWritec = 0x03, SysWrite0 = 0x04, SysWrite = 0x05,
        SysRead = 0x06, SysReadc = 0x07, SysIserror = 0x08, SysIstty = 0x09, SysSeek = 0x0A, SysFlen = 0x0C,
        SysTmpnam = 0x0D, SysRemove = 0x0E, SysRename = 0x0F, SysClock = 0x10, SysTime = 0x11, SysSystem = 0x12,
        SysErrno = 0x13, SysGetCmdline = 0x15, SysHeapinfo = 0x16, SysExit = 0x18, SysExitExtended = 0x20,
        SysElapsed = 0x30, SysTickfreq = 0x31;

    private const ulong AdpStoppedApplicationExit = 0x20026;

    // Linux errno values, which is what QEMU hands back from the host.
    private const int Enoent = 2, E2big = 7, Ebadf = 9, Eacces = 13, Efault = 14, Einval = 22, Espipe = 29;

    private static readonly byte[] FeaturesFile = [(byte)'S', (byte)'H', (byte)'F', (byte)'B', 0b11];

    private readonly GuestMemory _memory;
    private readonly MachineOptions _options;
    private readonly Func<ulong> _cycles;
    private readonly ulong _cyclesPerSecond;
    private readonly Dictionary<ulong, OpenFile> _files = [];
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private int _errno;

    private abstract record OpenFile;
    private sealed record ConsoleFile(Stream Stream, bool Readable) : OpenFile;
    private sealed record StaticFile(byte[] Data) : OpenFile { public int Position { get; set; } }
    private sealed record HostFile(FileStream Stream) : OpenFile;

    public Semihosting(GuestMemory memory, MachineOptions options, Func<ulong> cycles, ulong cyclesPerSecond)
    {
        _memory = memory;
        _options = options;
        _cycles = cycles;
        _cyclesPerSecond = cyclesPerSecond;
    }

    /// <summary>What the machine should do after a call.</summary>
    public abstract record Outcome
    {
        public sealed record Continue : Outcome;
        public sealed record Exit(int Code) : Outcome;
        public sealed record Unsupported(string Message) : Outcome;
    }

    public Outcome Handle(Hart hart)
    {
        ulong op = hart.GetRegister(Reg.A0) & 0xFFFF_FFFF;
        ulong args = hart.GetRegister(Reg.A1);
        long result;
        switch (op)
        {
            case SysOpen: result = Open(args); break;
            case SysClose: result = Args(args, 1, out var a) ? Close(a[0]) : Fault(); break;
            // The spec says a0 is corrupted by these two; QEMU writes 0xdeadbeef there, and so does Cloak.
            case SysWritec:
                if (_memory.TryRead(args, 1, out var c)) ConsoleWrite(_options.Stdout, c);
                result = 0xDEAD_BEEF;
                break;
            case SysWrite0:
                if (_memory.TryReadCString(args, 1 << 20, out var text)) ConsoleWrite(_options.Stdout, text);
                result = 0xDEAD_BEEF;
                break;
            case SysWrite: result = Args(args, 3, out a) ? Write(a[0], a[1], a[2]) : Fault(); break;
            case SysRead: result = Args(args, 3, out a) ? Read(a[0], a[1], a[2]) : Fault(); break;
            case SysReadc:
                _options.Stdout.Flush();
                result = _options.Stdin.ReadByte();
                break;
            case SysIserror: result = Args(args, 1, out a) ? ((long)a[0] < 0 ? 1 : 0) : Fault(); break;
            case SysIstty: result = Args(args, 1, out a) ? IsTty(a[0]) : Fault(); break;
            case SysSeek: result = Args(args, 2, out a) ? Seek(a[0], a[1]) : Fault(); break;
            case SysFlen: result = Args(args, 1, out a) ? Length(a[0]) : Fault(); break;
            case SysTmpnam: result = Error(Eacces); break;
            case SysRemove: result = Args(args, 2, out a) ? Remove(a[0], a[1]) : Fault(); break;
            case SysRename: result = Args(args, 4, out a) ? Rename(a) : Fault(); break;
            case SysClock: result = (long)(_cycles() * 100 / _cyclesPerSecond); break;
            case SysTime: result = (long)(_started.ToUnixTimeSeconds() + (long)(_cycles() / _cyclesPerSecond)); break;
            case SysSystem: result = Error(Eacces); break; // never run host commands for a guest
            case SysErrno: result = _errno; break;
            case SysGetCmdline: result = Args(args, 2, out a) ? CommandLine(args, a[0], a[1]) : Fault(); break;
            case SysHeapinfo: result = HeapInfo(args); break;
            case SysExit or SysExitExtended:
                // RV64 passes a block {reason, subcode}; only an application exit carries a status.
                if (!Args(args, 2, out a)) return new Outcome.Exit(1);
                return new Outcome.Exit(a[0] == AdpStoppedApplicationExit ? (int)(uint)a[1] : 1);
            case SysElapsed:
                result = _memory.TryWriteUInt64(args, _cycles()) ? 0 : Fault();
                break;
            case SysTickfreq: result = (long)_cyclesPerSecond; break;
            default:
                return new Outcome.Unsupported($"unsupported semihosting call 0x{op:x2} at pc 0x{hart.Pc:x}");
        }
        hart.SetRegister(Reg.A0, (ulong)result);
        return new Outcome.Continue();
    }

    /// <summary>Closes host files (at machine end).</summary>
    public void CloseAll()
    {
        foreach (var file in _files.Values)
            if (file is HostFile h) h.Stream.Dispose();
        _files.Clear();
    }

    private bool Args(ulong block, int count, out ulong[] values)
    {
        values = new ulong[count];
        for (int i = 0; i < count; i++)
            if (!_memory.TryReadUInt64(block + (ulong)(8 * i), out values[i])) return false;
        return true;
    }

    private long Fault() => Error(Efault);

    private long Error(int errno)
    {
        _errno = errno;
        return -1;
    }

    private ulong NewHandle(OpenFile file)
    {
        ulong handle = 1;
        while (_files.ContainsKey(handle)) handle++;
        _files[handle] = file;
        return handle;
    }

    private long Open(ulong args)
    {
        if (!Args(args, 3, out var a)) return Fault();
        ulong mode = a[1];
        if (a[2] > 4096 || !_memory.TryReadString(a[0], (int)a[2], out string name)) return Fault();
        if (mode >= 12) return Error(Einval);
        if (name == ":tt")
        {
            var stream = mode < 4 ? _options.Stdin : mode < 8 ? _options.Stdout : _options.Stderr;
            return (long)NewHandle(new ConsoleFile(stream, mode < 4));
        }
        if (name == ":semihosting-features")
            return mode is 0 or 1 ? (long)NewHandle(new StaticFile(FeaturesFile)) : Error(Eacces);
        if (!TryHostPath(name, out string path)) return Error(Eacces);
        try
        {
            var (fileMode, access) = (mode / 4) switch
            {
                0 => (FileMode.Open, (mode & 2) != 0 ? FileAccess.ReadWrite : FileAccess.Read),
                1 => (FileMode.Create, (mode & 2) != 0 ? FileAccess.ReadWrite : FileAccess.Write),
                _ => (FileMode.OpenOrCreate, (mode & 2) != 0 ? FileAccess.ReadWrite : FileAccess.Write),
            };
            var stream = new FileStream(path, fileMode, access);
            if (mode >= 8) stream.Seek(0, SeekOrigin.End);
            return (long)NewHandle(new HostFile(stream));
        }
        catch (FileNotFoundException) { return Error(Enoent); }
        catch (DirectoryNotFoundException) { return Error(Enoent); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return Error(Eacces); }
    }

    private bool TryHostPath(string name, out string path)
    {
        path = "";
        if (_options.HostFileRoot is null || name.Length == 0 || name.Contains('\0')) return false;
        string root = Path.GetFullPath(_options.HostFileRoot);
        path = Path.GetFullPath(Path.Combine(root, name));
        return path.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private long Close(ulong handle)
    {
        if (!_files.Remove(handle, out var file)) return Error(Ebadf);
        if (file is HostFile h) h.Stream.Dispose();
        return 0;
    }

    /// <summary>Returns the number of bytes NOT written (0 when all were).</summary>
    private long Write(ulong handle, ulong buffer, ulong length)
    {
        // Like QEMU: a handle that is not open transfers nothing and leaves errno alone.
        if (!_files.TryGetValue(handle, out var file)) return (long)length;
        if (length > int.MaxValue || !_memory.TryRead(buffer, (int)length, out var bytes)) { Fault(); return (long)length; }
        switch (file)
        {
            case ConsoleFile { Readable: false } console: ConsoleWrite(console.Stream, bytes); return 0;
            case HostFile h when h.Stream.CanWrite: h.Stream.Write(bytes); return 0;
            default: Error(Ebadf); return (long)length;
        }
    }

    /// <summary>Returns the number of bytes NOT read (length at end of file).</summary>
    private long Read(ulong handle, ulong buffer, ulong length)
    {
        if (!_files.TryGetValue(handle, out var file)) return (long)length;
        if (length > 1 << 24) length = 1 << 24;
        var bytes = new byte[length];
        int got;
        switch (file)
        {
            case ConsoleFile { Readable: true } console:
                _options.Stdout.Flush();
                got = console.Stream.Read(bytes);
                break;
            case StaticFile s:
                got = Math.Min(bytes.Length, s.Data.Length - s.Position);
                s.Data.AsSpan(s.Position, got).CopyTo(bytes);
                s.Position += got;
                break;
            case HostFile h when h.Stream.CanRead:
                got = h.Stream.Read(bytes);
                break;
            default:
                Error(Ebadf);
                return (long)length;
        }
        if (!_memory.TryWrite(buffer, bytes.AsSpan(0, got))) { Fault(); return (long)length; }
        return (long)length - got;
    }

    private long IsTty(ulong handle) =>
        _files.TryGetValue(handle, out var file) ? (file is ConsoleFile ? 1 : 0) : Error(Ebadf);

    private long Seek(ulong handle, ulong position)
    {
        if (!_files.TryGetValue(handle, out var file)) return Error(Ebadf);
        switch (file)
        {
            case StaticFile s when position <= (ulong)s.Data.Length: s.Position = (int)position; return 0;
            case HostFile h when h.Stream.CanSeek && position <= long.MaxValue: h.Stream.Seek((long)position, SeekOrigin.Begin); return 0;
            case ConsoleFile: return Error(Espipe);
            default: return Error(Einval);
        }
    }

    private long Length(ulong handle)
    {
        if (!_files.TryGetValue(handle, out var file)) return Error(Ebadf);
        return file switch
        {
            StaticFile s => s.Data.Length,
            HostFile h => h.Stream.Length,
            _ => 0,
        };
    }

    private long Remove(ulong name, ulong length)
    {
        if (length > 4096 || !_memory.TryReadString(name, (int)length, out string text)) return Fault();
        if (!TryHostPath(text, out string path)) return Error(Eacces);
        if (!File.Exists(path)) return Error(Enoent);
        File.Delete(path);
        return 0;
    }

    private long Rename(ulong[] a)
    {
        if (a[1] > 4096 || a[3] > 4096 ||
            !_memory.TryReadString(a[0], (int)a[1], out string from) || !_memory.TryReadString(a[2], (int)a[3], out string to))
            return Fault();
        if (!TryHostPath(from, out string source) || !TryHostPath(to, out string target)) return Error(Eacces);
        if (!File.Exists(source)) return Error(Enoent);
        File.Move(source, target, overwrite: true);
        return 0;
    }

    private long CommandLine(ulong block, ulong buffer, ulong size)
    {
        byte[] line = [.. Encoding.UTF8.GetBytes(_options.CommandLine), 0];
        if ((ulong)line.Length > size) return Error(E2big);
        if (!_memory.TryWrite(buffer, line) || !_memory.TryWriteUInt64(block + 8, (ulong)line.Length - 1)) return Fault();
        return 0;
    }

    /// <summary>Heap and stack bounds are left to the program's linker script: all four words are zero ("unknown").</summary>
    private long HeapInfo(ulong args)
    {
        if (!_memory.TryReadUInt64(args, out ulong block)) return Fault();
        for (int i = 0; i < 4; i++)
            if (!_memory.TryWriteUInt64(block + (ulong)(8 * i), 0)) return Fault();
        return 0;
    }

    private static void ConsoleWrite(Stream stream, ReadOnlySpan<byte> bytes) => stream.Write(bytes);
}
