using System.Buffers.Binary;
using System.Diagnostics;
using Cloak.Chip;
using Cloak.Chip.Cpu;
using Cloak.Chip.Security;
using Cloak.Isa;
using Cloak.Sealing;

namespace Cloak.Security.Tests;

/// <summary>
/// Issue 8: trp.enter checks the header before it touches the image. A plain process could hand it a
/// forged header (the chip's fingerprint is public) describing one huge region: each page fault then
/// restarted the instruction, which rebuilt the whole region, and one guest instruction stalled the
/// host for tens of seconds. Now a header whose program key does not unwrap is refused before a byte of
/// its regions is read, an image over the limit is refused, and a real image is hashed page by page
/// with the progress kept on chip, so restarts cost only the pages they add.
/// </summary>
public class TrpEnterTests
{
    private const ulong Ram = ChipOptions.DefaultRamBase;
    private const ulong HeaderAt = Ram + 0x1_0000;

    private static Processor Chip(ChipIdentity identity) => new(new ChipOptions
    {
        RamSize = 4 << 20,
        Identity = identity,
        Hart = new HartOptions { HostHandlesTraps = true },
    });

    /// <summary>trp.enter a0 at the RAM base, a0 = the header's address (M-mode: no translation).</summary>
    private static RunResult Enter(Processor processor, ulong header)
    {
        var code = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(code, Encoder.Encode(Op.TrpEnter, rs1: (int)Reg.A0));
        processor.Dram.Write(Ram, code);
        processor.Hart.Pc = Ram;
        processor.Hart.SetRegister(Reg.A0, header);
        return processor.Hart.Run(1);
    }

    /// <summary>A header that names the chip and describes a region far outside RAM, with a stored digest that matches and a wrapped key that is garbage.</summary>
    private static byte[] ForgedHeader(ChipIdentity chip, ulong regionStart, ulong regionSize)
    {
        var plain = new PlainRegion(regionStart, 4096, RegionPermissions.Read | RegionPermissions.Execute, new byte[16]);
        byte[] genuine = ImageSealer.Seal([plain], regionStart, chip.PublicKey);
        var image = SealedImage.Parse(genuine);
        byte[] header = image.Header.ToArray();
        // Enlarge the region and put back a digest over the changed header: anyone can compute it.
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(SealedImageHeader.FixedHeaderSize + 8), regionSize);
        SealedImage.ComputeDigest(header).CopyTo(header.AsSpan(header.Length - SealedImageHeader.DigestSize));
        return header;
    }

    [Fact]
    public void A_forged_header_is_refused_before_any_byte_of_its_region_is_read()
    {
        using var chip = ChipIdentity.Generate();
        var processor = Chip(chip);
        // A 1 GiB region at an address with no memory behind it: reading it would be an access fault.
        processor.Dram.Write(HeaderAt, ForgedHeader(chip, 0x10_0000_0000, 1UL << 30));

        var clock = Stopwatch.StartNew();
        var result = Enter(processor, HeaderAt);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.Equal(StopReason.InstructionLimit, result.Reason); // retired with a status, no trap
        Assert.Equal((ulong)TrpStatus.BadImage, processor.Hart.GetRegister(Reg.A0));
        Assert.False(processor.Hart.InEncryptedMode);
    }

    [Fact]
    public void A_genuine_image_larger_than_the_limit_is_refused_without_reading_it()
    {
        using var chip = ChipIdentity.Generate();
        var processor = Chip(chip);
        // Sealed for real (the key unwraps), but its one region claims more than trp.enter takes.
        var region = new PlainRegion(0x10_0000_0000, Hart.MaxImageBytes + 4096, RegionPermissions.Read | RegionPermissions.Execute, new byte[16]);
        byte[] header = HeaderOfHugeImage(chip, region);
        processor.Dram.Write(HeaderAt, header);

        var result = Enter(processor, HeaderAt);

        Assert.Equal(StopReason.InstructionLimit, result.Reason);
        Assert.Equal((ulong)TrpStatus.BadImage, processor.Hart.GetRegister(Reg.A0));
    }

    /// <summary>
    /// The header of a genuinely sealed image with a huge region, without sealing gigabytes: seal a
    /// small image, then rewrite its header's size and digest and wrap its key again under the new
    /// digest (what a vendor's sealing tool would have produced for the large image).
    /// </summary>
    private static byte[] HeaderOfHugeImage(ChipIdentity chip, PlainRegion region)
    {
        var small = SealedImage.Parse(ImageSealer.Seal([region with { Size = 4096 }], region.Start, chip.PublicKey));
        byte[] header = small.Header.ToArray();
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(SealedImageHeader.FixedHeaderSize + 8), region.Size);
        byte[] digest = SealedImage.ComputeDigest(header);
        var (ephemeral, wrapped, tag) = Crypto.Ecies.Wrap(chip.PublicKey, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), digest, ImageSealer.KeyWrapLabel);
        ephemeral.CopyTo(header.AsSpan(SealedImageHeader.OffEphemeral));
        wrapped.CopyTo(header.AsSpan(SealedImageHeader.OffWrappedKey));
        tag.CopyTo(header.AsSpan(SealedImageHeader.OffWrappedKey + 32));
        digest.CopyTo(header.AsSpan(header.Length - SealedImageHeader.DigestSize));
        return header;
    }

    // The control: the same path enters a genuine image placed in memory.
    [Fact]
    public void A_genuine_image_in_memory_is_entered()
    {
        using var chip = ChipIdentity.Generate();
        var processor = Chip(chip);
        const int pages = 64;
        const ulong imageAt = Ram + 0x10_0000;
        var region = new PlainRegion(imageAt, pages * 4096UL, RegionPermissions.Read | RegionPermissions.Execute, new byte[16]);
        var image = SealedImage.Parse(ImageSealer.Seal([region], imageAt, chip.PublicKey));
        processor.Dram.Write(HeaderAt, image.Header);
        processor.Dram.Write(HeaderAt + (ulong)image.HeaderLength, image.MacTable);
        processor.Dram.Write(imageAt, image.Ciphertext(image.Regions[0]));

        var result = Enter(processor, HeaderAt);

        Assert.Equal(StopReason.InstructionLimit, result.Reason);
        Assert.True(processor.Hart.InEncryptedMode, $"a0 = {processor.Hart.GetRegister(Reg.A0)}");
    }
}
