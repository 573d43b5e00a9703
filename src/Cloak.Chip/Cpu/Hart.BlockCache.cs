namespace Cloak.Chip.Cpu;

/// <summary>
/// Translated code shared by content (issue 11, item 1). Blocks belong to decoded pages, and a decoded
/// page belongs to one physical page and, for a protected process, one key and region instance; so
/// sixty-five processes running copies of one program (an M4 group of 64 clients and its owner) would
/// each compile the same blocks again, and compiling (a DynamicMethod and the JIT) costs a thousand times
/// more than interpreting a block once: `cloak demo m4 --clients 64` spent 35 s of processor time
/// translated against 2.4 s interpreted. A compiled block depends only on its instructions and their
/// addresses (the hart's register file and TLB are fixed for its life and are the only other constants
/// it embeds), so the function is kept here under exactly those and reused by any page that decodes the
/// same instructions at the same addresses. Nothing crosses a protection boundary: a context reaches a
/// shared function only through its own decoded page, which it filled by decrypting its own code, and
/// the cache is on chip with the decoded pages (the host's memory, never the OS's).
/// </summary>
public sealed unsafe partial class Hart
{
    /// <summary>Blocks whose function came from another page with the same instructions at the same addresses.</summary>
    public ulong BlocksReused { get; private set; }

    private readonly BlockCache _blockCache = new();

    /// <summary>Compiled block functions by their instructions and addresses; emptied when full (a simple bound, rarely reached).</summary>
    private sealed class BlockCache
    {
        private const int Capacity = 1 << 15;
        private readonly Dictionary<long[], Compiled> _functions = new(ContentComparer.Instance);

        /// <summary>A compiled function and the constant exit targets its link slots stand for (both depend only on the key).</summary>
        public sealed record Compiled(BlockFunction Function, ulong[] LinkTargets);

        /// <summary>Three words per instruction: its address, its decoded operation and registers, its immediate.</summary>
        public static long[] KeyOf(List<(ulong Pc, DecodedOp Op)> ops)
        {
            var key = new long[ops.Count * 3];
            for (int i = 0; i < ops.Count; i++)
            {
                var (pc, op) = ops[i];
                key[i * 3] = (long)pc;
                key[i * 3 + 1] = (long)op.Op | (long)op.Rd << 16 | (long)op.Rs1 << 24 | (long)op.Rs2 << 32 | (long)op.Length << 40;
                key[i * 3 + 2] = op.Imm;
            }
            return key;
        }

        public bool TryGet(long[] key, out Compiled compiled) => _functions.TryGetValue(key, out compiled!);

        public void Add(long[] key, Compiled compiled)
        {
            if (_functions.Count >= Capacity) _functions.Clear();
            _functions[key] = compiled;
        }

        private sealed class ContentComparer : IEqualityComparer<long[]>
        {
            public static readonly ContentComparer Instance = new();

            public bool Equals(long[]? x, long[]? y) => x.AsSpan().SequenceEqual(y);

            public int GetHashCode(long[] key)
            {
                var hash = new HashCode();
                hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(key.AsSpan()));
                return hash.ToHashCode();
            }
        }
    }
}
