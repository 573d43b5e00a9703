using System.Buffers.Binary;
using System.Text;
using Cloak.Elf;
using Cloak.Isa;
using Cloak.Kernel.Adversaries;
using Cloak.Kernel.Memory;
using Cloak.Sealing;

namespace Cloak.Kernel;

/// <summary>
/// Builds a process from a user-space ELF: one memory object per segment, populated on first touch,
/// a stack holding argc, argv, envp and an auxiliary vector as Linux lays them out (RISC-V psABI,
/// "Process initialization"), and a heap that brk grows.
/// </summary>
public sealed partial class Kernel
{
    private const ulong StackTop = 0x3F_FFFF_F000;
    /// <summary>Where the loader puts a sealed image's plain parts: the stub that enters it, then its header and MAC table.</summary>
    private const ulong SealedLoaderBase = 0x3E_0000_0000;
    private const ulong MmapBase = 0x20_0000_0000;
    private const ulong AtNull = 0, AtPageSize = 6, AtEntry = 9, AtRandom = 25;

    /// <summary>A registered program: a plain ELF or a sealed image.</summary>
    private sealed record ProgramImage(ElfImage? Elf, SealedImage? Sealed);

    private static void ValidateSealedImage(string name, SealedImage image)
    {
        foreach (var r in image.Regions)
            if (r.Start < 0x1000 || r.End > MmapBase / 2)
                throw new ElfFormatException($"{name}: sealed region [0x{r.Start:x}, 0x{r.End:x}) lies outside the user program area");
    }

    private static void ValidateUserImage(string name, ElfImage image)
    {
        foreach (var s in image.Segments)
        {
            // A process's pages get their rights from its segments: no flags would be no access at all
            // (a bare-metal machine, like QEMU, loads such a segment anyway; a process is not bare metal).
            if (s.HasNoFlags)
                throw new ElfFormatException($"{name}: {s} has no permission flags (p_flags = 0): a user process's pages take their rights from its segments (link it with lib/user.ld, as cloak cc does)");
            if (s.VirtualAddress < 0x1000 || s.VirtualEnd > MmapBase / 2)
                throw new ElfFormatException($"{name}: {s} lies outside the user program area [0x1000, 0x{MmapBase / 2:x}): is it linked for user space (libcloak) rather than bare metal?");
        }
    }

    private Process? CreateProcess(string name, ProgramImage program, IReadOnlyList<string> arguments, int parentPid)
    {
        int pid = _nextPid++;
        var process = new Process(pid, parentPid, name, _options.OutputFor(pid, name), _options.InputFor(pid, name))
        {
            AddressRandom = new Random(unchecked(_options.Seed * 1_000_003 + pid)),
            SealedImage = program.Sealed is not null,
        };
        try
        {
            process.Memory = new AddressSpace(process, _pager, _port, _events);
        }
        catch (InvalidOperationException)
        {
            return null; // not even a frame for the page-table root
        }
        _processes.Add(process);

        ulong highest = 0, entry;
        if (program.Elf is { } image)
        {
            foreach (var (start, end, bytes, flags) in image.PageGroups())
            {
                MapImageArea(process, name, start, end, bytes,
                    (flags.HasFlag(SegmentFlags.Read) ? Protection.Read : 0) | (flags.HasFlag(SegmentFlags.Write) ? Protection.Write : 0) |
                    (flags.HasFlag(SegmentFlags.Execute) ? Protection.Execute : 0));
                highest = Math.Max(highest, end);
            }
            entry = image.Entry;
        }
        else
        {
            entry = MapSealedImage(process, name, program.Sealed!);
            highest = program.Sealed!.Regions.Max(r => r.End);
        }
        process.BreakStart = process.Break = highest + ((ulong)process.AddressRandom.Next(0, 64) << 12);

        ulong stackTop = StackTop - ((ulong)process.AddressRandom.Next(0, 256) << 12);
        int stackPages = (int)(_options.StackSize >> 12);
        var stack = new MemoryObject($"{name}[{pid}] stack", stackPages);
        process.Memory.Map(stack, stackTop - _options.StackSize, 0, stackPages, Protection.Read | Protection.Write, AreaKind.Stack);

        if (!BuildInitialStack(process, stackTop, arguments, entry, out ulong sp))
        {
            process.Memory.Destroy();
            _processes.Remove(process);
            return null;
        }
        process.Context[Reg.Sp] = sp;
        if (program.Sealed is null)
        {
            process.Context.Pc = entry;
        }
        else
        {
            process.Context.Pc = SealedLoaderBase;
            process.Context[Reg.A0] = SealedLoaderBase + 4096;
        }
        _events.ProcessStarted(new ProcessEvent(process));
        _ready.Enqueue(process);
        return process;
    }

    private void MapImageArea(Process process, string name, ulong start, ulong end, byte[] bytes, Protection protection)
    {
        int pageCount = (int)((end - start) >> 12);
        var obj = new MemoryObject($"{name}[{process.Pid}] image 0x{start:x}", pageCount, bytes);
        process.Memory.Map(obj, start, 0, pageCount, protection, (protection & Protection.Execute) != 0 ? AreaKind.Text : AreaKind.Data);
    }

    /// <summary>
    /// Lays a sealed image out as the chip expects (docs/sealed-image.md): each region's ciphertext at
    /// its address (the MMU maps ciphertext; the chip decrypts), a plain stub that runs trp.enter (and
    /// exits with its status if the chip refuses), and the plain header followed by the MAC table.
    /// The image pages are made resident up front, since trp.enter reads them all.
    /// </summary>
    private ulong MapSealedImage(Process process, string name, SealedImage image)
    {
        foreach (var region in image.Regions)
        {
            var protection = (region.Permissions.HasFlag(RegionPermissions.Read) ? Protection.Read : 0) |
                (region.Permissions.HasFlag(RegionPermissions.Write) ? Protection.Write : 0) |
                (region.Permissions.HasFlag(RegionPermissions.Execute) ? Protection.Execute : 0);
            MapImageArea(process, name, region.Start, region.End, image.Ciphertext(region).ToArray(), protection | Protection.Read);
        }
        uint[] stub =
        [
            Isa.Encoder.Encode(Isa.Op.TrpEnter, rs1: (int)Reg.A0),   // on success the chip jumps to the entry
            Isa.Encoder.Encode(Isa.Op.Addi, (int)Reg.A7, 0, 0, (long)Abi.Syscall.ExitGroup),
            Isa.Encoder.Encode(Isa.Op.Ecall),                          // exit(status of trp.enter)
            Isa.Encoder.Encode(Isa.Op.Jal, 0, 0, 0, 0),
        ];
        var stubBytes = new byte[stub.Length * 4];
        for (int i = 0; i < stub.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(stubBytes.AsSpan(i * 4), stub[i]);
        MapImageArea(process, name, SealedLoaderBase, SealedLoaderBase + 4096, stubBytes, Protection.Read | Protection.Execute);
        byte[] plainParts = [.. image.Header, .. image.MacTable];
        ulong end = SealedLoaderBase + 4096 + (((ulong)plainParts.Length + 0xFFF) & ~0xFFFUL);
        MapImageArea(process, name, SealedLoaderBase + 4096, end, plainParts, Protection.Read);
        foreach (var region in image.Regions)
            for (ulong va = region.Start; va < region.End; va += 4096) process.Memory.HandleFault(va, AccessType.Load);
        return image.Entry;
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
