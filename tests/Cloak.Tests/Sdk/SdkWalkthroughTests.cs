using System.Security.Cryptography;
using Cloak.Tests.Cli;
using Cloak.Tests.Support;

namespace Cloak.Tests.Sdk;

/// <summary>
/// What a new user does (issue 10, "Done when"): in a fresh folder outside the repository, two
/// programs of their own (examples/sdk-share) built with <c>cloak cc</c>, a chip made, both sealed
/// (with a provisioned key for M1) and run together so that they share a region; judged from exit
/// codes and output. The attack half of that scenario (snoop with a canary, tamper under --auth) needs
/// <c>cloak run --attack</c> (issue 10, item 3): add it here when that option exists.
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
