using Cloak.Platform;

namespace Cloak.Chip.Security;

/// <summary>
/// On-chip records of protected contexts: for each context id, the version of its latest sealed
/// context, the address space it is bound to and its program identity. Threat: the OS keeps sealed
/// contexts in its own memory and could hand back an old one (replay), another process's (swap), or
/// an altered one; the version and binding checked here, and the sealing's authentication, refuse all
/// three (SPEC R4).
/// </summary>
internal sealed class ContextRegistry(int capacity)
{
    internal sealed class Entry(ulong satp, byte[] programIdentity, bool debuggable)
    {
        public ulong Satp { get; } = satp;
        public byte[] ProgramIdentity { get; } = programIdentity;
        /// <summary>The image was sealed debuggable (<c>SealedImageFlags.Debuggable</c>): attestation reports say so.</summary>
        public bool Debuggable { get; } = debuggable;
        public ulong Version { get; set; }
        /// <summary>Authenticated mode: the regions its EAR entries name (one per entry), whose integrity roots it holds.</summary>
        public List<IntegrityRegion> Regions { get; } = [];
    }

    private readonly Dictionary<uint, Entry> _entries = [];
    private uint _next = 1;

    public int Count => _entries.Count;

    public uint? Allocate(ulong satp, byte[] programIdentity, bool debuggable)
    {
        if (_entries.Count >= capacity) return null;
        while (_entries.ContainsKey(_next) || _next == 0) _next++;
        uint id = _next++;
        _entries[id] = new Entry(satp, programIdentity, debuggable);
        return id;
    }

    public Entry? Find(uint id) => _entries.GetValueOrDefault(id);

    public void Release(uint id) => _entries.Remove(id);
}
