using Cloak.Tests.Support;

namespace Cloak.Tests.Cli;

/// <summary>
/// Following the docs inside the checkout leaves nothing for git to pick up (issue 10, item 8): the
/// files their examples create are ignored, and the sources they start from are not.
/// </summary>
public sealed class GitignoreTests
{
    [Theory]
    [InlineData("chip.key")]
    [InlineData("chip.pub")]
    [InlineData("other/chip2.key")]
    [InlineData("hello.sealed")]
    [InlineData("canary.sealed")]
    [InlineData("common.key")]
    [InlineData("owner-signing.key")]
    [InlineData("owner-signing.pub")]
    [InlineData("owner.pem")]
    [InlineData("trace.log")]
    [InlineData("hello.trace")]
    [InlineData("chaos-failures.txt")]
    [InlineData("out/1-producer.out")]
    [InlineData("examples/sdk-share/owner.elf")]
    [InlineData("examples/sdk-share/owner.o")]
    [InlineData("examples/sdk-share/owner.sealed")]
    [InlineData("artifacts/cli/Cloak.Cli.dll")]
    [InlineData("artifacts/cli.plain")]
    public async Task A_file_the_docs_examples_create_is_ignored(string path)
    {
        var result = await ExternalProcess.RunAsync("git", ["check-ignore", "--no-index", "-q", path], CliRunner.DefaultTimeout);

        Assert.True(result.ExitCode == 0, $"git does not ignore {path}: {result.Describe()}");
    }

    [Theory]
    [InlineData("examples/sdk-share/owner.c")]
    [InlineData("examples/sdk-share/client.c")]
    [InlineData("guest/sdk.mk")]
    [InlineData("docs/sdk.md")]
    public async Task A_source_the_docs_start_from_is_not_ignored(string path)
    {
        var result = await ExternalProcess.RunAsync("git", ["check-ignore", "--no-index", "-q", path], CliRunner.DefaultTimeout);

        Assert.True(result.ExitCode == 1, $"git ignores {path}: {result.Describe()}");
    }
}
