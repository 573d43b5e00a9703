namespace Cloak.Observation;

/// <summary>What an event is about; <c>--events-filter</c> selects by these (docs/events.md).</summary>
public enum EventCategory
{
    /// <summary>A process started or ended.</summary>
    Process,
    /// <summary>Scheduling: context switches and run slices.</summary>
    Sched,
    Syscall,
    /// <summary>Page faults.</summary>
    Fault,
    Swap,
    /// <summary>Channel messages (length and endpoints, never content).</summary>
    Channel,
    /// <summary>Steps the guest announced (libcloak's sharing functions name each patent-claim step).</summary>
    Protocol,
    /// <summary>What an adversary did.</summary>
    Adversary,
    /// <summary>EAR entries appearing and going.</summary>
    Ear,
    /// <summary>TRP instructions and their statuses.</summary>
    Trp,
    /// <summary>Protected contexts sealed, resumed, refused, released.</summary>
    Context,
    /// <summary>Integrity faults (authenticated mode).</summary>
    Integrity,
    /// <summary>Protected lines crossing the bus (address, direction, key context; never bytes).</summary>
    Bus,
}

/// <summary>
/// One thing that happened in a run, at a simulated time. <see cref="Pid"/> is the process it concerns
/// (0: the OS or the machine). The fields are metadata only: addresses, ids, lengths, statuses; never
/// key bytes, never the plaintext of protected memory, never the content of a channel message
/// (SPEC 2.3; docs/threat-model.md, "What the instruments show").
/// </summary>
public sealed record RunEvent(ulong Cycle, ulong Nanoseconds, EventCategory Category, string Kind, int Pid, string? Process,
    IReadOnlyList<KeyValuePair<string, object?>> Fields)
{
    /// <summary>The value of field <paramref name="key"/>, or null.</summary>
    public object? this[string key] => Fields.FirstOrDefault(f => f.Key == key).Value;

    /// <summary>The category's name in files and filters: "process", "sched", ...</summary>
    public static string Name(EventCategory category) => category.ToString().ToLowerInvariant();

    /// <summary>Parses a comma-separated filter ("bus,ear,trp"); "all" means every category.</summary>
    public static IReadOnlySet<EventCategory> ParseFilter(string text)
    {
        var set = new HashSet<EventCategory>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.Equals("all", StringComparison.OrdinalIgnoreCase))
            {
                set.UnionWith(Enum.GetValues<EventCategory>());
                continue;
            }
            if (!Enum.TryParse<EventCategory>(part, ignoreCase: true, out var category) || int.TryParse(part, out _))
                throw new FormatException($"'{part}' is not an event category; choose from {string.Join(", ", Enum.GetValues<EventCategory>().Select(Name))} or all");
            set.Add(category);
        }
        if (set.Count == 0) throw new FormatException("the filter names no category");
        return set;
    }
}

/// <summary>Something that takes a run's events as they happen (an event file, a timeline, a report).</summary>
public interface IRunEventSink
{
    /// <summary>The categories this sink wants (the recorder builds no event nobody wants).</summary>
    IReadOnlySet<EventCategory> Categories { get; }

    void Write(RunEvent e);

    /// <summary>The run is over: write what is pending and close.</summary>
    void Complete(RunStatistics statistics);
}
