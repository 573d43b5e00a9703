using Cloak.Chip.Memory;
using Cloak.Chip.Tests.Support;
using Cloak.Isa;
using Cloak.Platform;
using CsCheck;

namespace Cloak.Chip.Tests.Properties;

/// <summary>
/// Sv39 walks (src/Cloak.Chip/Memory/PageTableWalker.cs) against a dictionary of mappings written here
/// from the privileged spec (4.3.2, 4.4): random 4 KiB, 2 MiB and 1 GiB pages with random R/W/X/U/A/D
/// bits (including the reserved W-without-R, misaligned superpages and reserved PTE bits), walked by
/// random loads, stores and fetches from U- and M-mode at addresses inside, beside and outside them,
/// canonical or not. Each walk's fault or translation, level and flags must be the model's, and the
/// A and D bits the walker writes back must be exactly the model's.
/// </summary>
public sealed class Sv39WalkProperties
{
    private const ulong RamBase = 0x8000_0000, TableArea = RamBase, TableAreaSize = 1 << 20;

    /// <summary>A mapping: where (VPN fields; the lower ones ignored above the level), what, and its flags.</summary>
    private sealed record Mapping(int Level, ulong Vpn2, ulong Vpn1, ulong Vpn0, ulong Ppn, ulong Flags, bool ReservedBit)
    {
        public ulong VirtualBase
        {
            get
            {
                ulong va = Vpn2 << 30 | (Level < 2 ? Vpn1 << 21 : 0) | (Level < 1 ? Vpn0 << 12 : 0);
                return Vpn2 >= 256 ? va | 0xFFFF_FF80_0000_0000 : va;
            }
        }

        public ulong Size => 1UL << (12 + 9 * Level);
    }

    private sealed record Access(int Pick, ulong Offset, int Kind, AccessType Type, bool User);

    private static readonly Gen<ulong> Vpn2 = Gen.OneOf(Gen.ULong[0, 3], Gen.ULong[510, 511]);
    private static readonly Gen<ulong> Low = Gen.ULong[0, 3];

    /// <summary>R/W/X never all clear (that would be a pointer to another table), plus random U, G, A, D.</summary>
    private static readonly Gen<ulong> Flags = Gen.Select(Gen.ULong[1, 7], Gen.ULong[0, 0b1111], (rwx, uagd) =>
        rwx << 1 | (uagd & 1) * Pte.User | (uagd >> 1 & 1) * Pte.Global | (uagd >> 2 & 1) * Pte.Accessed | (uagd >> 3 & 1) * Pte.Dirty);

    private static readonly Gen<Mapping> MappingGen = Gen.Select(Gen.Int[0, 2], Vpn2, Low, Low, Gen.ULong[0, 1UL << 30], Flags, Gen.Int[0, 20],
        (level, v2, v1, v0, ppn, flags, chance) =>
        {
            // Superpages usually aligned as the spec requires; sometimes not (a page fault).
            ulong aligned = chance < 17 && level > 0 ? ppn & ~((1UL << (9 * level)) - 1) : ppn;
            return new Mapping(level, v2, v1, v0, aligned, flags, ReservedBit: chance == 20);
        });

    private static readonly Gen<Access> AccessGen = Gen.Select(Gen.Int[0, 1000], Gen.ULong, Gen.Int[0, 9],
        Gen.OneOf(Gen.Const(AccessType.Fetch), Gen.Const(AccessType.Load), Gen.Const(AccessType.Store)), Gen.Bool,
        (pick, offset, kind, type, user) => new Access(pick, offset, kind, type, user));

