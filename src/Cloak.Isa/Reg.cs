namespace Cloak.Isa;

/// <summary>Integer registers by their ABI names (RISC-V psABI, "Integer Register Convention").</summary>
public enum Reg : byte
{
    Zero = 0, Ra = 1, Sp = 2, Gp = 3, Tp = 4, T0 = 5, T1 = 6, T2 = 7,
    S0 = 8, S1 = 9, A0 = 10, A1 = 11, A2 = 12, A3 = 13, A4 = 14, A5 = 15,
    A6 = 16, A7 = 17, S2 = 18, S3 = 19, S4 = 20, S5 = 21, S6 = 22, S7 = 23,
    S8 = 24, S9 = 25, S10 = 26, S11 = 27, T3 = 28, T4 = 29, T5 = 30, T6 = 31,
}

/// <summary>ABI names of the integer registers, as disassemblers print them.</summary>
public static class RegNames
{
    private static readonly string[] Names =
    [
        "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
        "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
        "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
        "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
    ];

    public static string Abi(int index) => Names[index & 31];

    /// <summary>Parses an ABI name ("a0", "fp" for s0) or an architectural one ("x10").</summary>
    public static bool TryParse(string text, out int index)
    {
        index = Array.IndexOf(Names, text);
        if (index >= 0) return true;
        if (text == "fp") { index = 8; return true; }
        if (text.Length is 2 or 3 && text[0] == 'x' && int.TryParse(text.AsSpan(1), out index) && index is >= 0 and < 32)
            return true;
        index = -1;
        return false;
    }
}
