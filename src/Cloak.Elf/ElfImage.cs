using System.Buffers.Binary;
using System.Text;

namespace Cloak.Elf;

/// <summary>
/// A parsed RISC-V ELF64 little-endian executable (ELF-64 Object File Format 1.5; RISC-V psABI for
/// e_machine and e_flags). Only what loading needs: entry point, loadable segments and symbols.
/// </summary>
public sealed class ElfImage
{
    private const ushort EtExec = 2, EmRiscV = 243;
    private const uint PtLoad = 1, ShtSymtab = 2;
    private const uint EfRiscVFloatAbiMask = 0x6, EfRiscVRve = 0x8;
    private const int HeaderSize = 64, ProgramHeaderSize = 56, SectionHeaderSize = 64;

    private readonly Dictionary<string, ulong> _symbols;
    private readonly Dictionary<string, ulong> _symbolSizes = new(StringComparer.Ordinal);

    private ElfImage(ulong entry, uint flags, IReadOnlyList<ElfSegment> segments, Dictionary<string, ulong> symbols)
    {
        Entry = entry;
        Flags = flags;
        Segments = segments;
        _symbols = symbols;
        Warnings = [.. segments.Where(s => s.HasNoFlags).Select(s =>
            $"{s} has no permission flags (p_flags = 0): loaded as QEMU loads it, as code and data")];
    }

    public ulong Entry { get; }
    public uint Flags { get; }
    public IReadOnlyList<ElfSegment> Segments { get; }

    /// <summary>What is odd about the file but does not stop a bare-metal machine from loading it (one line each).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The segment holding the entry point: executable, or without flags (see <see cref="ElfSegment.HasNoFlags"/>).</summary>
    public ElfSegment EntrySegment => Segments.First(s => s.MayHoldCode && Entry >= s.VirtualAddress && Entry < s.VirtualEnd);
    public IReadOnlyDictionary<string, ulong> Symbols => _symbols;

    public ulong? Symbol(string name) => _symbols.TryGetValue(name, out ulong value) ? value : null;

    /// <summary>The size st_size gives for a symbol (0 if unknown).</summary>
    public ulong SymbolSize(string name) => _symbolSizes.GetValueOrDefault(name);

