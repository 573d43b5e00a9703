using Cloak.Attacks.Chaos;
using Cloak.Demo;
using Cloak.Elf;
using Cloak.Kernel.Adversaries;

namespace Cloak.Chaos.Tests;

/// <summary>
/// Seed 58 of the first campaign, made deterministic: in confidentiality mode a program whose code lines
/// the adversary spliced writes a canary to plain memory itself. The canary program writes its fourth
/// pattern into a plain shared segment by design (guest/tests/user/canary.c), so with that pattern
/// counted as a canary it plays the program that discloses; the splice hits a line of a function it never
/// calls (cloak_spawn), so it runs the same every time. The invariant must excuse that write only with
/// evidence: the process was tampered with, in confidentiality mode, and the bytes are what it stored in
/// plain itself.
/// </summary>
public sealed class TamperedDisclosureTests
{
    private const string ShmPatternName = "the canary program's shm pattern";

    private static readonly IReadOnlyList<(string Name, byte[] Bytes)> WithShmPattern = [.. ChaosRun.Canaries, (ShmPatternName, ChaosRun.CanaryPattern(3))];

    /// <summary>The sharing scenario with a chaos that never acts: only the test's own adversaries touch anything.</summary>
    private static ChaosCase Quiet(bool authenticated) =>
        ChaosCase.FromSeed(3, ShareMethod.M2, authenticated) with
        {
            RamSize = ChaosCase.LargeRam,
            Settings = new ChaosSettings { Seed = 3, Kinds = new HashSet<ChaosActionKind>(), Rate = 0 },
        };

    /// <summary>A whole line inside cloak_spawn, which the canary program links but never calls.</summary>
    private static ulong UnusedCodeLine()
    {
        var elf = ElfImage.Load(Programs.Guest.CanaryElf);
        ulong start = elf.Symbol("cloak_spawn") ?? throw new InvalidOperationException("canary.elf has no cloak_spawn");
        ulong line = (start + 63) & ~63UL;
        Assert.True(line + 64 <= start + elf.SymbolSize("cloak_spawn"), "cloak_spawn holds no whole line");
        return line;
    }

    [Fact]
    public void A_canary_a_program_stores_in_plain_after_its_code_was_spliced_in_confidentiality_mode_is_a_disclosure_not_a_leak()
    {
        var splicer = new CodeLineSplicer(UnusedCodeLine(), splice: true);

        var result = ChaosRun.Execute(Quiet(authenticated: false), Programs.Guest, [splicer], WithShmPattern);

        Assert.True(splicer.Spliced);
        Assert.DoesNotContain(result.Violations, v => v.Invariant == Invariant.CanaryLeaked);
        Assert.Contains(result.Disclosures, d => d.StartsWith(ShmPatternName, StringComparison.Ordinal) && d.Contains($"pid {splicer.CanaryPid}", StringComparison.Ordinal));
    }

    [Fact]
    public void The_same_plain_store_by_a_program_nobody_tampered_with_is_a_leak()
    {
        var splicer = new CodeLineSplicer(UnusedCodeLine(), splice: false);

        var result = ChaosRun.Execute(Quiet(authenticated: false), Programs.Guest, [splicer], WithShmPattern);

        Assert.NotNull(splicer.CanaryPid);
        Assert.Contains(result.Violations, v => v.Invariant == Invariant.CanaryLeaked && v.Detail.StartsWith(ShmPatternName, StringComparison.Ordinal));
        Assert.Empty(result.Disclosures);
    }

    [Fact]
    public void In_authenticated_mode_a_spliced_program_s_plain_store_of_its_canary_is_still_a_leak()
    {
        var splicer = new CodeLineSplicer(UnusedCodeLine(), splice: true);

        var result = ChaosRun.Execute(Quiet(authenticated: true), Programs.Guest, [splicer], WithShmPattern);

        Assert.True(splicer.Spliced);
        Assert.Contains(result.Violations, v => v.Invariant == Invariant.CanaryLeaked && v.Detail.StartsWith(ShmPatternName, StringComparison.Ordinal));
        Assert.Empty(result.Disclosures);
    }

    [Fact]
    public void A_canary_put_in_a_spliced_program_s_memory_by_anything_but_its_own_plain_stores_is_a_leak()
    {
        // Stands in for the chip letting plaintext out: the bytes arrive in DRAM without a plain store of the process.
        var splicer = new CodeLineSplicer(UnusedCodeLine(), splice: true);
        var leak = new LeakIntoTampered(splicer, ChaosRun.Canaries[1].Bytes);

        var result = ChaosRun.Execute(Quiet(authenticated: false), Programs.Guest, [splicer, leak], WithShmPattern);

        Assert.True(leak.Done);
        Assert.Contains(result.Violations, v => v.Invariant == Invariant.CanaryLeaked && v.Detail.StartsWith(ChaosRun.Canaries[1].Name, StringComparison.Ordinal));
        Assert.Contains(result.Disclosures, d => d.StartsWith(ShmPatternName, StringComparison.Ordinal));
    }

    /// <summary>
    /// At the canary program's first system call as a protected process, copies the neighbouring line of
    /// the same code page over <paramref name="lineVa"/> (a splice between offsets: noise once decrypted),
    /// or, with <paramref name="splice"/> false, only notes the process.
    /// </summary>
    private sealed class CodeLineSplicer(ulong lineVa, bool splice) : Adversary, ITamperWitness
    {
        private readonly HashSet<int> _tampered = [];

        public int? CanaryPid { get; private set; }
        public bool Spliced { get; private set; }
        public IReadOnlySet<int> TamperedProcesses => _tampered;
        public override string Name => "code splicer";

        public override void OnSyscall(SyscallEvent e)
        {
            if (CanaryPid is not null || e.Process.Name != "canary" || !e.Process.IsProtected) return;
            if (Powers.FrameOf(e.Process, lineVa) is not { } frame) return;
            CanaryPid = e.Process.Pid;
            if (!splice) return;
            ulong page = frame << 12;
            Powers.Memory.Write(page + (lineVa & 0xFFF), Powers.Memory.Read(page + ((lineVa ^ 64) & 0xFFF), 64).ToArray());
            _tampered.Add(e.Process.Pid);
            Spliced = true;
        }
    }

    /// <summary>Once the splicer has struck, writes a canary into a page of the spliced process (not through any store of its own).</summary>
    private sealed class LeakIntoTampered(CodeLineSplicer splicer, byte[] canary) : Adversary
    {
        public bool Done { get; private set; }
        public override string Name => "leak into tampered";

        public override void OnContextSwitch(ContextSwitchEvent e)
        {
            if (Done || !splicer.Spliced || e.To.Pid != splicer.CanaryPid || Powers.ResidentPages(e.To) is not { Count: > 0 } pages) return;
            Powers.Memory.Write((pages[^1].Frame << 12) + 512, canary);
            Done = true;
        }
    }
}
