namespace Cloak.Isa;

/// <summary>
/// CSR numbers (privileged spec, table 2.2-2.5) of the registers Cloak implements. Bits 11:10 of a
/// number say whether it is read-only (0b11) and bits 9:8 the lowest privilege that may access it.
/// </summary>
public static class CsrAddress
{
    public const int Satp = 0x180;

    public const int Mstatus = 0x300, Misa = 0x301, Medeleg = 0x302, Mideleg = 0x303, Mie = 0x304,
        Mtvec = 0x305, Mcounteren = 0x306, Menvcfg = 0x30A, Mcountinhibit = 0x320;
    public const int Mhpmevent3 = 0x323, Mhpmevent31 = 0x33F;
    public const int Mscratch = 0x340, Mepc = 0x341, Mcause = 0x342, Mtval = 0x343, Mip = 0x344;
    public const int Pmpcfg0 = 0x3A0, Pmpcfg15 = 0x3AF, Pmpaddr0 = 0x3B0, Pmpaddr63 = 0x3EF;
    public const int Mseccfg = 0x747;
    /// <summary>Debug triggers (RISC-V debug specification, Sdtrig).</summary>
    public const int Tselect = 0x7A0, Tdata1 = 0x7A1, Tdata2 = 0x7A2, Tdata3 = 0x7A3, Tinfo = 0x7A4;
    public const int Mcycle = 0xB00, Minstret = 0xB02, Mhpmcounter3 = 0xB03, Mhpmcounter31 = 0xB1F;
    public const int Cycle = 0xC00, Time = 0xC01, Instret = 0xC02, Hpmcounter3 = 0xC03, Hpmcounter31 = 0xC1F;
    public const int Mvendorid = 0xF11, Marchid = 0xF12, Mimpid = 0xF13, Mhartid = 0xF14, Mconfigptr = 0xF15;

    public static bool IsReadOnly(int csr) => (csr >> 10 & 3) == 3;

    /// <summary>The lowest privilege level (0 = U, 1 = S, 3 = M) allowed to access the CSR.</summary>
    public static int MinimumPrivilege(int csr) => csr >> 8 & 3;

    private static readonly Dictionary<int, string> Names = BuildNames();

    private static Dictionary<int, string> BuildNames()
    {
        var names = StandardCsrNames.Build();
        foreach (var (number, name) in new Dictionary<int, string>
        {
            [Satp] = "satp",
            [Mstatus] = "mstatus", [Misa] = "misa", [Medeleg] = "medeleg", [Mideleg] = "mideleg", [Mie] = "mie",
            [Mtvec] = "mtvec", [Mcounteren] = "mcounteren", [Menvcfg] = "menvcfg", [Mcountinhibit] = "mcountinhibit",
            [Mscratch] = "mscratch", [Mepc] = "mepc", [Mcause] = "mcause", [Mtval] = "mtval", [Mip] = "mip",
            [Mseccfg] = "mseccfg",
            [Mcycle] = "mcycle", [Minstret] = "minstret",
            [Cycle] = "cycle", [Time] = "time", [Instret] = "instret",
            [Mvendorid] = "mvendorid", [Marchid] = "marchid", [Mimpid] = "mimpid", [Mhartid] = "mhartid",
            [Mconfigptr] = "mconfigptr",
        })
            names[number] = name;
        for (int n = 3; n <= 31; n++)
        {
            names[Mhpmevent3 + n - 3] = $"mhpmevent{n}";
            names[Mhpmcounter3 + n - 3] = $"mhpmcounter{n}";
            names[Hpmcounter3 + n - 3] = $"hpmcounter{n}";
        }
        for (int n = 0; n <= 15; n++) names[Pmpcfg0 + n] = $"pmpcfg{n}";
        for (int n = 0; n <= 63; n++) names[Pmpaddr0 + n] = $"pmpaddr{n}";
        return names;
    }

    /// <summary>The CSR's name, or its number in hex (as objdump prints unknown CSRs).</summary>
    public static string Name(int csr) => Names.TryGetValue(csr, out var name) ? name : $"0x{csr:x}";

    public static bool TryParse(string text, out int csr)
    {
        foreach (var (number, name) in Names)
            if (name == text) { csr = number; return true; }
        if (text.StartsWith("0x", StringComparison.Ordinal) &&
            int.TryParse(text.AsSpan(2), System.Globalization.NumberStyles.HexNumber, null, out csr) && csr is >= 0 and < 4096)
            return true;
        csr = -1;
        return false;
    }
}