    public static ElfImage Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ElfFormatException($"cannot read '{path}': {e.Message}", e);
        }
        return Parse(bytes);
    }

    public static ElfImage Parse(ReadOnlyMemory<byte> file)
    {
        var f = file.Span;
        if (f.Length < 4 || f[0] != 0x7F || f[1] != (byte)'E' || f[2] != (byte)'L' || f[3] != (byte)'F')
            throw new ElfFormatException("not an ELF file (the first bytes are not \\x7fELF)");
        if (f.Length < HeaderSize)
            throw new ElfFormatException($"truncated ELF header: the file has {f.Length} bytes, the header needs {HeaderSize}");
        if (f[4] != 2) throw new ElfFormatException($"ELF class {(f[4] == 1 ? "32-bit" : f[4].ToString())} is not supported: Cloak runs 64-bit (ELFCLASS64) RISC-V programs");
        if (f[5] != 1) throw new ElfFormatException($"ELF data encoding {(f[5] == 2 ? "big-endian" : f[5].ToString())} is not supported: RISC-V programs are little-endian");
        if (f[6] != 1) throw new ElfFormatException($"ELF version {f[6]} is not supported (expected 1)");

        ushort type = U16(f, 16), machine = U16(f, 18);
        if (machine != EmRiscV) throw new ElfFormatException($"ELF machine {machine} is not RISC-V (EM_RISCV = {EmRiscV})");
        if (type != EtExec)
            throw new ElfFormatException(type == 3
                ? "position-independent executables (ET_DYN) are not supported: link with -static -no-pie"
                : $"ELF type {type} is not an executable (ET_EXEC = {EtExec})");
        ulong entry = U64(f, 24), phoff = U64(f, 32), shoff = U64(f, 40);
        uint flags = U32(f, 48);
        if ((flags & EfRiscVRve) != 0) throw new ElfFormatException("RV64E programs (EF_RISCV_RVE) are not supported: Cloak implements RV64IMAC");
        if ((flags & EfRiscVFloatAbiMask) != 0)
            throw new ElfFormatException("the program uses a hardware floating-point ABI: Cloak implements RV64IMAC (soft-float, -mabi=lp64)");
        ushort phentsize = U16(f, 54), phnum = U16(f, 56), shentsize = U16(f, 58), shnum = U16(f, 60);

        if (phnum == 0) throw new ElfFormatException("the ELF file has no program headers: nothing to load");
        if (phentsize != ProgramHeaderSize) throw new ElfFormatException($"program header size {phentsize} is not {ProgramHeaderSize}");
        CheckRange(f.Length, phoff, (ulong)phnum * ProgramHeaderSize, "the program header table");

        var segments = new List<ElfSegment>();
        for (int i = 0; i < phnum; i++)
        {
            var ph = f.Slice((int)phoff + i * ProgramHeaderSize, ProgramHeaderSize);
            if (U32(ph, 0) != PtLoad) continue;
            var segFlags = (SegmentFlags)(U32(ph, 4) & 7);
            ulong offset = U64(ph, 8), vaddr = U64(ph, 16), paddr = U64(ph, 24), filesz = U64(ph, 32), memsz = U64(ph, 40);
            if (filesz > memsz) throw new ElfFormatException($"segment {i}: file size 0x{filesz:x} exceeds memory size 0x{memsz:x}");
            CheckRange(f.Length, offset, filesz, $"segment {i}");
            if (vaddr + memsz < vaddr || paddr + memsz < paddr) throw new ElfFormatException($"segment {i}: address range wraps around");
            if (memsz == 0) continue;
            segments.Add(new ElfSegment(i, vaddr, paddr, memsz, segFlags, file.Slice((int)offset, (int)filesz)));
        }
        if (segments.Count == 0) throw new ElfFormatException("the ELF file has no loadable segments");

        for (int a = 0; a < segments.Count; a++)
            for (int b = a + 1; b < segments.Count; b++)
            {
                var (s, t) = (segments[a], segments[b]);
                if (s.VirtualAddress < t.VirtualEnd && t.VirtualAddress < s.VirtualEnd)
                    throw new ElfFormatException($"segments {s.Index} and {t.Index} overlap in virtual memory");
                if (s.PhysicalAddress < t.PhysicalEnd && t.PhysicalAddress < s.PhysicalEnd)
                    throw new ElfFormatException($"segments {s.Index} and {t.Index} overlap in physical memory");
            }

        if (!segments.Any(s => s.MayHoldCode && entry >= s.VirtualAddress && entry < s.VirtualEnd))
            throw new ElfFormatException($"the entry point 0x{entry:x} is not inside an executable segment");

        var sizes = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var symbols = shoff == 0 || shnum == 0 ? [] : ReadSymbols(f, shoff, shentsize, shnum, sizes);
        var image = new ElfImage(entry, flags, segments, symbols);
        foreach (var (name, size) in sizes) image._symbolSizes[name] = size;
        return image;
    }

    /// <summary>Global and local symbols from SHT_SYMTAB sections (names to values).</summary>
    private static Dictionary<string, ulong> ReadSymbols(ReadOnlySpan<byte> f, ulong shoff, ushort shentsize, ushort shnum, Dictionary<string, ulong> sizes)
    {
        if (shentsize != SectionHeaderSize) throw new ElfFormatException($"section header size {shentsize} is not {SectionHeaderSize}");
        CheckRange(f.Length, shoff, (ulong)shnum * SectionHeaderSize, "the section header table");
        var symbols = new Dictionary<string, ulong>(StringComparer.Ordinal);
        for (int i = 0; i < shnum; i++)
        {
            var sh = f.Slice((int)shoff + i * SectionHeaderSize, SectionHeaderSize);
            if (U32(sh, 4) != ShtSymtab) continue;
            ulong offset = U64(sh, 24), size = U64(sh, 32), entsize = U64(sh, 56);
            uint link = U32(sh, 40);
            if (entsize != 24) throw new ElfFormatException($"section {i}: symbol size {entsize} is not 24");
            CheckRange(f.Length, offset, size, $"symbol table (section {i})");
            if (link >= shnum) throw new ElfFormatException($"section {i}: string table index {link} is out of range");
            var strSh = f.Slice((int)shoff + (int)link * SectionHeaderSize, SectionHeaderSize);
            ulong strOffset = U64(strSh, 24), strSize = U64(strSh, 32);
            CheckRange(f.Length, strOffset, strSize, $"string table (section {link})");
            var strings = f.Slice((int)strOffset, (int)strSize);
            for (ulong at = offset; at + 24 <= offset + size; at += 24)
            {
                var sym = f.Slice((int)at, 24);
                uint nameOffset = U32(sym, 0);
                if (nameOffset == 0 || nameOffset >= strings.Length) continue;
                var rest = strings[(int)nameOffset..];
                int end = rest.IndexOf((byte)0);
                if (end < 0) throw new ElfFormatException($"symbol name at string offset {nameOffset} is not terminated");
                string name = Encoding.UTF8.GetString(rest[..end]);
                if (name.Length > 0 && symbols.TryAdd(name, U64(sym, 8))) sizes[name] = U64(sym, 16);
            }
        }
        return symbols;
    }

    private static void CheckRange(int fileLength, ulong offset, ulong length, string what)
    {
        if (offset > (ulong)fileLength || length > (ulong)fileLength - offset)
            throw new ElfFormatException($"{what} (offset 0x{offset:x}, 0x{length:x} bytes) lies outside the file ({fileLength} bytes): truncated or corrupt");
    }

    private static ushort U16(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt16LittleEndian(s[at..]);
    private static uint U32(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt32LittleEndian(s[at..]);
    private static ulong U64(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt64LittleEndian(s[at..]);

    /// <summary>
    /// The loadable segments grouped by page: segments sharing a page (such as .data and .bss) form one
    /// group whose bytes are each segment's file bytes at its place (zeros elsewhere) and whose rights
    /// are the union of theirs. This is how a loader maps an image with 4 KiB pages.
    /// </summary>
    public IReadOnlyList<(ulong Start, ulong End, byte[] Bytes, SegmentFlags Flags)> PageGroups()
    {
        var groups = new List<(ulong Start, ulong End, List<ElfSegment> Segments)>();
        foreach (var segment in Segments.OrderBy(s => s.VirtualAddress))
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
}
