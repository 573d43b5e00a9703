using System.Security.Cryptography;
using Cloak.Tests.Cli;
using Cloak.Tests.Support;

namespace Cloak.Tests.Sdk;

/// <summary>
/// What a new user does (issue 10, "Done when"): in a fresh folder outside the repository, two
/// programs of their own (examples/sdk-share) built with <c>cloak cc</c>, a chip made, both sealed
/// (with a provisioned key for M1) and run together so that they share a region; judged from exit
/// codes and output; then attacked from the command line: a snoop that never sees the note they
/// share (the canary), and a tamper that authenticated memory detects, judged from the verdict the
/// run writes into its statistics.
/// </summary>
public sealed class SdkWalkthroughTests
{
    private static async Task<TempDirectory> BuiltAndSealedAsync(string? commonKey = null, string? clientKey = null)
    {
        var folder = new TempDirectory();
        foreach (string name in new[] { "owner.c", "client.c" })
            File.Copy(Repository.PathOf($"examples/sdk-share/{name}"), folder.File(name));
        await Succeeds(folder, "cc", "owner.c", "-o", "owner.elf", "--", "-Wall", "-Wextra", "-Werror");
        await Succeeds(folder, "cc", "client.c", "-o", "client.elf", "--", "-Wall", "-Wextra", "-Werror");
        await Succeeds(folder, "keygen");
        if (commonKey is not null) File.WriteAllBytes(folder.File(commonKey), RandomNumberGenerator.GetBytes(32));
        if (clientKey is not null && clientKey != commonKey) File.WriteAllBytes(folder.File(clientKey), RandomNumberGenerator.GetBytes(32));
        await Succeeds(folder, ["seal", "owner.elf", .. commonKey is null ? Array.Empty<string>() : ["--provision", $"cloak_common_key={commonKey}"]]);
        string? forClient = clientKey ?? commonKey;
        await Succeeds(folder, ["seal", "client.elf", .. forClient is null ? Array.Empty<string>() : ["--provision", $"cloak_common_key={forClient}"]]);
        return folder;
    }

    private static async Task Succeeds(TempDirectory folder, params string[] arguments)
    {
        var result = await CliRunner.RunInAsync(folder.Path, arguments);
        CliAssert.ExitCode(0, result);
    }

    [Fact]
    public async Task Two_programs_built_outside_the_repository_share_a_region_with_an_agreed_key()
    {
        using var folder = await BuiltAndSealedAsync();

        var run = await CliRunner.RunInAsync(folder.Path, "run", "owner.sealed", "client.sealed");

        CliAssert.ExitCode(0, run);
        Assert.Contains("[1:owner] owner: shared region of 4096 bytes set up (agreed key)", run.StdoutText, StringComparison.Ordinal);
        Assert.Contains("[2:client] client: read a note of 28 characters from the shared region", run.StdoutText, StringComparison.Ordinal);
        Assert.Contains("[1:owner] owner: the client read 28 characters: right", run.StdoutText, StringComparison.Ordinal);
        Assert.DoesNotContain("meet at the old mill", run.StdoutText, StringComparison.Ordinal);
    }

    private const string Note = "meet at the old mill";

    private static System.Text.Json.JsonElement Outcome(TempDirectory folder) =>
        System.Text.Json.JsonDocument.Parse(File.ReadAllText(folder.File("stats.json"))).RootElement.GetProperty("outcome");

    [Fact]
    public async Task A_snooping_OS_never_sees_the_note_the_two_programs_share()
    {
        using var folder = await BuiltAndSealedAsync();

        var run = await CliRunner.RunInAsync(folder.Path, "run", "owner.sealed", "client.sealed", "--attack", "snoop", "--secret", Note, "--stats-json", "stats.json");

        CliAssert.ExitCode(0, run);
        Assert.Equal("protection held", Outcome(folder).GetProperty("verdict").GetString());
        Assert.Contains($"searched for \"{Note}\": never seen", Outcome(folder).GetProperty("explanation").GetString(), StringComparison.Ordinal);
        Assert.Contains("Verdict: protection held", run.StdoutText, StringComparison.Ordinal);
    }

