using Cloak.Examples;
using Cloak.Kernel.Tests.Support;

namespace Cloak.Kernel.Tests;

/// <summary>
/// The example in docs/adversary.md is a complete program file, Examples/SnoopExample.cs, compiled
/// with this project; these tests run it and hold the doc to it: the code block there is that file,
/// verbatim, and the outcome the doc describes is the one the example gives.
/// </summary>
public class AdversaryExampleTests
{
    private static string Canary => GuestPrograms.PathOf("canary");

    [Fact]
    public void The_example_in_docs_adversary_md_is_the_example_file_verbatim()
    {
        string doc = File.ReadAllText(Path.Combine(GuestPrograms.RepositoryRoot, "docs", "adversary.md")).ReplaceLineEndings("\n");
        string example = File.ReadAllText(Path.Combine(GuestPrograms.RepositoryRoot, "tests", "Cloak.Kernel.Tests", "Examples", "SnoopExample.cs")).ReplaceLineEndings("\n");

        Assert.Contains("```csharp\n" + example + "```\n", doc, StringComparison.Ordinal);
    }

    [Fact]
    public void The_examples_canaries_are_the_ones_canary_c_plants()
    {
        for (int k = 0; k < 4; k++) Assert.Equal(Support.Canary.Pattern(k), SnoopExample.Canary(k));
    }

    // docs/adversary.md: sealed, the snoop finds only the shared-segment copy (no EAR entry covers it).
    [Fact]
    public void Sealed_the_snoop_finds_only_the_canary_in_the_plain_shared_segment()
    {
        var (run, seen) = SnoopExample.Run(Canary, seal: true);

        Assert.Equal(KernelRunEnd.AllExited, run.End);
        Assert.All(run.Processes, p => Assert.True(p.ExitCode == 0 && p.KillReason is null, $"{p.Name}[{p.Pid}]: exit {p.ExitCode} {p.KillReason}"));
        Assert.Equal([false, false, false, true], seen);
    }

    // docs/adversary.md: the plain ELF's patterns are all found.
    [Fact]
    public void Plain_the_snoop_finds_every_canary()
    {
        var (run, seen) = SnoopExample.Run(Canary, seal: false);

        Assert.All(run.Processes, p => Assert.Equal(0, p.ExitCode));
        Assert.Equal([true, true, true, true], seen);
    }
}
