using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Cloak.Attacks.Chaos;
using Cloak.Kernel.Adversaries;

namespace Cloak.Chaos;

/// <summary>
/// The trace of a chaos run that the determinism claim is about: one line per kernel event and per
/// adversary action, in order, holding only what does not depend on the chip's unseeded randomness
/// (keys, nonces, region ids): pids, names, system call numbers and results, virtual addresses,
/// frames, swap slots, message lengths (never their bytes: they carry public keys and region ids),
/// note topics, instruction counts, how processes ended, and the chaos's declared actions (which name
/// regions of the integrity metadata by position, never by id).
/// <para>
/// <see cref="PrefixEnd"/> marks where a confidentiality-mode run may stop repeating: the first
/// action that hands a process data no key authenticates (a changed protected page, slot, frame or
/// message: the process then computes on garbage that depends on the keys), or, in M5, the owner
/// telling the removed client where the re-keyed region is (which it then reads with its old key).
/// </para>
/// </summary>
internal sealed class TraceRecorder(ChaosAdversary chaos, bool m5) : Adversary
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines => _lines;

    /// <summary>The number of lines before the first event a confidentiality-mode run need not repeat (all of them if none).</summary>
    public int PrefixEnd { get; private set; } = int.MaxValue;

    public override string Name => "trace";

    private void Add(string line)
    {
        _lines.Add(line);
        _stepOfLine.Add(chaos.Steps);
    }

    private void Mark() => PrefixEnd = Math.Min(PrefixEnd, _lines.Count);

    public override void OnProcessStarted(ProcessEvent e) => Add($"start {e.Process.Pid} {e.Process.Name}");

    public override void OnProcessExited(ProcessEvent e)
    {
        var p = e.Process;
        Add($"exit {p.Pid} {p.End} {p.ExitCode} {p.FatalTrap?.Cause} {p.Refusal}");
    }

    public override void OnSyscall(SyscallEvent e) => Add($"syscall {e.Process.Pid} {e.Number}");

    public override void OnSyscallReturn(SyscallEvent e) => Add($"return {e.Process.Pid} {e.Number} {e.Result}");

    public override void OnPageMapped(PageEvent e) => Add($"map {e.Process.Pid} {e.VirtualAddress:x} {e.Frame:x} {e.Protection}");

    public override void OnPageUnmapped(PageEvent e) => Add($"unmap {e.Process.Pid} {e.VirtualAddress:x} {e.Frame:x}");

    public override void OnContextSwitch(ContextSwitchEvent e) => Add($"switch {e.From?.Pid} {e.To.Pid}");

    public override void OnSwapOut(SwapEvent e) => Add($"swapout {e.Slot} {e.Frame:x} {e.ObjectName} {e.Page}");

    public override void OnSwapIn(SwapEvent e) => Add($"swapin {e.Slot} {e.Frame:x} {e.ObjectName} {e.Page}");

    public override void OnChannelMessage(ChannelMessageEvent e)
    {
        // guest/share/common.h: a signal {kind, round, bad, client}; kind 3 (re-key) with client 1 goes to the client M5 removes.
        if (m5 && e.Payload.Length == 16 && BinaryPrimitives.ReadUInt32LittleEndian(e.Payload) == 3 && BinaryPrimitives.ReadUInt32LittleEndian(e.Payload.AsSpan(12)) == 1)
            Mark();
        Add($"message {e.Channel} {e.Sender.Pid} {e.Receiver?.Pid} {e.Payload.Length} {e.Drop}");
    }

    public override void OnPageFault(PageFaultEvent e) => Add($"fault {e.Process.Pid} {e.VirtualAddress:x} {e.Access} {e.Resolution}");

    public override void OnResume(ProcessEvent e) => Add($"resume {e.Process.Pid}");

    public override void OnRunSlice(RunSliceEvent e) => Add($"slice {e.Process.Pid} {e.Instructions} {e.End} {e.Cause}");

    public override void OnGuestNote(GuestNoteEvent e) => Add($"note {e.Process.Pid} {e.Topic}");

    public override void OnAdversaryAction(AdversaryActionEvent e)
    {
        if (e.Adversary == chaos.Name && chaos.Actions.Count > 0)
        {
            var last = chaos.Actions[^1];
            if (last.Step == chaos.Steps && (ChaosActions.ChangesProtectedData(last.Kind) || ChaosActions.ChangesMessages(last.Kind))) MarkFrom(last.Step);
        }
        Add($"action {e.Adversary} {e.Target?.Pid} {e.Action}");
    }

    public override void OnShutdown() => Add("shutdown");

    /// <summary>Marks from the first line written during chaos step <paramref name="step"/> (the powers report writes before the chaos declares what they were).</summary>
    private void MarkFrom(long step)
    {
        int first = _lines.Count;
        while (first > 0 && _stepOfLine[first - 1] >= step) first--;
        PrefixEnd = Math.Min(PrefixEnd, first);
    }

    private readonly List<long> _stepOfLine = [];

    /// <summary>SHA-256 of the first <paramref name="count"/> lines (all by default), as hex.</summary>
    public string Hash(int count = int.MaxValue)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string line in _lines.Take(count)) hash.AppendData(Encoding.UTF8.GetBytes(line + "\n"));
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }
}
