using System.Text;
using Cloak.Isa;

namespace Cloak.Debugging;

/// <summary>
/// The registers the stub offers gdb, as a target description (gdb manual, "Target Descriptions";
/// features org.gnu.gdb.riscv.cpu and org.gnu.gdb.riscv.csr): x0-x31 by their ABI names, pc, then
/// the machine CSRs people look at. The remote register numbers are the indexes below; a 'g' packet
/// carries x0-x31 and pc, the CSRs travel one by one ('p'/'P').
/// </summary>
public static class TargetDescription
{
    public const int Pc = 32;

    /// <summary>Registers in a 'g' packet: x0-x31 and pc.</summary>
    public const int GeneralCount = 33;

    private static readonly string[] AbiNames =
    [
        "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
        "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
    ];

    /// <summary>The CSRs after pc, in register-number order (33, 34, ...).</summary>
    public static IReadOnlyList<(string Name, int Csr)> Csrs { get; } =
    [
        ("mstatus", CsrAddress.Mstatus), ("misa", CsrAddress.Misa), ("mie", CsrAddress.Mie), ("mtvec", CsrAddress.Mtvec),
        ("mscratch", CsrAddress.Mscratch), ("mepc", CsrAddress.Mepc), ("mcause", CsrAddress.Mcause), ("mtval", CsrAddress.Mtval),
        ("mip", CsrAddress.Mip), ("satp", CsrAddress.Satp), ("mhartid", CsrAddress.Mhartid),
    ];

    public static int RegisterCount => GeneralCount + Csrs.Count;

    /// <summary>The CSR number behind remote register <paramref name="regnum"/>, or null for x0-x31, pc and numbers past the end.</summary>
    public static int? CsrOf(int regnum) => regnum >= GeneralCount && regnum < RegisterCount ? Csrs[regnum - GeneralCount].Csr : null;

    /// <summary>The remote register number of a CSR, or null if it is not offered.</summary>
    public static int? RegisterOf(int csr)
    {
        for (int i = 0; i < Csrs.Count; i++)
            if (Csrs[i].Csr == csr) return GeneralCount + i;
        return null;
    }

    public static string Xml { get; } = Build();

    private static string Build()
    {
        var xml = new StringBuilder();
        xml.Append("<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n");
        xml.Append("<architecture>riscv:rv64</architecture>\n");
        xml.Append("<feature name=\"org.gnu.gdb.riscv.cpu\">\n");
        for (int r = 0; r < 32; r++)
        {
            string type = r switch { 1 or 32 => "code_ptr", 2 or 3 or 8 => "data_ptr", _ => "int" };
            xml.Append($"  <reg name=\"{AbiNames[r]}\" bitsize=\"64\" type=\"{type}\" regnum=\"{r}\"/>\n");
        }
        xml.Append($"  <reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"{Pc}\"/>\n</feature>\n");
        xml.Append("<feature name=\"org.gnu.gdb.riscv.csr\">\n");
        for (int i = 0; i < Csrs.Count; i++)
            xml.Append($"  <reg name=\"{Csrs[i].Name}\" bitsize=\"64\" type=\"int\" regnum=\"{GeneralCount + i}\" group=\"system\"/>\n");
        xml.Append("</feature>\n</target>\n");
        return xml.ToString();
    }
}
