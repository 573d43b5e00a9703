using Cloak.Tests.Support;

namespace Cloak.Tests;

/// <summary>
/// The test rows come from the guest sources; these tests make a missing build impossible to miss:
/// one failure listing every missing binary, and the message a missing binary produces.
/// </summary>
public class GuestProgramInventoryTests
{
    [Fact]
    public void The_repository_root_holds_the_solution_and_the_guest_Makefile()
    {
        Assert.True(File.Exists(Path.Combine(Repository.Root, "Cloak.slnx")));
        Assert.True(File.Exists(Path.Combine(Repository.GuestDirectory, "Makefile")));
    }

    [Fact]
    public void Every_guest_source_has_a_built_program()
    {
        var missing = GuestPrograms.AllElfs
            .Select(p => Path.Combine(Repository.GuestBuildDirectory, $"{p}.elf"))
            .Where(path => !File.Exists(path))
            .ToList();

        Assert.True(missing.Count == 0, $"missing guest programs (run make -C guest):\n{string.Join('\n', missing)}");
    }

    [Fact]
    public void Each_kind_of_guest_program_has_sources()
    {
        Assert.NotEmpty(GuestPrograms.IsaPrograms);
        Assert.NotEmpty(GuestPrograms.CTests);
        Assert.NotEmpty(GuestPrograms.FaultTests);
        Assert.NotEmpty(GuestPrograms.Examples);
        Assert.Contains("hello", GuestPrograms.Examples);
    }

    [Fact]
    public void A_missing_guest_program_fails_the_test_with_a_message_saying_how_to_build_it()
    {
        var failure = Assert.ThrowsAny<Exception>(() => GuestPrograms.Elf("examples/no_such_program.elf"));

        Assert.Contains("no_such_program.elf", failure.Message, StringComparison.Ordinal);
        Assert.Contains("make -C guest", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_C_test_has_its_expected_output_and_exit_code_files()
    {
        var missing = GuestPrograms.CTests
            .SelectMany(n => new[] { $"{n}.out", $"{n}.code" })
            .Concat(GuestPrograms.FaultTests.SelectMany(n => new[] { $"faults/{n}.out", $"faults/{n}.expect" }))
            .Where(f => !File.Exists(GuestPrograms.CTestFile(f)))
            .ToList();

        Assert.Empty(missing);
    }
}
