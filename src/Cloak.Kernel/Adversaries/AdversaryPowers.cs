using Cloak.Isa;
using Cloak.Kernel.Memory;
using Cloak.Platform;

namespace Cloak.Kernel.Adversaries;

/// <summary>A page of a process that is in a frame right now.</summary>
public readonly record struct ResidentPage(ulong VirtualAddress, ulong Frame, AreaKind Kind);

/// <summary>An area of a process's address space, as the kernel's own records describe it (Segment: the shared-memory id, if any).</summary>
public readonly record struct AreaInfo(ulong Start, ulong End, AreaKind Kind, Protection Protection, int? Segment = null);

/// <summary>
/// What a hostile kernel can do besides watching its own actions: anything to DRAM, swap, page tables,
/// channels and saved register contexts. (It cannot reach inside the chip: that is the point.)
/// </summary>
public sealed class AdversaryPowers
{
    private readonly Kernel _kernel;
    private readonly Adversary _holder;

    internal AdversaryPowers(Kernel kernel, Adversary holder)
    {
        _kernel = kernel;
        _holder = holder;
        Memory = new AdversaryMemory(kernel.Port.Memory, this);
    }

    /// <summary>All of physical memory as it is outside the chip: read and write anything (writes are reported as actions).</summary>
    public AdversaryMemory Memory { get; }

    /// <summary>Reports an action of this adversary to the kernel's observers (event traces, reports).</summary>
    internal void Report(string action, Process? target = null) => _kernel.ReportAdversaryAction(new AdversaryActionEvent(_holder.Name, action, target));

    /// <summary>Declares an action the kernel cannot see by itself (a swap slot or a saved context changed in place).</summary>
    public void Declare(string action, Process? target = null) => Report(action, target);

    /// <summary>The off-chip integrity metadata the OS hosts in authenticated mode (counters, MACs, tree nodes): null otherwise.</summary>
    public IntegrityMetadataStore? IntegrityMetadata => _kernel.Port.IntegrityMetadata;

    /// <summary>Clips a probe onto the memory bus (ciphertext lines, plain accesses); false on a chip without a bus interface unit to watch.</summary>
    public bool AttachBusTap(IBusTap tap) => _kernel.Port.AttachBusTap(tap);

    public void DetachBusTap(IBusTap tap) => _kernel.Port.DetachBusTap(tap);
    public SwapStore Swap => _kernel.Swap;
    public IReadOnlyList<Process> Processes => _kernel.Processes;
    public ulong NowNanoseconds => _kernel.Port.NowNanoseconds;

    /// <summary>The programs the kernel holds, by the names processes are started under.</summary>
    public IReadOnlyList<string> Programs => _kernel.Programs;

    /// <summary>
    /// Starts one more process from a program the kernel holds, with <paramref name="arguments"/> as its
    /// argv (argv[0] included; by default just the program's name), as the spawn system call would: an
    /// OS may run any program it has, sealed or not, as often as it likes. The new process is scheduled
    /// after those already ready. Null if no program has that name or memory ran out.
    /// </summary>
    public Process? Start(string program, IReadOnlyList<string>? arguments = null)
    {
        var process = _kernel.TryStart(program, arguments ?? [program]);
        if (process is not null) Report($"started process {process.Pid} from program '{program}'", process);
        return process;
    }

    public Process? Find(string name) => _kernel.Processes.FirstOrDefault(p => p.Name == name && p.State is not (ProcessState.Zombie or ProcessState.Reaped));
    public Process? Find(int pid) => _kernel.Processes.FirstOrDefault(p => p.Pid == pid);

    public IReadOnlyList<AreaInfo> Areas(Process process) =>
        [.. process.Memory.Areas.Select(a => new AreaInfo(a.Start, a.End, a.Kind, a.Protection, (a.Segment as Ipc.SharedSegment)?.Id))];

