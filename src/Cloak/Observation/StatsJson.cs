using System.Text.Json;
using Cloak.Chip;

namespace Cloak.Observation;

/// <summary>
/// Writes <see cref="RunStatistics"/> as JSON, schema <c>cloak.stats/1</c> (docs/stats.md). Field
/// names are snake_case; counts are integers; addresses are "0x..." strings. A change that removes or
/// renames a field bumps the schema's number; adding fields does not.
/// </summary>
public static class StatsJson
{
    public static void Write(RunStatistics s, Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("schema", RunStatistics.Schema);
        w.WriteString("mode", s.Mode);
        w.WritePropertyName("configuration");
        WriteValue(w, s.Configuration);

        w.WriteStartObject("outcome");
        if (s.Conclusion is { } c)
        {
            w.WriteString("end", c.End);
            w.WriteNumber("exit_code", c.ExitCode);
            if (c.Message is not null) w.WriteString("message", c.Message);
            w.WriteBoolean("interrupted", c.Interrupted);
            w.WriteNumber("host_seconds", Math.Round(c.HostTime.TotalSeconds, 6));
            if (c.Verdict is not null) w.WriteString("verdict", c.Verdict);
            if (c.Explanation is not null) w.WriteString("explanation", c.Explanation);
        }
        w.WriteEndObject();

        w.WriteStartObject("totals");
        w.WriteNumber("instructions", s.Instructions);
        if (s.Mips is { } mips) w.WriteNumber("mips", Math.Round(mips, 3));
        else w.WriteNull("mips");
        WriteCycles(w, s.CycleBreakdown);
        WriteChip(w, s.Chip);
        w.WriteNumber("context_switches", s.ContextSwitches);
        w.WriteNumber("syscalls", s.Syscalls);
        w.WriteNumber("page_faults", s.PageFaults);
        w.WriteNumber("swap_outs", s.SwapOuts);
        w.WriteNumber("swap_ins", s.SwapIns);
        w.WriteNumber("timer_interrupts", s.TimerInterrupts);
        w.WriteNumber("traps_taken", s.TrapsTaken);
        w.WriteNumber("page_walks", s.PageWalks);
        w.WriteNumber("decoded_pages", s.DecodedPages);
        w.WriteNumber("adversary_actions", s.AdversaryActions);
        w.WriteEndObject();

        w.WriteStartArray("processes");
        foreach (var p in s.Processes.Values)
        {
            w.WriteStartObject();
            w.WriteNumber("pid", p.Pid);
            w.WriteString("name", p.Name);
            w.WriteBoolean("sealed", p.Sealed);
            w.WriteBoolean("debuggable", p.Debuggable);
            w.WriteBoolean("protected", p.Protected);
            if (p.ExitCode is { } code) w.WriteNumber("exit_code", code);
            else w.WriteNull("exit_code");
            if (p.KillReason is null) w.WriteNull("kill_reason");
            else w.WriteString("kill_reason", p.KillReason);
            w.WriteNumber("instructions", p.Chip.Instructions);
            WriteCycles(w, CycleBreakdown.From(p.Cycles, p.Chip));
            WriteChip(w, p.Chip);
            w.WriteStartObject("ear");
            w.WriteNumber("lookups", p.Chip.EarLookups);
            w.WriteNumber("added", p.EarAdded);
            w.WriteNumber("removed", p.EarRemoved);
            w.WriteEndObject();
            w.WriteStartObject("trp");
            foreach (var (op, outcomes) in p.Trp)
            {
                w.WriteStartObject(op);
                foreach (var (outcome, count) in outcomes) w.WriteNumber(outcome, count);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteNumber("context_switches", p.ContextSwitches);
            w.WriteNumber("syscalls", p.Syscalls);
            w.WriteNumber("page_faults", p.PageFaults);
            w.WriteNumber("swap_outs", p.SwapOuts);
            w.WriteNumber("swap_ins", p.SwapIns);
            w.WriteNumber("integrity_faults", p.IntegrityFaults);
            w.WriteNumber("messages_sent", p.MessagesSent);
            w.WriteNumber("bytes_sent", p.BytesSent);
            w.WriteNumber("notes", p.Notes);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("regions");
        foreach (var r in s.Regions.Values)
        {
            w.WriteStartObject();
            w.WriteNumber("region_id", r.RegionId);
            w.WriteNumber("instance", r.Instance);
            if (r.Kind is { } kind) w.WriteString("kind", Names.Kebab(kind.ToString()));
            else w.WriteNull("kind");
            w.WriteNumber("key_context", r.KeyContext);
            w.WriteString("start", $"0x{r.Start:x}");
            w.WriteNumber("length", r.Length);
            w.WriteStartArray("processes");
            foreach (int pid in r.Processes) w.WriteNumberValue(pid);
            w.WriteEndArray();
            var t = r.Traffic;
            w.WriteNumber("lines_decrypted", t?.LinesDecrypted ?? 0);
            w.WriteNumber("bytes_decrypted", (t?.LinesDecrypted ?? 0) * 64);
            w.WriteNumber("lines_encrypted", t?.LinesEncrypted ?? 0);
            w.WriteNumber("bytes_encrypted", (t?.LinesEncrypted ?? 0) * 64);
            w.WriteNumber("fresh_lines", t?.FreshLines ?? 0);
            w.WriteNumber("mac_checks", t?.MacChecks ?? 0);
            w.WriteNumber("mac_writes", t?.MacWrites ?? 0);
            w.WriteNumber("mac_failures", t?.MacFailures ?? 0);
            w.WriteNumber("tree_nodes", t?.TreeNodes ?? 0);
            var cycles = r.Cost;
            w.WriteStartObject("protection_cycles");
            w.WriteNumber("total", cycles.Total);
            w.WriteNumber("memory", cycles.Memory);
            w.WriteNumber("decrypt", cycles.Decrypt);
            w.WriteNumber("encrypt", cycles.Encrypt);
            w.WriteNumber("mac", cycles.Mac);
            w.WriteNumber("tree", cycles.Tree);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteCycles(Utf8JsonWriter w, CycleBreakdown c)
    {
        w.WriteStartObject("cycles");
        w.WriteNumber("total", c.Total);
        w.WriteNumber("core", c.Core);
        w.WriteNumber("cache", c.Cache);
        w.WriteNumber("decrypt", c.Decrypt);
        w.WriteNumber("encrypt", c.Encrypt);
        w.WriteNumber("mac", c.Mac);
        w.WriteNumber("tree", c.Tree);
        w.WriteNumber("context", c.Context);
        w.WriteNumber("other", c.Other);
        w.WriteEndObject();
    }

    private static void WriteChip(Utf8JsonWriter w, in ChipCounters c)
    {
        w.WriteStartObject("cache");
        w.WriteNumber("data_hits", c.DataCacheHits);
        w.WriteNumber("data_misses", c.DataCacheMisses);
        w.WriteNumber("data_write_backs", c.DataCacheWriteBacks);
        w.WriteNumber("instruction_misses", c.InstructionCacheMisses);
        w.WriteNumber("l2_hits", c.L2Hits);
        w.WriteNumber("l2_misses", c.L2Misses);
        w.WriteNumber("counter_cache_hits", c.CounterCacheHits);
        w.WriteNumber("counter_cache_misses", c.CounterCacheMisses);
        w.WriteEndObject();
        w.WriteStartObject("crypto");
        w.WriteNumber("lines_decrypted", c.LinesDecrypted);
        w.WriteNumber("bytes_decrypted", c.LinesDecrypted * 64);
        w.WriteNumber("lines_encrypted", c.LinesEncrypted);
        w.WriteNumber("bytes_encrypted", c.LinesEncrypted * 64);
        w.WriteNumber("fresh_lines", c.FreshLines);
        w.WriteNumber("mac_checks", c.MacChecks);
        w.WriteNumber("mac_writes", c.MacWrites);
        w.WriteNumber("mac_failures", c.MacFailures);
        w.WriteNumber("tree_nodes", c.TreeNodes);
        w.WriteNumber("context_seals", c.ContextSeals);
        w.WriteNumber("context_unseals", c.ContextUnseals);
        w.WriteNumber("integrity_faults", c.IntegrityFaults);
        w.WriteNumber("trp_instructions", c.TrpInstructions);
        w.WriteNumber("ear_lookups", c.EarLookups);
        w.WriteNumber("bus_lines_read", c.BusLinesRead);
        w.WriteNumber("bus_lines_written", c.BusLinesWritten);
        w.WriteEndObject();
    }

    /// <summary>Writes a configuration value: dictionaries as objects, sequences as arrays, numbers, booleans, strings.</summary>
    internal static void WriteValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case bool b: w.WriteBooleanValue(b); break;
            case string text: w.WriteStringValue(text); break;
            case int i: w.WriteNumberValue(i); break;
            case long l: w.WriteNumberValue(l); break;
            case ulong u: w.WriteNumberValue(u); break;
            case uint u: w.WriteNumberValue(u); break;
            case double d: w.WriteNumberValue(d); break;
            case Enum e: w.WriteStringValue(Names.Kebab(e.ToString())); break;
            case IReadOnlyDictionary<string, object?> map:
                w.WriteStartObject();
                foreach (var (key, item) in map)
                {
                    w.WritePropertyName(key);
                    WriteValue(w, item);
                }
                w.WriteEndObject();
                break;
            case System.Collections.IEnumerable items:
                w.WriteStartArray();
                foreach (object? item in items) WriteValue(w, item);
                w.WriteEndArray();
                break;
            default: w.WriteStringValue(value.ToString()); break;
        }
    }
}
