using System.Globalization;
using System.Text;
using Cloak.Kernel.Adversaries;

namespace Cloak.Demo;

/// <summary>One region, seen from both sides: what a process read and what DRAM held at the same place.</summary>
public sealed record SideBySide(string Who, ulong VirtualAddress, ulong PhysicalAddress, byte[] ProcessView, byte[] DramView);

/// <summary>
/// Watches the examples' "VIEW who address hex" lines as they are written and reads the same bytes
/// from DRAM at that moment, through the process's page table, as the OS sees them.
/// </summary>
internal sealed class ViewObserver : Adversary
{
    private readonly List<SideBySide> _views = [];

    public IReadOnlyList<SideBySide> Views => _views;

    public override void OnSyscall(SyscallEvent e)
    {
        if (e.Number != 64 || e.Arguments[2] is 0 or > 4096) return;
        var buffer = new byte[e.Arguments[2]];
        if (!Powers.ReadUserMemory(e.Process, e.Arguments[1], buffer)) return;
        foreach (string line in Encoding.UTF8.GetString(buffer).Split('\n'))
        {
            var parts = line.Split(' ');
            if (parts.Length < 4 || parts[0] != "VIEW") continue;
            string who = string.Join(' ', parts[1..^2]);
            if (!ulong.TryParse(parts[^2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong va)) continue;
            byte[] seen;
            try
            {
                seen = Convert.FromHexString(parts[^1]);
            }
            catch (FormatException)
            {
                continue;
            }
            if (Powers.FrameOf(e.Process, va) is not { } frame) continue;
            ulong pa = (frame << 12) + (va & 0xFFF);
            _views.Add(new SideBySide(who, va, pa, seen, Powers.Memory.Read(pa, seen.Length).ToArray()));
        }
    }
}
