using Cloak.Chip.Cpu;
using Cloak.Chip.Security;
using Tomlyn;
using Cloak.Chip.Timing;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Cloak.Experiments;

/// <summary>A run file Cloak refuses: the message names the file, the line and the key.</summary>
public sealed class RunFileException(string message) : Exception(message);

/// <summary>
/// Reads a run file (<c>cloak run experiment.toml</c>, docs/run-files.md): an experiment in TOML,
/// version 1, with tables <c>[chip]</c>, <c>[os]</c>, <c>[observe]</c> and arrays of tables
/// <c>[[process]]</c> and <c>[[attack]]</c>. Every key is checked; an unknown key, a wrong type or a
/// bad value is an error naming its line, table and key (typos must not silently fall back to a
/// default). Relative paths are relative to the run file's folder.
/// </summary>
public static class RunFile
{
    public const int Version = 1;

    /// <summary>The most a run file may hold (it is read whole): 1 MiB.</summary>
    public const long MaxBytes = 1 << 20;

    public static ExperimentSpec Load(string path)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (info.Length > MaxBytes) throw new RunFileException($"{path}: {info.Length} bytes; a run file may have at most {MaxBytes}");
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunFileException($"{path}: cannot read it: {e.Message}");
        }
        return Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
    }

    /// <summary>Parses run-file text; <paramref name="baseDirectory"/> anchors relative paths.</summary>
    public static ExperimentSpec Parse(string text, string fileName, string baseDirectory)
    {
        DocumentSyntax document;
        try
        {
            document = SyntaxParser.Parse(text, fileName, false);
        }
        // Tomlyn reports most errors as diagnostics, but throws for some (found by fuzzing,
        // docs/reliability.md): values nested deeper than its limit (TomlException), and a string
        // whose escape is cut off by the end of the file (its lexer turns end-of-file into a
        // character: ArgumentOutOfRangeException).
        catch (TomlException e)
        {
            throw new RunFileException($"{fileName}: not valid TOML: {e.Message.Split('.')[0]}");
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new RunFileException($"{fileName}: not valid TOML: a broken escape sequence (such as a '\\' at the very end of the file)");
        }
        if (document.HasErrors)
        {
            var first = document.Diagnostics.First(d => d.Kind == DiagnosticMessageKind.Error);
            throw new RunFileException($"{fileName}:{first.Span.Start.Line + 1}: not valid TOML: {first.Message}");
        }
        var reader = new Reader(fileName, baseDirectory);
        var spec = new ExperimentSpec();
        foreach (var kv in document.KeyValues)
        {
            var (key, line) = reader.Key(kv);
            if (key != "version") throw reader.Error(line, "", key, "unknown top-level key (tables are [chip], [os], [observe], [[process]], [[attack]])");
            long version = reader.Integer(kv, "");
            if (version != Version) throw reader.Error(line, "", key, $"version {version} is not supported (this Cloak reads version {Version})");
        }
        var processes = new List<ProcessSpec>();
        var attacks = new List<AttackSpec>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in document.Tables)
        {
            string name = table.Name?.ToString().Trim() ?? "";
            int line = table.Span.Start.Line + 1;
            bool array = table is TableArraySyntax;
            switch (name, array)
            {
                case ("chip", false) when seen.Add(name): spec = reader.Chip(table, spec); break;
                case ("os", false) when seen.Add(name): spec = reader.Os(table, spec); break;
                case ("observe", false) when seen.Add(name): spec = reader.Observe(table, spec); break;
                case ("process", true): processes.Add(reader.Process(table)); break;
                case ("attack", true): attacks.Add(reader.Attack(table)); break;
                case ("chip" or "os" or "observe", false): throw new RunFileException($"{fileName}:{line}: [{name}] appears twice");
                case ("process" or "attack", false): throw new RunFileException($"{fileName}:{line}: write [[{name}]] (an array of tables: one per {name})");
                default: throw new RunFileException($"{fileName}:{line}: unknown table [{name}] (tables are [chip], [os], [observe], [[process]], [[attack]])");
            }
        }
        if (processes.Count == 0) throw new RunFileException($"{fileName}: no [[process]]: an experiment runs at least one program");
        return spec with { Processes = processes, Attacks = attacks };
    }

    private sealed class Reader(string file, string baseDirectory)
    {
        public RunFileException Error(int line, string table, string key, string what) =>
            new($"{file}:{line}: {(table.Length > 0 ? $"[{table}] " : "")}{key}: {what}");

        public (string Key, int Line) Key(KeyValueSyntax kv) => (kv.Key?.ToString().Trim() ?? "", kv.Span.Start.Line + 1);

        private IEnumerable<(string Key, int Line, KeyValueSyntax Kv)> Items(TableSyntaxBase table, string name, params string[] known)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var kv in table.Items)
            {
                var (key, line) = Key(kv);
                if (!known.Contains(key)) throw Error(line, name, key, $"unknown key (known: {string.Join(", ", known)})");
                if (!seen.Add(key)) throw Error(line, name, key, "given twice");
                yield return (key, line, kv);
            }
        }

        public string String(KeyValueSyntax kv, string table) => kv.Value is StringValueSyntax s && s.Value is { } v
            ? v : throw Error(kv.Span.Start.Line + 1, table, Key(kv).Key, $"expected a string, found {Describe(kv.Value)}");

        public long Integer(KeyValueSyntax kv, string table) => kv.Value is IntegerValueSyntax i
            ? i.Value : throw Error(kv.Span.Start.Line + 1, table, Key(kv).Key, $"expected an integer, found {Describe(kv.Value)}");

        public bool Boolean(KeyValueSyntax kv, string table) => kv.Value is BooleanValueSyntax b
            ? b.Value : throw Error(kv.Span.Start.Line + 1, table, Key(kv).Key, $"expected true or false, found {Describe(kv.Value)}");

        /// <summary>A size: a string such as "32K" or "128M", or a plain integer of bytes.</summary>
        public ulong Size(KeyValueSyntax kv, string table)
        {
            if (kv.Value is IntegerValueSyntax { Value: >= 0 } i) return (ulong)i.Value;
            string text = String(kv, table);
            return Quantities.TryParseSize(text, out ulong v) ? v : throw Error(kv.Span.Start.Line + 1, table, Key(kv).Key, $"'{text}' is not a size (e.g. 32K, 128M, 0x1000)");
        }

        public int Int(KeyValueSyntax kv, string table, int min, int max)
        {
            long v = Integer(kv, table);
            return v >= min && v <= max ? (int)v : throw Error(kv.Span.Start.Line + 1, table, Key(kv).Key, $"{v} is out of range ({min}-{max})");
        }

        public string PathValue(KeyValueSyntax kv, string table)
        {
            string p = String(kv, table);
            if (p.Length == 0) throw Error(kv.Span.Start.Line + 1, table, Key(kv).Key, "an empty path");
            return Path.IsPathRooted(p) ? p : Path.GetFullPath(Path.Combine(baseDirectory, p));
        }

        private static string Describe(ValueSyntax? value) => value switch
        {
            null => "nothing",
            StringValueSyntax => "a string",
            IntegerValueSyntax => "an integer",
            BooleanValueSyntax => "a boolean",
            ArraySyntax => "an array",
            InlineTableSyntax => "a table",
            _ => value.GetType().Name.Replace("ValueSyntax", "", StringComparison.Ordinal).ToLowerInvariant(),
        };

        public ExperimentSpec Chip(TableSyntaxBase table, ExperimentSpec spec)
        {
            foreach (var (key, line, kv) in Items(table, "chip", "key", "memory", "dcache", "icache", "cache_ways", "ear_entries", "latency", "tlb_entries", "misaligned", "protection_scheme", "engine"))
            {
                spec = key switch
                {
                    "key" => spec with { ChipKey = PathValue(kv, "chip") },
                    "memory" => String(kv, "chip") switch
                    {
                        "confidentiality" => spec with { Authenticated = false },
                        "authenticated" => spec with { Authenticated = true },
                        var other => throw Error(line, "chip", key, $"'{other}': choose confidentiality or authenticated"),
                    },
                    "protection_scheme" => String(kv, "chip") switch
                    {
                        "xts" => spec with { Scheme = ProtectionScheme.Xts },
                        "ctr" => spec with { Scheme = ProtectionScheme.Ctr },
                        var other => throw Error(line, "chip", key, $"'{other}': choose xts or ctr"),
                    },
                    "engine" => HartOptions.ParseEngine(String(kv, "chip")) is { } engine
                        ? spec with { Engine = engine }
                        : throw Error(line, "chip", key, $"'{String(kv, "chip")}': choose translate or interp"),
                    "dcache" => spec with { DataCacheBytes = Size(kv, "chip") },
                    "icache" => spec with { InstructionCacheBytes = Size(kv, "chip") },
                    "cache_ways" => spec with { CacheWays = Int(kv, "chip", 1, 64) },
                    "ear_entries" => spec with { EarEntries = Int(kv, "chip", 1, 4096) },
                    "tlb_entries" => spec with { TlbEntries = Int(kv, "chip", 1, 1 << 16) },
                    "misaligned" => String(kv, "chip") switch
                    {
                        "allow" => spec with { TrapMisaligned = false },
                        "trap" => spec with { TrapMisaligned = true },
                        var other => throw Error(line, "chip", key, $"'{other}': choose allow or trap"),
                    },
                    _ => spec with { Latency = Latency(kv, line) },
                };
            }
            return spec;
        }

        private CryptoLatency Latency(KeyValueSyntax kv, int line)
        {
            if (kv.Value is InlineTableSyntax inline)
            {
                var latency = new CryptoLatency();
                foreach (var item in inline.Items)
                {
                    var entry = item.KeyValue!;
                    var (key, _) = Key(entry);
                    ulong cycles = (ulong)Math.Max(0, Int(entry, "chip.latency", 0, 1_000_000));
                    latency = key switch
                    {
                        "decrypt" => latency with { DecryptLineCycles = cycles },
                        "encrypt" => latency with { EncryptLineCycles = cycles },
                        "mac" => latency with { MacCycles = cycles },
                        "node" => latency with { TreeNodeCycles = cycles },
                        "context" => latency with { ContextCycles = cycles },
                        _ => throw Error(line, "chip", $"latency.{key}", "unknown key (known: decrypt, encrypt, mac, node, context)"),
                    };
                }
                return latency;
            }
            try
            {
                return CryptoLatency.Parse(String(kv, "chip"));
            }
            catch (FormatException e)
            {
                throw Error(line, "chip", "latency", e.Message);
            }
        }

        public ExperimentSpec Os(TableSyntaxBase table, ExperimentSpec spec)
        {
            foreach (var (key, line, kv) in Items(table, "os", "ram", "swap", "quantum", "seed", "max_instructions"))
            {
                spec = key switch
                {
                    "ram" => spec with { RamBytes = Size(kv, "os") },
                    "swap" => spec with { SwapBytes = Size(kv, "os") },
                    "quantum" => Integer(kv, "os") is > 0 and var q ? spec with { Quantum = (ulong)q } : throw Error(line, "os", key, "must be at least 1"),
                    "seed" => spec with { Seed = Int(kv, "os", int.MinValue, int.MaxValue) },
                    _ => Integer(kv, "os") is >= 0 and var m ? spec with { MaxInstructions = m } : throw Error(line, "os", key, "must not be negative"),
                };
            }
            return spec;
        }

        public ExperimentSpec Observe(TableSyntaxBase table, ExperimentSpec spec)
        {
            foreach (var (key, _, kv) in Items(table, "observe", "secret", "stats", "stats_json", "events", "events_filter", "timeline", "report", "trace", "output_dir"))
            {
                spec = key switch
                {
                    "secret" => spec with { Secret = String(kv, "observe") },
                    "stats" => spec with { Stats = Boolean(kv, "observe") },
                    "stats_json" => spec with { StatsJson = PathValue(kv, "observe") },
                    "events" => spec with { Events = PathValue(kv, "observe") },
                    "events_filter" => spec with { EventsFilter = String(kv, "observe") },
                    "timeline" => spec with { Timeline = PathValue(kv, "observe") },
                    "report" => spec with { Report = PathValue(kv, "observe") },
                    "trace" => spec with { Trace = PathValue(kv, "observe") },
                    _ => spec with { OutputDir = PathValue(kv, "observe") },
                };
            }
            return spec;
        }

        public ProcessSpec Process(TableSyntaxBase table)
        {
            string? program = null, name = null;
            var args = new List<string>();
            int line = table.Span.Start.Line + 1;
            foreach (var (key, itemLine, kv) in Items(table, "process", "file", "args", "name"))
            {
                switch (key)
                {
                    case "file": program = PathValue(kv, "process"); break;
                    case "name": name = String(kv, "process"); break;
                    default:
                        if (kv.Value is not ArraySyntax array) throw Error(itemLine, "process", key, "expected an array of strings, e.g. [\"m1\", \"2\"]");
                        foreach (var item in array.Items)
                            args.Add(item.Value is StringValueSyntax { Value: { } s } ? s : throw Error(itemLine, "process", key, "every argument must be a string"));
                        break;
                }
            }
            return new ProcessSpec(program ?? throw new RunFileException($"{file}:{line}: [[process]] needs file = \"...\""), args, name);
        }

        public AttackSpec Attack(TableSyntaxBase table)
        {
            int line = table.Span.Start.Line + 1;
            string? text = null, kind = null, victim = null, target = null, at = null, capture = null, restore = null, into = null;
            foreach (var (key, _, kv) in Items(table, "attack", "spec", "kind", "victim", "target", "at", "capture", "restore", "into"))
            {
                string value = String(kv, "attack");
                switch (key)
                {
                    case "spec": text = value; break;
                    case "kind": kind = value; break;
                    case "victim": victim = value; break;
                    case "target": target = value; break;
                    case "at": at = value; break;
                    case "capture": capture = value; break;
                    case "restore": restore = value; break;
                    default: into = value; break;
                }
            }
            if (text is not null && kind is not null) throw new RunFileException($"{file}:{line}: [[attack]] give either spec = \"...\" or kind = \"...\" with its keys, not both");
            if (text is null)
            {
                if (kind is null) throw new RunFileException($"{file}:{line}: [[attack]] needs spec = \"tamper:client@shared\" or kind = \"...\"");
                var options = new List<string>();
                if (at is not null) options.Add($"at={at}");
                if (capture is not null) options.Add($"capture={capture}");
                if (restore is not null) options.Add($"restore={restore}");
                if (into is not null) options.Add($"into={into}");
                text = victim is null && target is null && options.Count == 0 ? kind
                    : $"{kind}:{victim}{(target is null ? "" : "@" + target)}{string.Concat(options.Select(o => "," + o))}";
            }
            try
            {
                return AttackSpec.Parse(text);
            }
            catch (FormatException e)
            {
                throw new RunFileException($"{file}:{line}: [[attack]] {e.Message}");
            }
        }
    }
}