    /// <summary>The process's pages that are in DRAM now, with their frames (from its page table).</summary>
    public IReadOnlyList<ResidentPage> ResidentPages(Process process, AreaKind? kind = null)
    {
        var pages = new List<ResidentPage>();
        if (process.State is ProcessState.Zombie or ProcessState.Reaped) return pages;
        foreach (var area in process.Memory.Areas.Where(a => kind is null || a.Kind == kind))
            for (ulong va = area.Start; va < area.End; va += 4096)
            {
                ulong pte = process.Memory.Table.Read(va);
                if ((pte & Pte.Valid) != 0) pages.Add(new ResidentPage(va, Pte.Ppn(pte), area.Kind));
            }
        return pages;
    }

    /// <summary>The frame behind a virtual address of a process, from its page table (null if not resident).</summary>
    public ulong? FrameOf(Process process, ulong virtualAddress)
    {
        if (process.State is ProcessState.Zombie or ProcessState.Reaped) return null;
        ulong pte = process.Memory.Table.Read(virtualAddress & ~0xFFFUL);
        return (pte & Pte.Valid) != 0 ? Pte.Ppn(pte) : null;
    }

    /// <summary>
    /// Reads a process's memory as the kernel can: through its page table into DRAM (populating pages
    /// as a syscall would). Protected memory reads back as ciphertext.
    /// </summary>
    public bool ReadUserMemory(Process process, ulong virtualAddress, Span<byte> destination) =>
        process.State is not (ProcessState.Zombie or ProcessState.Reaped) && process.Memory.CopyIn(virtualAddress, destination);

    /// <summary>Every frame the kernel has handed out (process pages and page tables).</summary>
    public IReadOnlyList<ulong> FramesInUse()
    {
        var frames = _kernel.Pager.Frames;
        var used = new List<ulong>();
        for (int i = 0; i < frames.Count; i++)
            if (frames.Use(frames.FrameAt(i)) != FrameUse.Free) used.Add(frames.FrameAt(i));
        return used;
    }

    /// <summary>
    /// Maps physical <paramref name="frame"/> into <paramref name="into"/> at <paramref name="virtualAddress"/>
    /// by writing its page table directly, so that process can load and store the frame's bytes.
    /// </summary>
    public bool MapFrame(Process into, ulong virtualAddress, ulong frame, Protection protection)
    {
        ulong va = virtualAddress & ~0xFFFUL;
        if (into.State is ProcessState.Zombie or ProcessState.Reaped) return false;
        var existing = into.Memory.Find(va);
        if (existing is not null && existing.Kind != AreaKind.Foreign) return false;
        if (existing is null)
        {
            var obj = new MemoryObject($"foreign frame 0x{frame:x}", 1);
            obj.Pages[0].Frame = frame;
            obj.Pages[0].Populated = true;
            into.Memory.Map(obj, va, 0, 1, protection, AreaKind.Foreign);
        }
        else
        {
            existing.Object.Pages[existing.ObjectPage(va)].Frame = frame;
        }
        bool mapped = into.Memory.Table.Map(va, frame, protection);
        _kernel.Port.FlushTranslations();
        if (mapped) Report($"mapped frame 0x{frame:x} at 0x{va:x} ({protection})", into);
        return mapped;
    }

    /// <summary>Puts a message on a channel as if its other end had sent it.</summary>
    public bool InjectMessage(string channelName, int toSide, byte[] payload)
    {
        var channel = _kernel.Channels.LastOrDefault(c => c.Name == channelName);
        if (channel is null || toSide is not (0 or 1)) return false;
        var sender = channel.Ends[1 - toSide]?.Owner ?? channel.Ends[toSide]?.Owner;
        if (sender is null) return false;
        _kernel.Deliver(channel, toSide, sender, payload);
        Report($"injected a {payload.Length}-byte message on channel '{channelName}'", channel.Ends[toSide]?.Owner);
        return true;
    }

    /// <summary>The register context the kernel keeps for a process between runs (OS memory: readable, writable).</summary>
    public UserContext SavedContext(Process process) => process.Context;

    public void Kill(Process process, string reason)
    {
        Report($"killed the process: {reason}", process);
        _kernel.KillByAdversary(process, reason);
    }

    public void FlushTranslations() => _kernel.Port.FlushTranslations();
}
