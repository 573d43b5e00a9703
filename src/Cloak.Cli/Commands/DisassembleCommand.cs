using System.Buffers.Binary;
using System.CommandLine;
using Cloak.Elf;
using Cloak.Isa;

namespace Cloak.Cli.Commands;

/// <summary><c>cloak disasm</c>: lists the executable segments of an ELF (and those without flags, which QEMU loads as code) with Cloak's own decoder.</summary>
internal static class DisassembleCommand
{
    public static Command Create()
    {
        var program = new Argument<string>("program") { Description = "The RISC-V ELF64 executable to disassemble." };
        var command = new Command("disasm", "Disassemble the executable segments of a RISC-V ELF (objdump -M no-aliases syntax).") { program };
        command.SetAction(parse =>
        {
            string path = parse.GetRequiredValue(program);
            InputFile.Require(path);
            ElfImage image;
            try
            {
                image = ElfImage.Load(path);
            }
            catch (ElfFormatException e)
            {
                throw new CliError(ExitCodes.BadInput, $"{path}: {e.Message}");
            }
            var symbols = image.Symbols.Where(s => !s.Key.StartsWith('.') && !s.Key.StartsWith('$'))
                .GroupBy(s => s.Value).ToDictionary(g => g.Key, g => g.Min(s => s.Key)!);
            using var output = new StreamWriter(Console.OpenStandardOutput());
            foreach (string warning in image.Warnings) Console.Error.WriteLine($"cloak: warning: {path}: {warning}");
            foreach (var segment in image.Segments.Where(s => s.MayHoldCode))
            {
                var bytes = segment.FileBytes.Span;
                for (int offset = 0; offset + 2 <= bytes.Length;)
                {
                    ulong pc = segment.VirtualAddress + (ulong)offset;
                    if (symbols.TryGetValue(pc, out string? name)) output.WriteLine($"\n{pc:x16} <{name}>:");
                    uint bits = BinaryPrimitives.ReadUInt16LittleEndian(bytes[offset..]);
                    int length = (bits & 3) == 3 ? 4 : 2;
                    if (length == 4)
                    {
                        if (offset + 4 > bytes.Length) break;
                        bits = BinaryPrimitives.ReadUInt32LittleEndian(bytes[offset..]);
                    }
                    string raw = length == 4 ? $"{bits:x8}" : $"{bits:x4}    ";
                    output.WriteLine($"{pc,16:x}:\t{raw}\t{Disassembler.Disassemble(bits, pc)}");
                    offset += length;
                }
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
