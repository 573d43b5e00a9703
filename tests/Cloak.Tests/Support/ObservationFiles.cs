using System.Text;
using System.Text.Json;
using Json.Schema;

namespace Cloak.Tests.Support;

/// <summary>
/// The instruments' files as tests read them: the JSON Schemas of docs/schemas (loaded once), schema
/// checks with readable failures, and the event file split into its header and events, every line
/// checked to be one complete JSON object with no key written twice.
/// </summary>
internal static class ObservationFiles
{
    private static readonly Lazy<JsonSchema> LazyStats = new(() => Load("stats.schema.json"));
    private static readonly Lazy<JsonSchema> LazyEvents = new(() => Load("events.schema.json"));

    /// <summary>docs/schemas/stats.schema.json (cloak.stats/1).</summary>
    public static JsonSchema StatsSchema => LazyStats.Value;

    /// <summary>docs/schemas/events.schema.json (one line of cloak.events/1).</summary>
    public static JsonSchema EventsSchema => LazyEvents.Value;

    private static JsonSchema Load(string name) => JsonSchema.FromText(File.ReadAllText(Repository.PathOf($"docs/schemas/{name}")));

    /// <summary>The errors of <paramref name="instance"/> against <paramref name="schema"/> (empty if it is valid).</summary>
    public static IReadOnlyList<string> Errors(JsonSchema schema, JsonElement instance)
    {
        var result = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return [];
        var errors = new List<string>();
        foreach (var node in (IEnumerable<EvaluationResults>?)result.Details ?? [])
            foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
                errors.Add($"{node.InstanceLocation} ({node.EvaluationPath}) {keyword}: {message}");
        return errors.Count > 0 ? errors : ["invalid (no detail)"];
    }

    public static void AssertValid(JsonSchema schema, JsonElement instance, string what)
    {
        var errors = Errors(schema, instance);
        Assert.True(errors.Count == 0, $"{what} does not match its schema:\n{string.Join('\n', errors.Take(15))}\n{Shorten(instance.GetRawText())}");
    }

    private static string Shorten(string text) => text.Length <= 2000 ? text : text[..2000] + "...";

    /// <summary>Reads a stats file (it must parse as one JSON document).</summary>
    public static JsonElement ReadStats(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.Clone();
    }

    /// <summary>
    /// An event file: the header line and the events. Fails the test unless the file ends with a
    /// newline and every line is one JSON object without a repeated key.
    /// </summary>
    public static (JsonElement Header, IReadOnlyList<JsonElement> Events) ReadEvents(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 0 && bytes[^1] == (byte)'\n', $"{path} does not end with a complete line");
        var lines = Encoding.UTF8.GetString(bytes).Split('\n')[..^1];
        Assert.NotEmpty(lines);
        var parsed = new List<JsonElement>(lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            JsonElement element;
            try
            {
                using var document = JsonDocument.Parse(lines[i]);
                element = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                Assert.Fail($"{path}:{i + 1} is not JSON ({e.Message}): {lines[i]}");
                throw;
            }
            Assert.True(element.ValueKind == JsonValueKind.Object, $"{path}:{i + 1} is not an object: {lines[i]}");
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
                Assert.True(keys.Add(property.Name), $"{path}:{i + 1} has the key \"{property.Name}\" twice: {lines[i]}");
            parsed.Add(element);
        }
        return (parsed[0], parsed.Skip(1).ToList());
    }

    public static string Text(this JsonElement e, string property) => e.GetProperty(property).GetString()!;

    public static ulong Count(this JsonElement e, string property) => e.GetProperty(property).GetUInt64();

    public static bool Is(this JsonElement e, string category, string kind) => e.Text("cat") == category && e.Text("kind") == kind;
}
