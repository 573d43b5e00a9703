using Cloak.Attacks;
using Cloak.Chip.Security;
using Cloak.Elf;
using Cloak.Os;
using Cloak.Sealing;

namespace Cloak.Examples;

/// <summary>A snooping OS against guest/tests/user/canary.c, sealed for a tamper-resistant chip or plain.</summary>
public static class SnoopExample
{
    /// <summary>canary.c's pattern k (0 .data, 1 heap, 2 stack, 3 shared segment): byte i = ((16k + i) * 0x3B + 0x5A) ^ 0xA7.</summary>
    public static byte[] Canary(int k)
    {
        var pattern = new byte[16];
        for (int i = 0; i < pattern.Length; i++) pattern[i] = (byte)(((16 * k + i) * 0x3B + 0x5A) ^ 0xA7);
        return pattern;
    }

    /// <summary>Runs two copies of canary.elf; returns the run and, for each of the four canaries, whether the snoop saw it.</summary>
    public static (OsRunOutcome Run, bool[] Seen) Run(string canaryElf, bool seal)
    {
        using var identity = ChipIdentity.Generate();       // an identity makes the chip tamper resistant
        var machine = new OsMachine(new OsMachineOptions { Identity = identity });
        var program = ElfImage.Load(canaryElf);
        if (seal) machine.Register("victim", SealedImage.Parse(ElfSealer.Seal(program, identity.PublicKey)));
        else machine.Register("victim", program);

        var snoop = new SnoopAdversary();
        machine.Attach(snoop);                              // any number, called in attachment order
        machine.Start("victim");
        machine.Start("victim");                            // snapshots are taken at context switches: give it company
        var run = machine.Run();

        var seen = new bool[4];
        for (int k = 0; k < seen.Length; k++) seen[k] = snoop.Saw(Canary(k));
        return (run, seen);
    }
}
