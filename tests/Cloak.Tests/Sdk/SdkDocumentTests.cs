using System.Text;
using System.Text.RegularExpressions;
using Cloak.Tests.Support;

namespace Cloak.Tests.Sdk;

/// <summary>
/// docs/sdk.md is followed literally, as a new user would: from an empty folder outside the
/// repository, every file it says to save is saved, every command it shows is run (the real
/// <c>cloak</c>, through a launcher on PATH like the repository's) and its output must be what the
/// page shows; every C example compiles. With CLOAK_UPDATE_DOCS=1 the page's outputs are rewritten
/// from this run instead (then read the diff).
/// </summary>
public sealed partial class SdkDocumentTests
{
    private static readonly string DocumentPath = Repository.PathOf("docs/sdk.md");
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Chip fingerprints (16 hex digits) change with every keygen; everything else must match exactly.</summary>
    [GeneratedRegex(@"\b[0-9a-f]{16}\b")]
    private static partial Regex Fingerprint();

    private static bool Updating => Environment.GetEnvironmentVariable("CLOAK_UPDATE_DOCS") == "1";

    [Fact]
    public async Task Every_command_in_docs_sdk_md_run_from_an_empty_folder_prints_what_the_page_shows()
    {
        var document = SdkDocument.Load(DocumentPath);
        using var folder = new TempDirectory();
        using var tools = new TempDirectory();
        var environment = UserShell(tools);
        var actual = new Dictionary<SdkDocument.Block, IReadOnlyList<SdkDocument.Step>>();
        var mismatches = new StringBuilder();

        foreach (var block in document.Blocks)
        {
            if (block.Kind == "write")
            {
                File.WriteAllText(folder.File(block.Argument), block.Text);
            }
            else if (block.Kind == "transcript")
            {
                var steps = new List<SdkDocument.Step>();
                foreach (var step in SdkDocument.Steps(block))
                {
                    var result = await ExternalProcess.RunAsync("bash", ["-c", $"{{ {step.Command}\n}} 2>&1"], CommandTimeout, folder.Path, environment);
                    string[] output = result.StdoutText.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n') is { Length: > 0 } text ? text.Split('\n') : [];
                    steps.Add(step with { Output = output });
                    if (!Normalized(output).SequenceEqual(Normalized(step.Output)))
                        mismatches.Append($"docs/sdk.md:{block.FirstLine + 1}: $ {step.Command}\n  shown:\n    {string.Join("\n    ", step.Output)}\n  printed:\n    {string.Join("\n    ", output)}\n");
                }
                actual[block] = steps;
            }
        }

        if (Updating)
        {
            File.WriteAllText(DocumentPath, document.Rewrite(actual));
            return;
        }
        Assert.True(mismatches.Length == 0, "docs/sdk.md shows output a real run does not print (CLOAK_UPDATE_DOCS=1 rewrites it):\n" + mismatches);
    }

    [Fact]
    public void The_example_programs_the_page_shows_are_the_ones_in_examples_sdk_share()
    {
        var written = SdkDocument.Load(DocumentPath).Blocks.Where(b => b.Kind == "write").ToDictionary(b => b.Argument, StringComparer.Ordinal);
        foreach (string name in new[] { "owner.c", "client.c" })
        {
            Assert.True(written.ContainsKey(name), $"docs/sdk.md does not show {name}");
            Assert.Equal(File.ReadAllText(Repository.PathOf($"examples/sdk-share/{name}")), written[name].Text);
        }
    }

    [Theory]
    [InlineData("user")]
    public async Task Every_api_example_on_the_page_compiles_without_warnings(string kind)
    {
        var examples = SdkDocument.Load(DocumentPath).Blocks.Where(b => b.Kind == "compile" && b.Argument == kind).ToList();
        Assert.True(examples.Count >= 4, $"expected the API reference's examples, found {examples.Count} blocks");
        using var folder = new TempDirectory();
        var source = new StringBuilder("#include <stdint.h>\n#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n" +
            "#include <cloak/cloak.h>\n#include <cloak/trp.h>\n#include <cloak/share.h>\n");
        foreach (var example in examples) source.Append($"#line {example.FirstLine + 1} \"docs/sdk.md\"\n").Append(example.Text);
        File.WriteAllText(folder.File("api.c"), source.ToString());

        var result = await CliRunner.RunInAsync(folder.Path, "cc", "-c", "api.c", "-o", "api.o", "--", "-Wall", "-Wextra", "-Werror");

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.True(File.Exists(folder.File("api.o")));
    }

    /// <summary>long cloak_write(...); static inline long cloak_trp_mode(void) ...; int cloak_member_init(...);</summary>
    [GeneratedRegex(@"^(?:static\s+inline\s+)?(?:_Noreturn\s+)?(?:const\s+)?[a-z_0-9]+\s*\**\s*(?<name>cloak_[a-z_0-9]+)\s*\(", RegexOptions.Multiline)]
    private static partial Regex Declaration();

    [Theory]
    [InlineData("cloak.h")]
    [InlineData("trp.h")]
    [InlineData("share.h")]
    public void Every_function_a_guest_header_declares_has_an_example_in_the_api_reference(string header)
    {
        string examples = string.Concat(SdkDocument.Load(DocumentPath).Blocks.Where(b => b.Kind == "compile").Select(b => b.Text));
        var declared = Declaration().Matches(File.ReadAllText(Repository.PathOf($"guest/include/cloak/{header}")))
            .Select(m => m.Groups["name"].Value).Distinct().ToList();

        Assert.True(declared.Count >= 5, $"found only {declared.Count} declarations in {header}");
        var missing = declared.Where(name => !Regex.IsMatch(examples, $@"\b{name}\s*\(")).ToList();
        Assert.True(missing.Count == 0, $"docs/sdk.md's API reference has no example calling {string.Join(", ", missing)} ({header})");
    }

    /// <summary>The user's shell: a <c>cloak</c> on PATH that runs this build's CLI, and CLOAK naming the checkout.</summary>
    private static Dictionary<string, string?> UserShell(TempDirectory tools)
    {
        string launcher = tools.File("cloak");
        File.WriteAllText(launcher, $"#!/bin/sh\nexec '{CliRunner.Host}' '{CliRunner.CliDll}' \"$@\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["PATH"] = tools.Path + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
            ["CLOAK"] = Repository.Root,
            ["CLOAK_GUEST_DIR"] = null,
            ["MAKEFLAGS"] = null,
            ["MAKELEVEL"] = null,
            ["MFLAGS"] = null,
        };
    }

    private static IEnumerable<string> Normalized(IEnumerable<string> lines) => lines.Select(l => Fingerprint().Replace(l, "<fingerprint>"));
}
