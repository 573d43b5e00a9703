using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cloak.Tests.Support;

namespace Cloak.Tests.Observation;

/// <summary>
/// docs/stats.md and docs/events.md against the schemas and the example files of real runs
/// (docs/examples, made by docs/examples/make-examples.sh): every field the schemas know is documented,
/// every example file matches its schema, and every JSON shown in the docs is part of an example file,
/// so the docs cannot show output the program does not write.
/// </summary>
public sealed partial class ObservationDocsTests
{
    private static string Doc(string name) => File.ReadAllText(Repository.PathOf($"docs/{name}"));

    private static IEnumerable<string> Examples(string pattern) =>
        Directory.GetFiles(Repository.PathOf("docs/examples"), pattern).Order(StringComparer.Ordinal);

    /// <summary>Every property name a schema defines, anywhere in it.</summary>
    private static SortedSet<string> PropertyNames(string schema)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, value) in o)
                    {
                        if (key == "properties" && value is JsonObject properties)
                            foreach (var (name, _) in properties) names.Add(name);
                        Walk(value);
                    }
                    break;
                case JsonArray a:
                    foreach (var item in a) Walk(item);
                    break;
            }
        }
        Walk(JsonNode.Parse(File.ReadAllText(Repository.PathOf($"docs/schemas/{schema}"))));
        return names;
    }

    [Theory]
    [InlineData("stats.schema.json", "stats.md")]
    [InlineData("events.schema.json", "events.md")]
    public void Every_field_of_the_schema_is_documented(string schema, string doc)
    {
        string text = Doc(doc);
        var names = PropertyNames(schema);

        Assert.True(names.Count > 20, $"only {names.Count} fields found in {schema}");
        var missing = names.Where(n => !text.Contains($"`{n}`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"docs/{doc} does not mention: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_example_file_matches_its_schema()
    {
        var stats = Examples("*.stats.json").ToList();
        var events = Examples("*.jsonl").ToList();
        var timelines = Examples("*.timeline.json").ToList();

        Assert.NotEmpty(stats);
        Assert.NotEmpty(events);
        Assert.NotEmpty(timelines);
        foreach (string file in stats)
            ObservationFiles.AssertValid(ObservationFiles.StatsSchema, ObservationFiles.ReadStats(file), file);
        foreach (string file in events)
        {
            var (header, lines) = ObservationFiles.ReadEvents(file);
            ObservationFiles.AssertValid(ObservationFiles.EventsSchema, header, file);
            foreach (var e in lines) ObservationFiles.AssertValid(ObservationFiles.EventsSchema, e, file);
        }
        foreach (string file in timelines)
        {
            var root = ObservationFiles.ReadStats(file);
            Assert.Equal("cloak.timeline/1", root.GetProperty("otherData").Text("schema"));
            Assert.NotEmpty(root.GetProperty("traceEvents").EnumerateArray());
        }
    }

    [GeneratedRegex(@"```json\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();

    [GeneratedRegex(@"```jsonl\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonLinesBlock();

    [Fact]
    public void Every_JSON_block_of_the_stats_doc_is_part_of_an_example_file()
    {
        var examples = Examples("*.stats.json").Select(f => JsonNode.Parse(File.ReadAllText(f))!).ToList();
        var blocks = JsonBlock().Matches(Doc("stats.md")).Select(m => JsonNode.Parse(m.Groups[1].Value)!).ToList();

        Assert.NotEmpty(blocks);
        foreach (var block in blocks)
            Assert.True(examples.Any(e => Contains(e, block)), $"this block of docs/stats.md is in no example file:\n{block.ToJsonString()}");
    }

    [Fact]
    public void Every_event_line_of_the_events_doc_is_a_line_of_an_example_file()
    {
        var lines = Examples("*.jsonl").SelectMany(File.ReadLines).ToHashSet(StringComparer.Ordinal);
        var shown = JsonLinesBlock().Matches(Doc("events.md")).SelectMany(m => m.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToList();

        Assert.True(shown.Count > 10);
        Assert.All(shown, line => Assert.True(lines.Contains(line), $"docs/events.md shows a line no example file has:\n{line}"));
    }

    /// <summary>True if <paramref name="part"/> equals <paramref name="whole"/> or one of its nodes.</summary>
    private static bool Contains(JsonNode whole, JsonNode part)
    {
        if (JsonNode.DeepEquals(whole, part)) return true;
        return whole switch
        {
            JsonObject o => o.Any(p => p.Value is not null && Contains(p.Value, part)),
            JsonArray a => a.Any(item => item is not null && Contains(item, part)),
            _ => false,
        };
    }

    [Fact]
    public void The_example_script_makes_every_example_file()
    {
        string script = File.ReadAllText(Repository.PathOf("docs/examples/make-examples.sh"));
        var files = Directory.GetFiles(Repository.PathOf("docs/examples")).Select(Path.GetFileName).Where(n => n != "make-examples.sh").ToList();

        Assert.NotEmpty(files);
        Assert.All(files, name => Assert.Contains($"$out/{name}", script, StringComparison.Ordinal));
    }
}
