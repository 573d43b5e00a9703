using System.Buffers.Binary;
using System.Text;

namespace Cloak.Tests.Support;

/// <summary>One program header and the bytes it maps (overrides let a test write inconsistent headers).</summary>
internal sealed record ProgramHeader(uint Type, uint Flags, ulong VirtualAddress, ulong PhysicalAddress, byte[] Data, ulong MemorySize)
{
    /// <summary>p_offset to write instead of where the data really is.</summary>
    public ulong? FileOffsetOverride { get; init; }
}

/// <summary>
/// Writes ELF64 files byte by byte (ELF-64 Object File Format 1.5): header, program headers, segment
/// data and, when there are symbols, .symtab/.strtab/.shstrtab with their section headers. Defaults
/// make a valid RV64 soft-float executable; every field can be changed to make a malformed one.
/// </summary>
internal sealed class ElfBuilder
{
    public const uint PtLoad = 1, PtNote = 4;
    public const uint PfX = 1, PfW = 2, PfR = 4;
    public const ushort EtExec = 2, EtDyn = 3, EmRiscV = 243, EmX86_64 = 62;
    public const uint EfRiscVRvc = 0x1, EfRiscVFloatAbiDouble = 0x4, EfRiscVRve = 0x8;
    public const int HeaderSize = 64, ProgramHeaderSize = 56, SectionHeaderSize = 64, SymbolSize = 24;

    public byte Class { get; set; } = 2;            // ELFCLASS64
    public byte DataEncoding { get; set; } = 1;     // ELFDATA2LSB
    public ushort Type { get; set; } = EtExec;
    public ushort Machine { get; set; } = EmRiscV;
    public uint Flags { get; set; } = EfRiscVRvc;   // soft-float ABI, as -mabi=lp64
    public ulong Entry { get; set; } = 0x8000_0000;
    public ushort ProgramHeaderEntrySize { get; set; } = ProgramHeaderSize;
    /// <summary>e_phoff to write instead of where the table really is.</summary>
    public ulong? ProgramHeaderOffsetOverride { get; set; }
    /// <summary>e_shoff to write instead of where the section headers really are.</summary>
    public ulong? SectionHeaderOffsetOverride { get; set; }

    public List<ProgramHeader> Segments { get; } = [];
    public List<(string Name, ulong Value)> Symbols { get; } = [];

    /// <summary>A loadable segment whose physical address equals its virtual one.</summary>
    public ElfBuilder Load(ulong address, byte[] data, uint flags, ulong? memorySize = null)
    {
        Segments.Add(new ProgramHeader(PtLoad, flags, address, address, data, memorySize ?? (ulong)data.Length));
        return this;
    }

    public ElfBuilder Symbol(string name, ulong value)
    {
        Symbols.Add((name, value));
        return this;
    }

