namespace Cloak.Isa.Tests;

public class DecoderTests
{
    [Theory]
    [InlineData(0x0000_0013u, "addi zero,zero,0")]
    [InlineData(0xFFF0_0513u, "addi a0,zero,-1")]
    [InlineData(0x8000_02B7u, "lui t0,0x80000")]
    [InlineData(0x0000_0297u, "auipc t0,0x0")]
    [InlineData(0x0000_0073u, "ecall")]
    [InlineData(0x0010_0073u, "ebreak")]
    [InlineData(0x3020_0073u, "mret")]
    [InlineData(0x1050_0073u, "wfi")]
    [InlineData(0x0000_100Fu, "fence.i")]
    [InlineData(0x0FF0_000Fu, "fence iorw,iorw")]
    [InlineData(0x8330_000Fu, "fence.tso")]
    [InlineData(0x1200_0073u, "sfence.vma zero,zero")]
    [InlineData(0x3400_9073u, "csrrw zero,mscratch,ra")]
    [InlineData(0xF140_2573u, "csrrs a0,mhartid,zero")]
    [InlineData(0x0200_6513u, "ori a0,zero,32")]
    [InlineData(0x03F5_9513u, "slli a0,a1,0x3f")]
    [InlineData(0x4015_D51Bu, "sraiw a0,a1,0x1")]
    [InlineData(0x02B5_4533u, "div a0,a0,a1")]
    [InlineData(0x0C05_B52Fu, "amoswap.d.aq a0,zero,(a1)")]
    [InlineData(0x1005_A52Fu, "lr.w a0,(a1)")]
    [InlineData(0x0001u, "c.addi zero,0")]
    [InlineData(0x9002u, "c.ebreak")]
    [InlineData(0x8082u, "c.jr ra")]
    [InlineData(0x852Eu, "c.mv a0,a1")]
    [InlineData(0x1141u, "c.addi sp,-16")]
    [InlineData(0x6105u, "c.addi16sp sp,32")]
    [InlineData(0x0028u, "c.addi4spn a0,sp,8")]
    public void Known_words_disassemble_as_objdump_prints_them(uint bits, string text) =>
        Assert.Equal(text, Disassembler.Disassemble(bits));

    [Theory]
    [InlineData(0x0000u, "the all-zero parcel (c.addi4spn with nzuimm = 0)")]
    [InlineData(0x4002u, "c.lwsp with rd = x0")]
    [InlineData(0x6002u, "c.ldsp with rd = x0")]
    [InlineData(0x8002u, "c.jr with rs1 = x0")]
    [InlineData(0x2001u, "c.addiw with rd = x0")]
    [InlineData(0x6101u, "c.addi16sp with nzimm = 0")]
    [InlineData(0x6501u, "c.lui with nzimm = 0")]
    [InlineData(0x2000u, "c.fld (no D extension)")]
    [InlineData(0x9C41u, "the reserved RVC arithmetic encoding 100111_10")]
    [InlineData(0xFFFF_FFFFu, "an all-ones word (a >32-bit length prefix)")]
    [InlineData(0x0000_001Fu, "a 48-bit instruction prefix")]
    [InlineData(0x1020_0073u, "sret (no S-mode)")]
    [InlineData(0x0000_0053u, "an F-extension instruction")]
    [InlineData(0x0000_7013u, "OP-IMM with an unused combination (andi's neighbour is fine, this is 0x7013 with rd=0)")]
    [InlineData(0x0800_1013u, "slli with a reserved funct6")]
    [InlineData(0x1005_A52Fu | (1u << 20), "lr.w with rs2 != 0")]
    public void Reserved_and_unsupported_encodings_decode_as_illegal(uint bits, string what)
    {
        if (bits == 0x0000_7013u) { Assert.True(Decoder.Decode(bits).IsLegal, "andi zero,zero,0 is legal"); return; }
        Assert.False(Decoder.Decode(bits).IsLegal, what);
    }

