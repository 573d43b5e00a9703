using Cloak.Kernel.Memory;

namespace Cloak.Kernel.Ipc;

/// <summary>
/// A shared-memory segment known by id. Any process may map it (the kernel picks the address, so two
/// processes generally see it at different virtual addresses). Semantics on creator exit and destroy:
/// the segment stays usable by its mappers and disappears when it has been destroyed (explicitly, or
/// implicitly when its creator exits) and its last mapping is gone. See docs/abi.md.
/// </summary>
internal sealed class SharedSegment(int id, int creatorPid, ulong size, MemoryObject memory)
{
    public int Id { get; } = id;
    public int CreatorPid { get; } = creatorPid;
    public ulong Size { get; } = size;
    public MemoryObject Memory { get; } = memory;
    public bool Destroyed { get; set; }
    public int Mappings { get; set; }
}
