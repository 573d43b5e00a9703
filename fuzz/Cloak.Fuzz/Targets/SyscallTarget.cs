using System.Globalization;
using Cloak.Elf;
using Cloak.Kernel;
using Cloak.Kernel.Abi;
using Cloak.Os;

namespace Cloak.Fuzz.Targets;

/// <summary>
/// The system-call layer (src/Cloak.Kernel/Kernel.Syscalls.cs, Kernel.Ipc.cs): one or two user
/// processes (guest/tests/user/syscall_fuzz.c) issue the calls the input describes, eight 64-bit
/// words each (a0..a7, a7 the call number), any numbers and arguments at all. The run must end
/// within its instruction budget without a host exception, every call must return a value or a
/// documented -errno, and every process must end by exiting, being killed with a reason, or the budget.
/// Input: byte 0 (bit 0: two processes, records dealt alternately), then 64-byte records.
/// Extends tests/Cloak.Kernel.Tests/SyscallTests.cs's random calls with coverage guidance.
/// </summary>
public sealed class SyscallTarget : FuzzTarget
{
    private const int RecordSize = 64, MaxCallsPerProcess = 256;
    private const long Budget = 2_000_000;

    private static readonly Lazy<ElfImage> Program = new(() => ElfImage.Load(Repository.File("guest/build/tests/user/syscall_fuzz.elf")));
    private static readonly HashSet<long> Errnos = [.. Enum.GetValues<Errno>().Select(e => -(long)e)];

    public override string Name => "syscall";

    public override string Contract => "flag byte + 64-byte call records (a0..a7): syscall_fuzz runs them under the OS model; no exception, every result >= 0 or a documented -errno, ends within 2M instructions";

    public override IReadOnlyList<string> Instrumented => ["Cloak.Kernel.dll"];

    public override int MaxInputLength => 1 + 2 * MaxCallsPerProcess * RecordSize;

    public override bool Run(ReadOnlySpan<byte> input)
    {
        if (input.Length == 0) return false;
        int processes = 1 + (input[0] & 1);
        var tables = Deal(input[1..], processes);
        var outputs = new Dictionary<int, CappedStream>();
        int handedOut = 0;
        var machine = new OsMachine(new OsMachineOptions
        {
            RamSize = 1UL << 20,
            Kernel = new KernelOptions
            {
                Quantum = 5_000,
                SwapSlots = 512,
                MaxInstructions = Budget,
                OutputFor = (pid, _) => outputs.TryGetValue(pid, out var s) ? s : outputs[pid] = new CappedStream(),
                // The started processes get the tables in order; anything they spawn reads nothing.
                InputFor = (_, _) => handedOut < tables.Length ? new MemoryStream(tables[handedOut++], writable: false) : Stream.Null,
            },
        });
        machine.Register("syscall_fuzz", Program.Value);
        var started = new List<Process>();
        for (int i = 0; i < processes; i++) started.Add(machine.Start("syscall_fuzz"));

        var outcome = Watchdog.Run(token => machine.Run(token));
        foreach (var p in outcome.Processes)
            if (p.KillReason is null && outcome.End != KernelRunEnd.InstructionLimit && p.ExitCode is < 0 or > 255)
                throw new ContractViolationException($"process {p.Pid} ended with exit code {p.ExitCode} and no kill reason");
        foreach (var p in started)
        {
            if (!outputs.TryGetValue(p.Pid, out var output)) continue;
            if (Environment.GetEnvironmentVariable("CLOAK_FUZZ_SHOW") is "1") Console.Error.WriteLine($"--- process {p.Pid}\n{output.Text()}");
            foreach (string line in output.Text().Split('\n'))
            {
                string[] parts = line.Split(' ');
                if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out _) ||
                    !long.TryParse(parts[1], CultureInfo.InvariantCulture, out long result)) continue;
                if (result < 0 && !Errnos.Contains(result))
                    throw new ContractViolationException($"call {parts[0]} of process {p.Pid} returned {result}, which is no errno");
            }
        }
        return true;
    }

    /// <summary>Deals whole records to the processes in turn (at most 256 each: the guest's table).</summary>
    private static byte[][] Deal(ReadOnlySpan<byte> records, int processes)
    {
        var tables = new List<byte>[processes];
        for (int i = 0; i < processes; i++) tables[i] = [];
        int count = Math.Min(records.Length / RecordSize, MaxCallsPerProcess * processes);
        for (int r = 0; r < count; r++) tables[r % processes].AddRange(records.Slice(r * RecordSize, RecordSize));
        return [.. tables.Select(t => t.ToArray())];
    }
}

/// <summary>A process's output, kept up to 64 KiB (a fuzzed process may write without end).</summary>
internal sealed class CappedStream : Stream
{
    private const int Cap = 64 * 1024;
    private readonly MemoryStream _kept = new();

    public string Text() => System.Text.Encoding.UTF8.GetString(_kept.GetBuffer(), 0, (int)_kept.Length);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        int room = Cap - (int)_kept.Length;
        if (room > 0) _kept.Write(buffer[..Math.Min(room, buffer.Length)]);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _kept.Length;
    public override long Position { get => _kept.Length; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
