using System.Security.Cryptography;
using Cloak.Tests.Support;

namespace Cloak.Tests.Cli;

/// <summary>
/// <c>cloak seal --provision SYMBOL=FILE</c>: the vendor's keys reach the sealed image (and run), and
/// every mistake names the symbol and the problem.
/// </summary>
public sealed class CliSealProvisionTests : IClassFixture<CliSealProvisionTests.Programs>
{
    /// <summary>One folder with a chip, the sharing programs and a program with a zero array in .bss.</summary>
    public sealed class Programs : IAsyncLifetime, IDisposable
    {
        private readonly TempDirectory _folder = new();

        public string Path => _folder.Path;
        public string File(string name) => _folder.File(name);
        public string Owner => System.IO.Path.Combine(Repository.GuestBuildDirectory, "share", "share_owner.elf");
        public string Client => System.IO.Path.Combine(Repository.GuestBuildDirectory, "share", "share_client.elf");

        public async Task InitializeAsync()
        {
            System.IO.File.WriteAllText(File("bss.c"), "#include <stdint.h>\nuint8_t bss_key[32];\nint main(void) { return bss_key[0]; }\n");
            CliAssert.ExitCode(0, await CliRunner.RunInAsync(Path, "cc", "bss.c"));
            CliAssert.ExitCode(0, await CliRunner.RunInAsync(Path, "keygen"));
            System.IO.File.WriteAllBytes(File("key32"), RandomNumberGenerator.GetBytes(32));
            System.IO.File.WriteAllBytes(File("key16"), RandomNumberGenerator.GetBytes(16));
            using var rsa = RSA.Create(2048);
            System.IO.File.WriteAllText(File("rsa.pem"), rsa.ExportRSAPrivateKeyPem());
        }

        public Task DisposeAsync() => Task.CompletedTask;

        public void Dispose() => _folder.Dispose();
    }

    private readonly Programs _programs;

    public CliSealProvisionTests(Programs programs) => _programs = programs;

    private Task<ProcessResult> Seal(string program, params string[] provisions) =>
        CliRunner.RunInAsync(_programs.Path, ["seal", program, "-o", $"{Guid.NewGuid():N}.sealed", .. provisions.SelectMany(p => new[] { "--provision", p })]);

    [Fact]
    public async Task Signing_keys_from_pem_files_let_the_shipped_programs_run_m3()
    {
        using var folder = new TempDirectory();
        foreach (string name in new[] { "owner", "client" }) CliAssert.ExitCode(0, await CliRunner.RunInAsync(folder.Path, "keygen", "-o", name));
        CliAssert.ExitCode(0, await CliRunner.RunInAsync(folder.Path, "keygen"));
        CliAssert.ExitCode(0, await CliRunner.RunInAsync(folder.Path, "seal", _programs.Owner, "-o", "share_owner.sealed",
            "--provision", "cloak_signing_key=owner.key", "--provision", "cloak_peer_verification_key=client.pub"));
        // A private key file gives its public point too.
        CliAssert.ExitCode(0, await CliRunner.RunInAsync(folder.Path, "seal", _programs.Client, "-o", "share_client.sealed",
            "--provision", "cloak_signing_key=client.key", "--provision", "cloak_peer_verification_key=owner.key"));

        var run = await CliRunner.RunInAsync(folder.Path, "run", "share_owner.sealed:m3,1", "share_client.sealed:m3,1");

        CliAssert.ExitCode(0, run);
        Assert.Contains("RESULT shared correctly", run.StdoutText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_peers_key_the_signed_exchange_is_refused()
    {
        using var folder = new TempDirectory();
        foreach (string name in new[] { "owner", "client", "stranger" }) CliAssert.ExitCode(0, await CliRunner.RunInAsync(folder.Path, "keygen", "-o", name));
        CliAssert.ExitCode(0, await CliRunner.RunInAsync(folder.Path, "keygen"));
        CliAssert.ExitCode(0, await CliRunner.RunInAsync(folder.Path, "seal", _programs.Owner, "-o", "share_owner.sealed",
            "--provision", "cloak_signing_key=owner.key", "--provision", "cloak_peer_verification_key=stranger.pub"));
        CliAssert.ExitCode(0, await CliRunner.RunInAsync(folder.Path, "seal", _programs.Client, "-o", "share_client.sealed",
            "--provision", "cloak_signing_key=client.key", "--provision", "cloak_peer_verification_key=owner.pub"));

        var run = await CliRunner.RunInAsync(folder.Path, "run", "share_owner.sealed:m3,1", "share_client.sealed:m3,1");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("did not verify", run.StdoutText, StringComparison.Ordinal);
        Assert.DoesNotContain("RESULT shared correctly", run.StdoutText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provisioning_leaves_the_plain_elf_unchanged_and_the_key_nowhere_in_the_sealed_file_in_the_clear()
    {
        byte[] before = System.IO.File.ReadAllBytes(_programs.Owner);

        var result = await Seal(_programs.Owner, "cloak_common_key=key32");

        CliAssert.ExitCode(0, result);
        Assert.Equal(before, System.IO.File.ReadAllBytes(_programs.Owner));
        string sealedPath = _programs.File(result.StdoutText.Split(':')[0]);
        Assert.Equal(-1, System.IO.File.ReadAllBytes(sealedPath).AsSpan().IndexOf(System.IO.File.ReadAllBytes(_programs.File("key32"))));
    }

    [Theory]
    [InlineData("cloak_common_key=key16", 65, "cannot provision 'cloak_common_key'", "it is 32 bytes, the value is 16")]
    [InlineData("no_such_symbol=key32", 65, "cannot provision 'no_such_symbol'", "no such symbol")]
    [InlineData("main=key32", 65, "cannot provision 'main'", "executable segment")]
    [InlineData("cloak_common_key=missing.key", 66, "--provision cloak_common_key", "missing.key: no such file")]
    [InlineData("cloak_common_key=.", 66, "--provision cloak_common_key", "is a directory")]
    [InlineData("cloak_common_key", 2, "write SYMBOL=FILE")]
    [InlineData("cloak_signing_key=rsa.pem", 65, "--provision cloak_signing_key", "not a P-256 EC key")]
    [InlineData("cloak_signing_key=chip.pub", 65, "--provision cloak_signing_key", "holds a public key", "needs a private key")]
    public async Task A_bad_provision_names_the_symbol_and_the_problem(string provision, int code, params string[] fragments)
    {
        var result = await Seal(_programs.Owner, provision);

        CliAssert.ExitCode(code, result);
        CliAssert.OneErrorLine(result, fragments);
    }

    [Fact]
    public async Task A_zero_array_in_bss_is_not_initialised_data()
    {
        var result = await Seal(_programs.File("bss.elf"), "bss_key=key32");

        CliAssert.ExitCode(65, result);
        CliAssert.OneErrorLine(result, "cannot provision 'bss_key'", "not initialised data", "CLOAK_PROVISIONED");
    }

    [Fact]
    public async Task A_symbol_given_twice_is_a_usage_error()
    {
        var result = await Seal(_programs.Owner, "cloak_common_key=key32", "cloak_common_key=key32");

        CliAssert.ExitCode(2, result);
        CliAssert.OneErrorLine(result, "--provision cloak_common_key: given twice");
    }
}