    public byte[] Build()
    {
        var file = new List<byte>(new byte[HeaderSize + ProgramHeaderSize * Segments.Count]);
        var offsets = new List<ulong>();
        foreach (var segment in Segments)
        {
            Align(file, 16);
            offsets.Add((ulong)file.Count);
            file.AddRange(segment.Data);
        }

        ulong sectionHeaders = 0;
        ushort sectionCount = 0, sectionNames = 0;
        if (Symbols.Count > 0)
        {
            var strtab = new List<byte> { 0 };
            var symtab = new byte[SymbolSize * (Symbols.Count + 1)];
            for (int i = 0; i < Symbols.Count; i++)
            {
                var symbol = symtab.AsSpan(SymbolSize * (i + 1), SymbolSize);
                BinaryPrimitives.WriteUInt32LittleEndian(symbol, (uint)strtab.Count);
                symbol[4] = 0x11;                                          // STB_GLOBAL, STT_OBJECT
                BinaryPrimitives.WriteUInt16LittleEndian(symbol[6..], 0xFFF1); // SHN_ABS
                BinaryPrimitives.WriteUInt64LittleEndian(symbol[8..], Symbols[i].Value);
                BinaryPrimitives.WriteUInt64LittleEndian(symbol[16..], 8);
                strtab.AddRange(Encoding.ASCII.GetBytes(Symbols[i].Name));
                strtab.Add(0);
            }
            byte[] shstrtab = Encoding.ASCII.GetBytes("\0.symtab\0.strtab\0.shstrtab\0");

            Align(file, 8);
            ulong symtabOffset = (ulong)file.Count;
            file.AddRange(symtab);
            ulong strtabOffset = (ulong)file.Count;
            file.AddRange(strtab);
            ulong shstrtabOffset = (ulong)file.Count;
            file.AddRange(shstrtab);
            Align(file, 8);
            sectionHeaders = (ulong)file.Count;
            sectionCount = 4;
            sectionNames = 3;
            var headers = new byte[SectionHeaderSize * sectionCount];
            SectionHeader(headers.AsSpan(SectionHeaderSize * 1), name: 1, type: 2, symtabOffset, (ulong)symtab.Length, link: 2, info: 1, entrySize: SymbolSize);
            SectionHeader(headers.AsSpan(SectionHeaderSize * 2), name: 9, type: 3, strtabOffset, (ulong)strtab.Count, link: 0, info: 0, entrySize: 0);
            SectionHeader(headers.AsSpan(SectionHeaderSize * 3), name: 17, type: 3, shstrtabOffset, (ulong)shstrtab.Length, link: 0, info: 0, entrySize: 0);
            file.AddRange(headers);
        }

        byte[] bytes = [.. file];
        var h = bytes.AsSpan();
        h[0] = 0x7F; h[1] = (byte)'E'; h[2] = (byte)'L'; h[3] = (byte)'F';
        h[4] = Class; h[5] = DataEncoding; h[6] = 1; // EV_CURRENT
        BinaryPrimitives.WriteUInt16LittleEndian(h[16..], Type);
        BinaryPrimitives.WriteUInt16LittleEndian(h[18..], Machine);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(h[24..], Entry);
        BinaryPrimitives.WriteUInt64LittleEndian(h[32..], ProgramHeaderOffsetOverride ?? (Segments.Count > 0 ? HeaderSize : 0UL));
        BinaryPrimitives.WriteUInt64LittleEndian(h[40..], SectionHeaderOffsetOverride ?? sectionHeaders);
        BinaryPrimitives.WriteUInt32LittleEndian(h[48..], Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(h[52..], HeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(h[54..], ProgramHeaderEntrySize);
        BinaryPrimitives.WriteUInt16LittleEndian(h[56..], (ushort)Segments.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(h[58..], SectionHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(h[60..], sectionCount);
        BinaryPrimitives.WriteUInt16LittleEndian(h[62..], sectionNames);

        for (int i = 0; i < Segments.Count; i++)
        {
            var s = Segments[i];
            var ph = h.Slice(HeaderSize + ProgramHeaderSize * i, ProgramHeaderSize);
            BinaryPrimitives.WriteUInt32LittleEndian(ph, s.Type);
            BinaryPrimitives.WriteUInt32LittleEndian(ph[4..], s.Flags);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[8..], s.FileOffsetOverride ?? offsets[i]);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[16..], s.VirtualAddress);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[24..], s.PhysicalAddress);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[32..], (ulong)s.Data.Length);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[40..], s.MemorySize);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[48..], 16);
        }
        return bytes;
    }

    private static void SectionHeader(Span<byte> sh, uint name, uint type, ulong offset, ulong size, uint link, uint info, ulong entrySize)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(sh, name);
        BinaryPrimitives.WriteUInt32LittleEndian(sh[4..], type);
        BinaryPrimitives.WriteUInt64LittleEndian(sh[24..], offset);
        BinaryPrimitives.WriteUInt64LittleEndian(sh[32..], size);
        BinaryPrimitives.WriteUInt32LittleEndian(sh[40..], link);
        BinaryPrimitives.WriteUInt32LittleEndian(sh[44..], info);
        BinaryPrimitives.WriteUInt64LittleEndian(sh[48..], 8);
        BinaryPrimitives.WriteUInt64LittleEndian(sh[56..], entrySize);
    }

    private static void Align(List<byte> file, int alignment)
    {
        while (file.Count % alignment != 0) file.Add(0);
    }
}