    [Fact]
    public void Illegal_instructions_keep_their_raw_bits_and_length()
    {
        var d = Decoder.Decode(0x0000_0053u);
        Assert.Equal(Op.Illegal, d.Op);
        Assert.Equal(0x53u, d.Raw);
        Assert.Equal(4, d.Length);
        var c = Decoder.Decode(0x0000u);
        Assert.Equal(2, c.Length);
    }

    [Theory]
    [InlineData(0x4108u, Op.Lw, 10, 10, 0, 0L)]          // c.lw a0,0(a0)
    [InlineData(0x6188u, Op.Ld, 10, 11, 0, 0L)]          // c.ld a0,0(a1)
    [InlineData(0xE188u, Op.Sd, 0, 11, 10, 0L)]          // c.sd a0,0(a1)
    [InlineData(0x557Du, Op.Addi, 10, 0, 0, -1L)]        // c.li a0,-1
    [InlineData(0x7579u, Op.Lui, 10, 0, 0, -0x2000L)]    // c.lui a0,0xffffe
    [InlineData(0x8D0Du, Op.Sub, 10, 10, 11, 0L)]        // c.sub a0,a1
    [InlineData(0x9D2Du, Op.Addw, 10, 10, 11, 0L)]       // c.addw a0,a1
    [InlineData(0x9502u, Op.Jalr, 1, 10, 0, 0L)]         // c.jalr a0
    [InlineData(0x952Eu, Op.Add, 10, 10, 11, 0L)]        // c.add a0,a1
    [InlineData(0x050Eu, Op.Slli, 10, 10, 0, 3L)]        // c.slli a0,0x3
    [InlineData(0x8105u, Op.Srli, 10, 10, 0, 1L)]        // c.srli a0,0x1
    [InlineData(0x9501u, Op.Srai, 10, 10, 0, 32L)]       // c.srai a0,0x20
    [InlineData(0xC119u, Op.Beq, 0, 10, 0, 6L)]          // c.beqz a0,.+6
    [InlineData(0xBFFDu, Op.Jal, 0, 0, 0, -2L)]          // c.j .-2
    public void Compressed_instructions_expand_to_their_base_form(uint bits, Op op, int rd, int rs1, int rs2, long imm)
    {
        var d = Decoder.Decode(bits);
        Assert.True(d.IsLegal);
        Assert.Equal((op, rd, rs1, rs2, imm), (d.Op, (int)d.Rd, (int)d.Rs1, (int)d.Rs2, d.Imm));
        Assert.Equal(2, d.Length);
    }

    [Fact]
    public void Immediates_reach_their_extremes()
    {
        Assert.Equal(-4096L, Decoder.Decode(Assembler.Assemble("beq a0,a1,0", 4096)).Imm);
        Assert.Equal(4094L, Decoder.Decode(Assembler.Assemble("bne a0,a1,ffe")).Imm);
        Assert.Equal(-(1L << 20), Decoder.Decode(Assembler.Assemble("jal ra,0", 1UL << 20)).Imm);
        Assert.Equal((1L << 20) - 2, Decoder.Decode(Assembler.Assemble("jal ra,ffffe")).Imm);
        Assert.Equal(-2048L, Decoder.Decode(Assembler.Assemble("sd a0,-2048(sp)")).Imm);
        Assert.Equal(unchecked((long)0xFFFF_FFFF_8000_0000UL), Decoder.Decode(Assembler.Assemble("lui a0,0x80000")).Imm);
        Assert.Equal(504L, Decoder.Decode(Assembler.Assemble("c.sdsp ra,504(sp)")).Imm);
        Assert.Equal(1020L, Decoder.Decode(Assembler.Assemble("c.addi4spn a0,sp,1020")).Imm);
        Assert.Equal(-512L, Decoder.Decode(Assembler.Assemble("c.addi16sp sp,-512")).Imm);
    }
}
