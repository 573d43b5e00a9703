using Cloak.BareMetal;
using Cloak.Chip.Security;
using Cloak.Elf;
using Cloak.Os;
using Cloak.Sealing;
using Cloak.Tests.Support;

namespace Cloak.Tests;

/// <summary>
/// <see cref="ElfImage.Parse"/> on files written byte by byte in the test: a valid one parses into the
/// right entry, segments and symbols; every malformed one is refused with an
/// <see cref="ElfFormatException"/> whose message names the problem (the CLI prints that message).
/// </summary>
public class ElfLoaderTests
{
    public static TheoryData<string> Malformations() => MalformedElves.Names();

    [Fact]
    public void A_valid_minimal_ELF_parses_into_its_entry_segments_and_symbols()
    {
        var image = ElfImage.Parse(MalformedElves.Valid().Build());

        Assert.Equal(MalformedElves.CodeAddress, image.Entry);
        Assert.Equal(ElfBuilder.EfRiscVRvc, image.Flags);
        Assert.Collection(image.Segments,
            code =>
            {
                Assert.Equal(0, code.Index);
                Assert.Equal(MalformedElves.CodeAddress, code.VirtualAddress);
                Assert.Equal(MalformedElves.CodeAddress, code.PhysicalAddress);
                Assert.Equal((ulong)MalformedElves.Code.Length, code.MemorySize);
                Assert.Equal(SegmentFlags.Read | SegmentFlags.Execute, code.Flags);
                Assert.Equal(MalformedElves.Code, code.FileBytes.ToArray());
            },
            data =>
            {
                Assert.Equal(1, data.Index);
                Assert.Equal(MalformedElves.DataAddress, data.VirtualAddress);
                Assert.Equal(0x1000UL, data.MemorySize);
                Assert.Equal(SegmentFlags.Read | SegmentFlags.Write, data.Flags);
                Assert.Equal(MalformedElves.Data, data.FileBytes.ToArray());
            });
        Assert.Equal(MalformedElves.ToHost, image.Symbol("tohost"));
        Assert.Equal(MalformedElves.ToHost + 8, image.Symbol("fromhost"));
        Assert.Null(image.Symbol("no_such_symbol"));
    }

    [Fact]
    public void The_valid_minimal_ELF_runs_and_its_bss_is_zeroed()
    {
        var image = ElfImage.Parse(MalformedElves.Valid().Build());
        using var console = new MemoryStream();
        var machine = new BareMetalMachine(new MachineOptions { Stdout = console });
        machine.Dram.Write(MalformedElves.DataAddress + 0x80, [0xAA, 0xBB]); // stale bytes where .bss will be

        machine.Load(image);
        var outcome = machine.Run(10_000);

        Assert.Equal(RunEnd.Exited, outcome.End);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(MalformedElves.Data, machine.Dram.Read(MalformedElves.DataAddress, MalformedElves.Data.Length).ToArray());
        Assert.Equal(new byte[0x1000 - 0x80], machine.Dram.Read(MalformedElves.DataAddress + 0x80, 0x1000 - 0x80).ToArray());
    }

    [Fact]
    public void A_segment_is_placed_at_its_physical_address_as_QEMU_places_it()
    {
        // .data of every picolibc program: loaded at p_paddr (in "flash"), copied to p_vaddr by crt0.
        var image = ElfImage.Parse(MalformedElves.Valid(b =>
            b.Segments[1] = b.Segments[1] with { VirtualAddress = 0x8040_0000 }).Build());
        var machine = new BareMetalMachine(new MachineOptions());

        machine.Load(image);

        Assert.Equal(MalformedElves.Data, machine.Dram.Read(MalformedElves.DataAddress, MalformedElves.Data.Length).ToArray());
        Assert.Equal(new byte[MalformedElves.Data.Length], machine.Dram.Read(0x8040_0000, MalformedElves.Data.Length).ToArray());
    }

    /// <summary>The valid program with every segment's p_flags 0, as the upstream riscv-test-env links its tests.</summary>
    internal static byte[] WithoutFlags() => MalformedElves.Valid(b =>
    {
        for (int i = 0; i < b.Segments.Count; i++) b.Segments[i] = b.Segments[i] with { Flags = 0 };
    }).Build();

    [Fact]
    public void Segments_without_flags_are_loaded_and_run_as_QEMU_loads_them_with_one_warning_each()
    {
        var image = ElfImage.Parse(WithoutFlags());

        Assert.Equal(2, image.Warnings.Count);
        Assert.All(image.Warnings, w => Assert.Contains("p_flags = 0", w, StringComparison.Ordinal));
        Assert.Contains("segment 0 ", image.Warnings[0], StringComparison.Ordinal);
        var machine = new BareMetalMachine(new MachineOptions());
        machine.Load(image);
        var outcome = machine.Run(10_000);
        Assert.Equal(RunEnd.Exited, outcome.End);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(MalformedElves.Data, machine.Dram.Read(MalformedElves.DataAddress, MalformedElves.Data.Length).ToArray());
    }

    [Fact]
    public void An_ELF_whose_segments_have_flags_has_no_warnings()
    {
        Assert.Empty(ElfImage.Parse(MalformedElves.Valid().Build()).Warnings);
    }

    [Fact]
    public void A_user_process_image_with_a_segment_without_flags_is_refused_because_its_pages_take_their_rights_from_them()
    {
        var image = ElfImage.Parse(UserProgramWithoutFlags());
        var machine = new OsMachine(new OsMachineOptions());

        var error = Assert.Throws<ElfFormatException>(() => machine.Register("noflags", image));

        Assert.Contains("p_flags = 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("user process", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sealing_a_program_with_a_segment_without_flags_is_refused()
    {
        var image = ElfImage.Parse(UserProgramWithoutFlags());
        using var identity = ChipIdentity.Generate();

        var error = Assert.Throws<ElfFormatException>(() => ElfSealer.Seal(image, identity.PublicKey));

        Assert.Contains("p_flags = 0", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Looks like a libcloak user program (entry symbol, user addresses) but its one segment has no flags.</summary>
    private static byte[] UserProgramWithoutFlags() =>
        new ElfBuilder { Entry = 0x1_0000 }.Load(0x1_0000, [0x73, 0, 0, 0], 0).Symbol("__cloak_start", 0x1_0000).Build();

    [Theory]
    [MemberData(nameof(Malformations))]
    public void A_malformed_ELF_is_refused_with_a_message_naming_the_problem(string name)
    {
        var malformed = MalformedElves.Named(name);

        var error = Assert.Throws<ElfFormatException>(() =>
        {
            var image = ElfImage.Parse(malformed.Bytes);
            Assert.True(malformed.DetectedWhenLoading, $"{name}: ElfImage.Parse accepted the file");
            new BareMetalMachine(new MachineOptions()).Load(image);
        });

        foreach (string fragment in malformed.MessageFragments)
            Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Every_truncation_of_a_valid_ELF_is_refused_with_an_ElfFormatException()
    {
        // The section headers come last, so every proper prefix misses something the header points at.
        byte[] valid = MalformedElves.Valid().Build();
        var accepted = new List<int>();
        for (int length = 0; length < valid.Length; length++)
        {
            try
            {
                ElfImage.Parse(valid.AsMemory(0, length));
                accepted.Add(length);
            }
            catch (ElfFormatException)
            {
                // refused, as it should be; any other exception escapes and fails the test
            }
        }
        Assert.True(accepted.Count == 0, $"prefixes of {string.Join(", ", accepted)} bytes (of {valid.Length}) were accepted");
    }
}
