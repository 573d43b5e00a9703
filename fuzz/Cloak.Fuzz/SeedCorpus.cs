using System.Buffers.Binary;
using Cloak.Elf;
using Cloak.Kernel.Abi;
using Cloak.Sealing;

namespace Cloak.Fuzz;

/// <summary>
/// Writes the synthesized seed inputs of fuzz/corpora (fuzz/make-corpora runs this after copying
/// real files): small valid inputs that reach deep into each target, since mutations of a small
/// valid input find more than mutations of a large one. Sealed images come out different each time
/// (a fresh ephemeral key): regenerate only when the format changes.
/// </summary>
public static class SeedCorpus
{
    public static void Write()
    {
        Elves();
        SealedImages();
        HartStreams();
        Syscalls();
        TrpRecords();
    }

    private static string Folder(string target)
    {
        string folder = Repository.File($"fuzz/corpora/{target}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static void Save(string target, string name, byte[] bytes) => File.WriteAllBytes(Path.Combine(Folder(target), name), bytes);

    // ---- ELF ------------------------------------------------------------------------------------

    /// <summary>Minimal executables: one code segment; and code plus .data and .bss sharing a page, with a symbol table.</summary>
    private static void Elves()
    {
        uint[] code = [0x0000_0513, 0x0010_0073]; // li a0,0; ebreak
        Save("elf", "tiny-one-segment.elf", Elf(0x8000_0000, [(0x8000_0000, 0x8000_0000, 5u, Bytes(code), 8UL)], symbols: false));
        Save("elf", "tiny-data-bss-symbols.elf", Elf(0x1_0000,
            [(0x1_0000, 0x1_0000, 5u, Bytes(code), 8UL), (0x100_0000, 0x100_0000, 6u, new byte[24], 24UL), (0x100_0018, 0x100_0018, 6u, [], 0x1000UL)],
            symbols: true));
    }

    private static byte[] Elf(ulong entry, (ulong Vaddr, ulong Paddr, uint Flags, byte[] Bytes, ulong Memsz)[] segments, bool symbols)
    {
        const int Header = 64, Ph = 56, Sh = 64;
        var body = new List<byte>();
        int dataStart = Header + Ph * segments.Length;
        var offsets = new List<int>();
        foreach (var s in segments) { offsets.Add(dataStart + body.Count); body.AddRange(s.Bytes); }
        byte[] strtab = "\0__cloak_start\0tohost\0"u8.ToArray();
        int strOffset = dataStart + body.Count;
        if (symbols) body.AddRange(strtab);
        while (symbols && (dataStart + body.Count) % 8 != 0) body.Add(0);
        int symOffset = dataStart + body.Count;
        if (symbols)
        {
            var sym = new byte[72];
            BinaryPrimitives.WriteUInt32LittleEndian(sym.AsSpan(24), 1);
            BinaryPrimitives.WriteUInt64LittleEndian(sym.AsSpan(32), entry);
            BinaryPrimitives.WriteUInt32LittleEndian(sym.AsSpan(48), 15);
            BinaryPrimitives.WriteUInt64LittleEndian(sym.AsSpan(56), 0x100_0000);
            BinaryPrimitives.WriteUInt64LittleEndian(sym.AsSpan(64), 8);
            body.AddRange(sym);
        }
        int shOffset = dataStart + body.Count;
        var file = new byte[shOffset + (symbols ? 3 * Sh : 0)];
        ((ReadOnlySpan<byte>)[0x7F, (byte)'E', (byte)'L', (byte)'F']).CopyTo(file);
        file[4] = 2; file[5] = 1; file[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(16), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(18), 243);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(24), entry);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(32), Header);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(40), symbols ? (ulong)shOffset : 0);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(52), Header);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(54), Ph);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(56), (ushort)segments.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(58), Sh);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(60), (ushort)(symbols ? 3 : 0));
        for (int i = 0; i < segments.Length; i++)
        {
            var ph = file.AsSpan(Header + i * Ph, Ph);
            BinaryPrimitives.WriteUInt32LittleEndian(ph, 1);
            BinaryPrimitives.WriteUInt32LittleEndian(ph[4..], segments[i].Flags);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[8..], (ulong)offsets[i]);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[16..], segments[i].Vaddr);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[24..], segments[i].Paddr);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[32..], (ulong)segments[i].Bytes.Length);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[40..], segments[i].Memsz);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[48..], 0x1000);
        }
        body.ToArray().CopyTo(file, dataStart);
        if (symbols)
        {
            var symtab = file.AsSpan(shOffset + Sh, Sh);
            BinaryPrimitives.WriteUInt32LittleEndian(symtab[4..], 2);
            BinaryPrimitives.WriteUInt64LittleEndian(symtab[24..], (ulong)symOffset);
            BinaryPrimitives.WriteUInt64LittleEndian(symtab[32..], 72);
            BinaryPrimitives.WriteUInt32LittleEndian(symtab[40..], 2);
            BinaryPrimitives.WriteUInt64LittleEndian(symtab[56..], 24);
            var str = file.AsSpan(shOffset + 2 * Sh, Sh);
            BinaryPrimitives.WriteUInt32LittleEndian(str[4..], 3);
            BinaryPrimitives.WriteUInt64LittleEndian(str[24..], (ulong)strOffset);
            BinaryPrimitives.WriteUInt64LittleEndian(str[32..], (ulong)strtab.Length);
        }
        ElfImage.Parse(file); // a seed must be valid
        return file;
    }

    private static byte[] Bytes(uint[] words)
    {
        var bytes = new byte[words.Length * 4];
        for (int i = 0; i < words.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4 * i), words[i]);
        return bytes;
    }

    // ---- sealed images --------------------------------------------------------------------------

    private static void SealedImages()
    {
        var program = ElfImage.Load(Repository.File("guest/build/user/hello.elf"));
        byte[] sealedForFuzzChip = ElfSealer.Seal(program, FuzzChip.Identity.PublicKey);
        Save("sealed", "fixdigest-hello-for-fuzz-chip", [1, .. sealedForFuzzChip]);
        Save("sealed", "asis-hello-for-fuzz-chip", [0, .. sealedForFuzzChip]);
    }

    // ---- hart -----------------------------------------------------------------------------------

    /// <summary>Code the decoder and hart should see a lot of: loads and stores through the registers' pointers, CSRs, AMOs, compressed code, wfi, ecall.</summary>
    private static void HartStreams()
    {
        string[] program =
        [
            "addi a0,zero,42", "sd a0,0(sp)", "ld a1,0(sp)", "lw a2,4(gp)", "sb a0,0(t1)", "csrrs a3,mcause,zero", "csrrw zero,mscratch,a0",
            "amoadd.d a4,a0,(sp)", "lr.d a5,(sp)", "sc.d a5,a0,(sp)", "mul a6,a0,a1", "divu a7,a0,zero", "remw s2,a0,a1", "ecall", "ebreak",
            "sd a0,0(t2)", "sw a0,0(s0)", "wfi", "fence.i", "jal ra,80000800",
        ];
        var code = new List<byte>();
        ulong pc = 0x8000_0800;
        foreach (string line in program)
        {
            uint bits = Isa.Assembler.Assemble(line, pc);
            var w = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(w, bits);
            code.AddRange(w);
            pc += 4;
        }
        Save("hart", "machine-mode-mix", [0, .. code]);
        Save("hart", "user-mode-mix", [1, .. code]);
        Save("hart", "timer-interrupts-mix", [2, .. code]);
        Save("hart", "misaligned-trap-mix", [4, .. code]);
    }

    // ---- system calls ---------------------------------------------------------------------------

    private static void Syscalls()
    {
        var elf = ElfImage.Load(Repository.File("guest/build/tests/user/syscall_fuzz.elf"));
        ulong table = elf.Symbol("table") ?? throw new InvalidOperationException("syscall_fuzz has no 'table' symbol");
        ulong[][] calls =
        [
            [1, table, 16, 0, 0, 0, 0, (ulong)Syscall.Write],
            [0, table + 1024, 8, 0, 0, 0, 0, (ulong)Syscall.Read],
            [0, 0, 0, 0, 0, 0, 0, (ulong)Syscall.GetPid],
            [0, 0, 0, 0, 0, 0, 0, (ulong)Syscall.Brk],
            [0, 8192, 3, 0x22, ulong.MaxValue, 0, 0, (ulong)Syscall.Mmap],
            [1, table + 2048, 0, 0, 0, 0, 0, (ulong)Syscall.ClockGetTime],
            [4096, 0, 0, 0, 0, 0, 0, (ulong)Syscall.ShmCreate],
            [1, table + 3000, 0, 0, 0, 0, 0, (ulong)Syscall.ShmMap],
            [table, 0, 0, 0, 0, 0, 0, (ulong)Syscall.ChanCreate],
            [table, 0, 0, 0, 0, 0, 0, (ulong)Syscall.ChanOpen],
            [3, table, 8, 0, 0, 0, 0, (ulong)Syscall.ChanSend],
            [3, table + 4000, 64, 1, 0, 0, 0, (ulong)Syscall.ChanRecv],
            [3, 0, 0, 0, 0, 0, 0, (ulong)Syscall.ChanClose],
            [table, 0, 0, 0, 0, 0, 0, (ulong)Syscall.Note],
            [0, 0, 0, 0, 0, 0, 0, (ulong)Syscall.SchedYield],
            [0, 0, 0, 0, 0, 0, 0, (ulong)Syscall.GetPpid],
            [ulong.MaxValue, table + 5000, 1, 0, 0, 0, 0, (ulong)Syscall.Wait4],
            [table + 6000, 0, 0, 0, 0, 0, 0, (ulong)Syscall.NanoSleep],
            [0x20_0000_0000, 4096, 0, 0, 0, 0, 0, (ulong)Syscall.Munmap],
        ];
        byte[] records = Records(calls);
        Save("syscall", "one-process-every-call", [0, .. records]);
        Save("syscall", "two-processes-every-call", [1, .. records, .. records]);
    }

    private static byte[] Records(ulong[][] calls)
    {
        var bytes = new byte[calls.Length * 64];
        for (int i = 0; i < calls.Length; i++)
            for (int w = 0; w < 8; w++) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 64 + w * 8), calls[i][w]);
        return bytes;
    }

    // ---- TRP ------------------------------------------------------------------------------------

    /// <summary>Bases in trp_fuzz.c.</summary>
    private const byte Raw = 0, Scratch = 1, Plain = 2, Area = 3, Hidden = 4;

    private static void TrpRecords()
    {
        var records = new List<byte[]>
        {
            Trp(0, Area, 0, Raw, 4096),                                   // trp.hidden on an area page
            Trp(1, Area, 2, Raw, 8192),                                   // trp.private on two more
            Trp(2, Scratch, 1024, Raw, 0, descriptor: Words(5, 4096, 3UL << 40 | 1UL << 32 | 0x7A11, 0, 0, 0), fix: 0b1, bases: Area), // trp.earset (kind 1, rw)
            Trp(3, Area, 5, Raw, 0),                                      // trp.earclear of it
            Trp(4, Scratch, 600, Raw, 64),                                // trp.random into scratch
            Trp(5, Scratch, 1100, Raw, 0, descriptor: Words(1, 2000, 2100, 0, 0, 0), fix: 0b110, bases: Scratch), // trp.keypair
            Trp(6, Scratch, 1200, Raw, 0, descriptor: Words(0, 32, 96, 16, 3000, 32), fix: 0b10111, bases: Scratch), // trp.agree
            Trp(7, Scratch, 1300, Raw, 0, descriptor: Words(0, 96, 64, 3100, 0, 0), fix: 0b1011, bases: Scratch), // trp.sign
            Trp(8, Scratch, 1400, Raw, 0, descriptor: Words(32, 96, 64, 160, 0, 0), fix: 0b1011, bases: Scratch), // trp.verify
            Trp(9, Raw, 0, Raw, 0),                                       // trp.mode
            Trp(4, Hidden, 100, Raw, 32),                                 // random into the hidden region
        };
        byte[] all = [.. records.SelectMany(r => r)];
        Save("trp", "every-op-confidentiality", [0, .. all]);
        Save("trp", "every-op-authenticated", [1, .. all]);
        Save("trp", "operand-in-plain-memory-faults", [0, .. Trp(4, Plain, 0, Raw, 16)]);
    }

    private static ulong[] Words(params ulong[] words) => words;

    private static byte[] Trp(byte op, byte aBase, ulong a, byte bBase, ulong b, ulong[]? descriptor = null, byte fix = 0, byte bases = Scratch)
    {
        var r = new byte[96];
        r[0] = op; r[1] = aBase; r[2] = bBase; r[3] = fix;
        ushort fixBases = 0;
        for (int i = 0; i < 6; i++) fixBases |= (ushort)(bases << (3 * i));
        BinaryPrimitives.WriteUInt16LittleEndian(r.AsSpan(4), fixBases);
        BinaryPrimitives.WriteUInt64LittleEndian(r.AsSpan(8), a);
        BinaryPrimitives.WriteUInt64LittleEndian(r.AsSpan(16), b);
        if (descriptor is not null)
            for (int i = 0; i < descriptor.Length; i++) BinaryPrimitives.WriteUInt64LittleEndian(r.AsSpan(24 + 8 * i), descriptor[i]);
        return r;
    }
}
