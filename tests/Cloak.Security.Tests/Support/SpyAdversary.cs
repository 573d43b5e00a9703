using System.Globalization;
using Cloak.Kernel.Adversaries;
using Cloak.Kernel.Memory;

namespace Cloak.Security.Tests.Support;

/// <summary>
/// Maps exactly <paramref name="pages"/> frames of the victim (of the given area kinds, repeating
/// them if fewer are resident) into the spy at <paramref name="spyBase"/> every time the spy is about
/// to run, so the spy's ordinary loads read the victim's frames (SPEC section 1: "map any frame
/// anywhere"; R3). It also reads the same frames itself, as the OS sees them in DRAM.
/// </summary>
internal sealed class SpyAdversary(string victim, string spy, ulong spyBase, int pages, IReadOnlyList<AreaKind> kinds,
    IReadOnlyList<(string Name, byte[] Pattern)> patterns) : Adversary
{
    private readonly List<string> _sightings = [];
    private readonly HashSet<ulong> _framesMapped = [];

    public int Remappings { get; private set; }
    public int DistinctFramesMapped => _framesMapped.Count;

    /// <summary>Canaries the adversary found in the victim's frames in DRAM.</summary>
    public IReadOnlyList<string> DramSightings => _sightings;

    /// <summary>True once a mapped frame held a non-zero byte in DRAM.</summary>
    public bool SawNonZeroBytes { get; private set; }

    public override void OnContextSwitch(ContextSwitchEvent e)
    {
        if (e.To.Name != spy || Powers.Find(victim) is not { } target) return;
        var frames = kinds.SelectMany(k => Powers.ResidentPages(target, k)).Select(p => p.Frame).ToList();
        if (frames.Count == 0) return;
        for (int i = 0; i < pages; i++)
        {
            ulong frame = frames[i % frames.Count];
            if (!Powers.MapFrame(e.To, spyBase + ((ulong)i << 12), frame, Protection.Read))
                throw new InvalidOperationException($"cannot map frame 0x{frame:x} into the spy");
            _framesMapped.Add(frame);
            var bytes = Powers.Memory.Read(frame << 12, 4096);
            SawNonZeroBytes |= bytes.ContainsAnyExcept((byte)0);
            foreach (var (name, pattern) in patterns)
                if (bytes.IndexOf(pattern) >= 0) _sightings.Add($"{name} in frame 0x{frame:x}");
        }
        Remappings++;
    }

    /// <summary>The pages the spy printed (spy.c's format: a "round r page p" line, then 64 lines of hex).</summary>
    public static IReadOnlyList<byte[]> ParseSpyOutput(string output)
    {
        var result = new List<byte[]>();
        List<byte>? page = null;
        foreach (string line in output.Split('\n'))
        {
            if (line.StartsWith("round ", StringComparison.Ordinal))
            {
                if (page is not null) result.Add([.. page]);
                page = [];
            }
            else if (page is not null && line.Length == 128)
            {
                for (int i = 0; i < 128; i += 2) page.Add(byte.Parse(line.AsSpan(i, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
        }
        if (page is not null) result.Add([.. page]);
        return result;
    }
}
