namespace Cloak.Attacks.Chaos;

/// <summary>
/// How the chaos adversary behaves: its seed (every decision comes from <c>new Random(Seed)</c>, so a
/// seed names a run), the actions it may take, and how often it acts: at each hook it is called at,
/// it acts with probability <see cref="Rate"/>, at most <see cref="MaxActions"/> times.
/// </summary>
public sealed record ChaosSettings
{
    public int Seed { get; init; }

    /// <summary>The actions this run may take (those needing metadata are skipped in confidentiality mode).</summary>
    public IReadOnlySet<ChaosActionKind> Kinds { get; init; } = new HashSet<ChaosActionKind>(Enum.GetValues<ChaosActionKind>());

    /// <summary>Probability of acting at each hook call (0-1).</summary>
    public double Rate { get; init; } = 0.02;

    /// <summary>Actions at most, so a run's cost stays bounded.</summary>
    public int MaxActions { get; init; } = 200;

    /// <summary>
    /// A mix drawn from the seed: a quarter of the seeds may do everything, the others a random handful of
    /// actions (so many runs use only a few kinds and the invariants see each kind on its own too), at a
    /// rate between 0.3 % and 5 % of hook calls (log-uniform).
    /// </summary>
    public static ChaosSettings FromSeed(int seed)
    {
        var random = new Random(unchecked(seed * 7919 + 17));
        var all = Enum.GetValues<ChaosActionKind>();
        HashSet<ChaosActionKind> kinds;
        if (random.Next(4) == 0)
        {
            kinds = [.. all];
        }
        else
        {
            int count = 1 + random.Next(6);
            kinds = [];
            while (kinds.Count < count) kinds.Add(all[random.Next(all.Length)]);
        }
        double rate = Math.Exp(Math.Log(0.003) + random.NextDouble() * (Math.Log(0.05) - Math.Log(0.003)));
        return new ChaosSettings { Seed = seed, Kinds = kinds, Rate = rate };
    }

    public override string ToString() =>
        $"seed {Seed}, rate {Rate:P1}, {(Kinds.Count == Enum.GetValues<ChaosActionKind>().Length ? "every action" : string.Join(" ", Kinds.Order()))}";
}
