using System.Text;

namespace Cloak.Tests.Support;

/// <summary>A file Cloak must refuse, and words its one-line refusal must contain.</summary>
/// <param name="DetectedWhenLoading">True when only placing it in the machine's RAM can tell (not parsing).</param>
internal sealed record MalformedElf(string Name, byte[] Bytes, string[] MessageFragments, bool DetectedWhenLoading = false)
{
    public override string ToString() => Name;
}

/// <summary>
/// A valid little program (code at 0x8000_0000, data at 0x8000_2000, a tohost symbol) and, from it,
/// one malformed file per way an ELF can be wrong, each changing one thing.
/// </summary>
internal static class MalformedElves
{
    public const ulong CodeAddress = 0x8000_0000, DataAddress = 0x8000_2000, ToHost = DataAddress + 0x40;

    /// <summary>addi a0,zero,0x555 ... a store to the test finisher: a runnable program.</summary>
    public static byte[] Code { get; } = new GuestCode(CodeAddress)
        .Li(Isa.Reg.T0, 0x10_0000).Li(Isa.Reg.T1, 0x5555).Emit("sw t1,0(t0)").Spin().ToArray();

    public static byte[] Data { get; } = [.. Enumerable.Range(0, 0x80).Select(i => (byte)i)];

    /// <summary>The valid program, with optional changes applied to the builder first.</summary>
    public static ElfBuilder Valid(Action<ElfBuilder>? change = null)
    {
        var builder = new ElfBuilder { Entry = CodeAddress }
            .Load(CodeAddress, Code, ElfBuilder.PfR | ElfBuilder.PfX)
            .Load(DataAddress, Data, ElfBuilder.PfR | ElfBuilder.PfW, 0x1000)
            .Symbol("tohost", ToHost)
            .Symbol("fromhost", ToHost + 8);
        change?.Invoke(builder);
        return builder;
    }

    public static IReadOnlyList<MalformedElf> All { get; } = Build();

    public static MalformedElf Named(string name) => All.Single(m => m.Name == name);

    public static TheoryData<string> Names()
    {
        var rows = new TheoryData<string>();
        foreach (var m in All) rows.Add(m.Name);
        return rows;
    }

    private static List<MalformedElf> Build()
    {
        byte[] valid = Valid().Build();
        byte[] Patched(int offset, byte value)
        {
            byte[] copy = [.. valid];
            copy[offset] = value;
            return copy;
        }
        ProgramHeader Replace(ElfBuilder b, int index, Func<ProgramHeader, ProgramHeader> change) => b.Segments[index] = change(b.Segments[index]);

        return
        [
            new("not an ELF file", Encoding.ASCII.GetBytes("#!/bin/sh\necho this is a shell script, not a program\n"), ["not an ELF file"]),
            new("truncated header", valid[..40], ["truncated ELF header"]),
            new("32-bit class", Patched(4, 1), ["32-bit"]),
            new("big-endian", Patched(5, 2), ["big-endian"]),
            new("x86-64 machine", Valid(b => b.Machine = ElfBuilder.EmX86_64).Build(), ["machine 62", "not RISC-V"]),
            new("ET_DYN (position-independent)", Valid(b => b.Type = ElfBuilder.EtDyn).Build(), ["ET_DYN"]),
            new("hard-float ABI flag", Valid(b => b.Flags |= ElfBuilder.EfRiscVFloatAbiDouble).Build(), ["floating-point ABI"]),
            new("RV64E flag", Valid(b => b.Flags |= ElfBuilder.EfRiscVRve).Build(), ["RV64E"]),
            new("program header table past the end of the file", Valid(b => b.ProgramHeaderOffsetOverride = (ulong)valid.Length - 20).Build(),
                ["program header table", "outside the file"]),
            new("wrong program header entry size", Valid(b => b.ProgramHeaderEntrySize = 32).Build(), ["program header size 32"]),
            new("segment data past the end of the file", Valid(b => Replace(b, 1, s => s with { FileOffsetOverride = (ulong)valid.Length - 0x10 })).Build(),
                ["segment 1", "outside the file"]),
            new("file size larger than memory size", Valid(b => Replace(b, 1, s => s with { MemorySize = 0x40 })).Build(),
                ["segment 1", "file size 0x80 exceeds memory size 0x40"]),
            new("overlapping segments", Valid(b => Replace(b, 1, s => s with { VirtualAddress = CodeAddress + 4, PhysicalAddress = CodeAddress + 4 })).Build(),
                ["segments 0 and 1 overlap"]),
            new("segment address range wraps around", Valid(b => Replace(b, 1, s => s with { VirtualAddress = ulong.MaxValue - 0xFFF, PhysicalAddress = ulong.MaxValue - 0xFFF })).Build(),
                ["segment 1", "wraps"]),
            new("segment outside RAM", Valid(b => Replace(b, 1, s => s with { VirtualAddress = 0x4000_0000, PhysicalAddress = 0x4000_0000 })).Build(),
                ["segment 1", "outside RAM"], DetectedWhenLoading: true),
            new("entry point outside every executable segment", Valid(b => b.Entry = DataAddress).Build(),
                ["entry point 0x80002000", "not inside an executable segment"]),
            new("no loadable segments", Valid(b =>
                {
                    b.Segments.Clear();
                    b.Segments.Add(new ProgramHeader(ElfBuilder.PtNote, ElfBuilder.PfR, 0, 0, [1, 2, 3, 4], 4));
                }).Build(), ["no loadable segments"]),
            new("no program headers at all", Valid(b => b.Segments.Clear()).Build(), ["no program headers"]),
            new("section header table past the end of the file", Valid(b => b.SectionHeaderOffsetOverride = (ulong)valid.Length).Build(),
                ["section header table", "outside the file"]),
        ];
    }
}
