using Cloak.Chip.Cpu;
using Cloak.Isa;
using Cloak.Platform;

namespace Cloak.Chip.Memory;

/// <summary>
/// The Sv39 page-table walk (privileged spec 4.3.2 with the Sv39 parameters of 4.4). Page tables live
/// in simulated physical memory, written by whoever plays the OS. Accessed/dirty bits are set by the
/// walker (hardware update, as the Svadu extension allows) so the OS model need not take a fault to
/// track them. With a <see cref="PhysicalMemoryProtection"/>, each page-table access is checked as an
/// S-mode access (privileged spec 3.7.1: the walk's effective privilege is S, so every entry applies
/// and no match means no access); a refused one ends the walk with an access fault.
/// </summary>
public static class PageTableWalker
{
    public readonly record struct Result(bool Ok, bool AccessFault, ulong PhysicalAddress, ulong PteFlags, int Level);

    /// <summary>
    /// Translates <paramref name="va"/>. On failure, <see cref="Result.AccessFault"/> tells whether it
    /// is an access fault (a page-table entry outside memory or refused by <paramref name="pmp"/>)
    /// rather than a page fault.
    /// </summary>
    public static Result Walk(Dram dram, ulong satp, ulong va, AccessType access, bool userMode, out int walkSteps, PhysicalMemoryProtection? pmp = null)
    {
        walkSteps = 0;
        var fail = new Result(false, false, 0, 0, 0);
        if (!Sv39.IsCanonical(va)) return fail;

        ulong table = Sv39.SatpPpn(satp) << Sv39.PageShift;
        for (int level = 2; level >= 0; level--)
        {
            ulong pteAddress = table + (va >> (Sv39.PageShift + 9 * level) & 0x1FF) * 8;
            walkSteps++;
            if (!dram.Contains(pteAddress, 8) || !PmpAllows(pmp, pteAddress, PmpRights.Read)) return fail with { AccessFault = true };
            ulong pte = dram.ReadUInt64(pteAddress);

            if ((pte & Pte.Valid) == 0 || (pte & (Pte.Read | Pte.Write)) == Pte.Write || (pte & Pte.ReservedMask) != 0)
                return fail;
            if ((pte & (Pte.Read | Pte.Execute)) == 0)
            {
                // Pointer to the next level; A, D and U must be clear in non-leaf entries.
                if ((pte & (Pte.Accessed | Pte.Dirty | Pte.User)) != 0) return fail;
                table = Pte.Ppn(pte) << Sv39.PageShift;
                continue;
            }

            // Leaf: permission checks (no S-mode, hence no SUM; no MXR).
            bool allowed = access switch
            {
                AccessType.Fetch => (pte & Pte.Execute) != 0,
                AccessType.Load => (pte & Pte.Read) != 0,
                _ => (pte & Pte.Write) != 0 && (pte & Pte.Read) != 0,
            };
            bool userPage = (pte & Pte.User) != 0;
            if (!allowed || userPage != userMode) return fail;

            // A superpage's lower PPN fields must be zero.
            ulong ppn = Pte.Ppn(pte);
            ulong lowMask = (1UL << (9 * level)) - 1;
            if ((ppn & lowMask) != 0) return fail;

            ulong wanted = Pte.Accessed | (access == AccessType.Store ? Pte.Dirty : 0);
            if ((pte & wanted) != wanted)
            {
                // The A/D update is a write to the page table, checked like its read.
                if (!PmpAllows(pmp, pteAddress, PmpRights.Write)) return fail with { AccessFault = true };
                pte |= wanted;
                dram.WriteUInt64(pteAddress, pte);
            }

            ulong pageOffsetMask = (1UL << (Sv39.PageShift + 9 * level)) - 1;
            ulong pa = (ppn << Sv39.PageShift & ~pageOffsetMask) | (va & pageOffsetMask);
            return new Result(true, false, pa, pte & 0xFF, level);
        }
        return fail;
    }

    private static bool PmpAllows(PhysicalMemoryProtection? pmp, ulong pteAddress, PmpRights needed) =>
        pmp is null || pmp.Allows(pteAddress, 8, needed, machineMode: false);
}
