using System.Buffers.Binary;
using System.Text;
using Cloak.Elf;
using Cloak.Isa;
using Cloak.Kernel.Adversaries;
using Cloak.Kernel.Memory;

namespace Cloak.Kernel;

/// <summary>
/// Builds a process from a user-space ELF: one memory object per segment, populated on first touch,
/// a stack holding argc, argv, envp and an auxiliary vector as Linux lays them out (RISC-V psABI,
/// "Process initialization"), and a heap that brk grows.
/// </summary>
public sealed partial class Kernel
{
    private const ulong StackTop = 0x3F_FFFF_F000;
    private const ulong MmapBase = 0x20_0000_0000;
    private const ulong AtNull = 0, AtPageSize = 6, AtEntry = 9, AtRandom = 25;

    private static void ValidateUserImage(string name, ElfImage image)
    {
        foreach (var s in image.Segments)
            if (s.VirtualAddress < 0x1000 || s.VirtualEnd > MmapBase / 2)
                throw new ElfFormatException($"{name}: {s} lies outside the user program area [0x1000, 0x{MmapBase / 2:x}): is it linked for user space (libcloak) rather than bare metal?");
    }

    /// <summary>
    /// Segments grouped so that segments sharing a page (such as .data and .bss) become one area:
    /// its bytes are each segment's file bytes at its place, its rights the union of theirs.
    /// </summary>
    private static List<(ulong Start, ulong End, byte[] Bytes, SegmentFlags Flags)> SegmentGroups(ElfImage image)
    {
        var groups = new List<(ulong Start, ulong End, List<ElfSegment> Segments)>();
        foreach (var segment in image.Segments.OrderBy(s => s.VirtualAddress))
        {
            ulong start = segment.VirtualAddress & ~0xFFFUL, end = (segment.VirtualEnd + 0xFFF) & ~0xFFFUL;
            if (groups.Count > 0 && start < groups[^1].End)
                groups[^1] = (groups[^1].Start, Math.Max(end, groups[^1].End), [.. groups[^1].Segments, segment]);
            else
                groups.Add((start, end, [segment]));
        }
        return [.. groups.Select(g =>
        {
            ulong filled = g.Segments.Max(s => s.VirtualAddress + (ulong)s.FileBytes.Length);
            var bytes = new byte[filled - g.Start];
            var flags = SegmentFlags.None;
            foreach (var s in g.Segments)
            {
                s.FileBytes.Span.CopyTo(bytes.AsSpan((int)(s.VirtualAddress - g.Start)));
                flags |= s.Flags;
            }
            return (g.Start, g.End, bytes, flags);
        })];
    }

    private Process? CreateProcess(string name, ElfImage image, IReadOnlyList<string> arguments, int parentPid)
    {
        int pid = _nextPid++;
        var process = new Process(pid, parentPid, name, _options.OutputFor(pid, name), _options.InputFor(pid, name))
        {
            AddressRandom = new Random(unchecked(_options.Seed * 1_000_003 + pid)),
        };
        process.Memory = new AddressSpace(process, _pager, _port, _events);
        _processes.Add(process);

        ulong highest = 0;
        foreach (var (start, end, bytes, flags) in SegmentGroups(image))
        {
            int pageCount = (int)((end - start) >> 12);
            var protection =
                (flags.HasFlag(SegmentFlags.Read) ? Protection.Read : 0) |
                (flags.HasFlag(SegmentFlags.Write) ? Protection.Write : 0) |
                (flags.HasFlag(SegmentFlags.Execute) ? Protection.Execute : 0);
            var obj = new MemoryObject($"{name}[{pid}] image 0x{start:x}", pageCount, bytes);
            process.Memory.Map(obj, start, 0, pageCount, protection, flags.HasFlag(SegmentFlags.Execute) ? AreaKind.Text : AreaKind.Data);
            highest = Math.Max(highest, end);
        }
        process.BreakStart = process.Break = highest + ((ulong)process.AddressRandom.Next(0, 64) << 12);

        ulong stackTop = StackTop - ((ulong)process.AddressRandom.Next(0, 256) << 12);
        int stackPages = (int)(_options.StackSize >> 12);
        var stack = new MemoryObject($"{name}[{pid}] stack", stackPages);
        process.Memory.Map(stack, stackTop - _options.StackSize, 0, stackPages, Protection.Read | Protection.Write, AreaKind.Stack);

        if (!BuildInitialStack(process, stackTop, arguments, image.Entry, out ulong sp)) return null;
        process.Context.Pc = image.Entry;
        process.Context[Reg.Sp] = sp;
        _events.ProcessStarted(new ProcessEvent(process));
        _ready.Enqueue(process);
        return process;
    }

    /// <summary>Strings at the top, then (16-byte aligned) argc, argv[], NULL, envp[] (empty), NULL, auxv.</summary>
    private static bool BuildInitialStack(Process process, ulong top, IReadOnlyList<string> arguments, ulong entry, out ulong sp)
    {
        var memory = process.Memory;
        ulong cursor = top;
        var argv = new List<ulong>();
        foreach (string argument in arguments)
        {
            byte[] text = [.. Encoding.UTF8.GetBytes(argument), 0];
            cursor -= (ulong)text.Length;
            argv.Add(cursor);
            if (!memory.CopyOut(cursor, text)) { sp = 0; return false; }
        }
        cursor -= 16;
        ulong random = cursor;
        byte[] randomBytes = new byte[16];
        process.AddressRandom.NextBytes(randomBytes);
        if (!memory.CopyOut(random, randomBytes)) { sp = 0; return false; }

        var words = new List<ulong> { (ulong)argv.Count };
        words.AddRange(argv);
        words.Add(0);                       // end of argv
        words.Add(0);                       // envp is empty
        words.AddRange([AtPageSize, 4096, AtEntry, entry, AtRandom, random, AtNull, 0]);
        cursor = (cursor - (ulong)words.Count * 8) & ~15UL;
        var block = new byte[words.Count * 8];
        for (int i = 0; i < words.Count; i++) BinaryPrimitives.WriteUInt64LittleEndian(block.AsSpan(i * 8), words[i]);
        sp = cursor;
        return memory.CopyOut(cursor, block);
    }
}