    [Fact]
    public void Every_walk_gives_the_models_translation_or_fault_and_the_models_A_and_D_bits()
    {
        Gen.Select(MappingGen.Array[1, 24], AccessGen.Array[1, 60]).Sample((candidates, accesses) =>
        {
            var dram = new Dram(RamBase, TableAreaSize);
            var tables = new PageTables(dram, TableArea, TableAreaSize);
            var model = new List<(Mapping Mapping, ulong PteAddress)>();
            var flags = new Dictionary<ulong, ulong>(); // PTE address -> the flags the model expects there
            foreach (var m in candidates.Where(c => !Conflicts(c, model.Select(x => x.Mapping))))
            {
                ulong pte = m.Ppn << Pte.PpnShift | m.Flags | Pte.Valid | (m.ReservedBit ? 1UL << 60 : 0);
                ulong address = tables.SetEntry(m.VirtualBase, m.Level, pte);
                model.Add((m, address));
                flags[address] = m.Flags | Pte.Valid;
            }

            foreach (var access in accesses)
            {
                ulong va = Address(access, model);
                var result = PageTableWalker.Walk(dram, tables.Satp, va, access.Type, access.User, out _);
                var expected = Translate(model, flags, va, access.Type, access.User);

                Assert.False(result.AccessFault, $"0x{va:x}: an access fault, but every table is in DRAM");
                Assert.True(expected.Ok == result.Ok, $"0x{va:x} {access.Type} user={access.User}: walker {(result.Ok ? "translated" : "faulted")}, model {(expected.Ok ? "translates" : "faults")}");
                if (expected.Ok)
                    Assert.Equal((expected.Pa, expected.Level, expected.Flags), (result.PhysicalAddress, result.Level, result.PteFlags));
                foreach (var (address, f) in flags)
                    Assert.Equal(f, dram.ReadUInt64(address) & 0xFF);
            }
        }, iter: 800, threads: 1);
    }

    /// <summary>Two mappings cannot share a table slot: a superpage owns everything below its entry.</summary>
    private static bool Conflicts(Mapping m, IEnumerable<Mapping> existing) => existing.Any(e =>
        e.Vpn2 == m.Vpn2 && (e.Level == 2 || m.Level == 2 ||
            (e.Vpn1 == m.Vpn1 && (e.Level == 1 || m.Level == 1 || e.Vpn0 == m.Vpn0))));

    /// <summary>Inside a mapping, just past one, at random, or not canonical at all.</summary>
    private static ulong Address(Access a, List<(Mapping Mapping, ulong PteAddress)> model)
    {
        var m = model[a.Pick % model.Count].Mapping;
        return a.Kind switch
        {
            < 6 => m.VirtualBase + a.Offset % m.Size,
            6 => m.VirtualBase + m.Size + a.Offset % 4096,
            7 => m.VirtualBase - 1 - a.Offset % 4096,
            8 => a.Offset,
            _ => (a.Offset & 0x3F_FFFF_FFFF) | 0x0000_0080_0000_0000, // bit 39 set, 63:40 clear: not canonical
        };
    }

    /// <summary>The model walk: find the mapping covering va, check it as the spec says, set A (and D on a store).</summary>
    private static (bool Ok, ulong Pa, int Level, ulong Flags) Translate(List<(Mapping Mapping, ulong PteAddress)> model, Dictionary<ulong, ulong> flags,
        ulong va, AccessType type, bool user)
    {
        var fault = (false, 0UL, 0, 0UL);
        if ((ulong)((long)(va << 25) >> 25) != va) return fault; // bits 63:39 must equal bit 38
        var hit = model.FirstOrDefault(x => va - x.Mapping.VirtualBase < x.Mapping.Size);
        if (hit.Mapping is not { } m) return fault;
        ulong f = flags[hit.PteAddress];
        if ((f & (Pte.Read | Pte.Write)) == Pte.Write || m.ReservedBit) return fault;
        bool allowed = type switch
        {
            AccessType.Fetch => (f & Pte.Execute) != 0,
            AccessType.Load => (f & Pte.Read) != 0,
            _ => (f & Pte.Write) != 0,
        };
        if (!allowed || ((f & Pte.User) != 0) != user) return fault;
        if ((m.Ppn & ((1UL << (9 * m.Level)) - 1)) != 0) return fault;
        f |= Pte.Accessed | (type == AccessType.Store ? Pte.Dirty : 0);
        flags[hit.PteAddress] = f;
        ulong offsetMask = m.Size - 1;
        return (true, (m.Ppn << 12 & ~offsetMask) | (va & offsetMask), m.Level, f);
    }
}