    // The control: the same programs unsealed share in plaintext, and the same snoop finds the note.
    [Fact]
    public async Task A_snooping_OS_sees_the_note_of_the_same_programs_unsealed()
    {
        using var folder = await BuiltAndSealedAsync();

        var run = await CliRunner.RunInAsync(folder.Path, "run", "owner.elf", "client.elf", "--attack", "snoop", "--secret", Note, "--stats-json", "stats.json");

        Assert.Equal("attack succeeded", Outcome(folder).GetProperty("verdict").GetString());
        Assert.Contains("Verdict: attack succeeded", run.StdoutText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bit_the_OS_flips_in_the_shared_region_is_detected_in_authenticated_mode()
    {
        using var folder = await BuiltAndSealedAsync();

        var run = await CliRunner.RunInAsync(folder.Path, "run", "--auth", "owner.sealed", "client.sealed",
            "--attack", "tamper:owner@shared,at=1(d)", "--stats-json", "stats.json");

        Assert.Equal("attack detected", Outcome(folder).GetProperty("verdict").GetString());
        var client = System.Text.Json.JsonDocument.Parse(File.ReadAllText(folder.File("stats.json"))).RootElement.GetProperty("processes")
            .EnumerateArray().Single(p => p.GetProperty("name").GetString() == "client");
        Assert.Equal(1, client.GetProperty("integrity_faults").GetInt32());
        Assert.Contains("killed: integrity fault", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_flip_goes_unnoticed_in_confidentiality_mode()
    {
        using var folder = await BuiltAndSealedAsync();

        await CliRunner.RunInAsync(folder.Path, "run", "owner.sealed", "client.sealed", "--attack", "tamper:owner@shared,at=1(d)", "--stats-json", "stats.json");

        Assert.Equal("attack succeeded", Outcome(folder).GetProperty("verdict").GetString());
        Assert.Contains("Not detected", Outcome(folder).GetProperty("explanation").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_common_key_provisioned_into_both_images_they_share_by_m1()
    {
        using var folder = await BuiltAndSealedAsync(commonKey: "common.key");

        var run = await CliRunner.RunInAsync(folder.Path, "run", "owner.sealed:preshared", "client.sealed:preshared");

        CliAssert.ExitCode(0, run);
        Assert.Contains("set up (provisioned key)", run.StdoutText, StringComparison.Ordinal);
        Assert.Contains("the client read 28 characters: right", run.StdoutText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Images_provisioned_with_different_keys_cannot_read_each_others_region()
    {
        using var folder = await BuiltAndSealedAsync(commonKey: "common.key", clientKey: "other.key");

        var run = await CliRunner.RunInAsync(folder.Path, "run", "owner.sealed:preshared", "client.sealed:preshared");

        CliAssert.ExitCode(1, run);
        Assert.Contains(": wrong", run.StdoutText, StringComparison.Ordinal);
        Assert.DoesNotContain("read a note of 28 characters", run.StdoutText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsealed_the_same_programs_refuse_to_share()
    {
        using var folder = await BuiltAndSealedAsync();

        var run = await CliRunner.RunInAsync(folder.Path, "run", "owner.elf", "client.elf");

        CliAssert.ExitCode(1, run);
        Assert.Contains("owner: hidden region: not running in encrypted execution mode", run.StdoutText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_makefile_that_includes_sdk_mk_builds_the_same_programs_and_a_bare_metal_one()
    {
        using var folder = new TempDirectory();
        foreach (string name in new[] { "owner.c", "client.c" })
            File.Copy(Repository.PathOf($"examples/sdk-share/{name}"), folder.File(name));
        File.WriteAllText(folder.File("bm.c"), "#include <stdio.h>\n#include <stdlib.h>\nint main(void) { printf(\"made\\n\"); exit(4); }\n");
        File.WriteAllText(folder.File("Makefile"), $"CLOAK_GUEST_DIR := {Repository.GuestDirectory}\ninclude $(CLOAK_GUEST_DIR)/sdk.mk\nCFLAGS += -Wall -Wextra -Werror\nall: owner.elf client.elf bm.bare.elf\n");

        var make = await ExternalProcess.RunAsync("make", ["-s"], CliRunner.DefaultTimeout, folder.Path,
            new Dictionary<string, string?> { ["MAKEFLAGS"] = null, ["MAKELEVEL"] = null });
        Assert.True(make.ExitCode == 0, make.Describe());
        await Succeeds(folder, "keygen");
        await Succeeds(folder, "seal", "owner.elf");
        await Succeeds(folder, "seal", "client.elf");
        var shared = await CliRunner.RunInAsync(folder.Path, "run", "owner.sealed", "client.sealed");
        var bare = await CliRunner.RunInAsync(folder.Path, "run", "bm.bare.elf");

        CliAssert.ExitCode(0, shared);
        Assert.Contains("the client read 28 characters: right", shared.StdoutText, StringComparison.Ordinal);
        CliAssert.ExitCode(4, bare);
        Assert.Equal("made\n", bare.StdoutText);
    }

    [Fact]
    public async Task Cloak_cc_builds_libcloak_on_first_use_in_a_guest_directory_that_has_none()
    {
        using var guest = new TempDirectory();
        foreach (string file in new[] { "Makefile", "flags.mk", "sdk.mk", "cloak.ld", "bench/bench.mk" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(guest.File(file))!);
            File.Copy(Repository.PathOf($"guest/{file}"), guest.File(file));
        }
        CopyTree(Repository.PathOf("guest/include"), guest.File("include"));
        CopyTree(Repository.PathOf("guest/lib"), guest.File("lib"));
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("p.c"), "#include <cloak/cloak.h>\nint main(void) { return (int)cloak_getpid() + 20; }\n");
        var environment = new Dictionary<string, string?> { ["CLOAK_GUEST_DIR"] = guest.Path, ["MAKEFLAGS"] = null, ["MAKELEVEL"] = null };

        var first = await CliRunner.RunInAsync(folder.Path, environment, "cc", "p.c");
        var second = await CliRunner.RunInAsync(folder.Path, environment, "cc", "p.c", "-o", "q.elf");
        var run = await CliRunner.RunInAsync(folder.Path, "run", "p.elf");

        CliAssert.ExitCode(0, first);
        Assert.Contains("cloak: building libcloak", first.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(guest.File("build/lib/libcloak.a")) && File.Exists(guest.File("build/lib/crt0.o")));
        CliAssert.ExitCode(0, second);
        Assert.DoesNotContain("building libcloak", second.Stderr, StringComparison.Ordinal);
        CliAssert.ExitCode(21, run);
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
