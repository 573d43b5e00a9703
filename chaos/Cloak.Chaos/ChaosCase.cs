using Cloak.Attacks.Chaos;
using Cloak.Demo;

namespace Cloak.Chaos;

/// <summary>
/// One chaos run, all of it drawn from its seed unless fixed by the caller: the sharing method, the
/// memory mode, the number of clients, signed exchanges (M4/M5), the RAM size (small RAM makes the
/// kernel swap, so the swap actions have something to act on) and the chaos's own mix of actions.
/// </summary>
public sealed record ChaosCase(int Seed, ShareMethod Method, bool Authenticated, int Clients, bool Signed, ulong RamSize, ChaosSettings Settings)
{
    /// <summary>RAM that makes the sharing programs swap (4 KiB frames for page tables and a few pages each).</summary>
    public const ulong SmallRam = 256UL << 10;

    public const ulong LargeRam = 64UL << 20;

    /// <summary>The case a seed names; <paramref name="method"/> and <paramref name="authenticated"/> fix those choices.</summary>
    public static ChaosCase FromSeed(int seed, ShareMethod? method = null, bool? authenticated = null)
    {
        var random = new Random(unchecked(seed * 31 + 5));
        var m = method ?? (ShareMethod)random.Next(5);
        bool auth = authenticated ?? random.Next(2) == 0;
        int clients = m switch
        {
            ShareMethod.M2 or ShareMethod.M3 => 1,
            ShareMethod.M1 => 1 + random.Next(3),
            _ => 2 + random.Next(2),
        };
        bool signed = m is ShareMethod.M4 or ShareMethod.M5 && random.Next(2) == 0;
        ulong ram = random.Next(3) == 0 ? SmallRam : LargeRam;
        return new ChaosCase(seed, m, auth, clients, signed, ram, ChaosSettings.FromSeed(seed));
    }

    public override string ToString() =>
        $"seed {Seed}: {Method}{(Signed ? " signed" : "")} {(Authenticated ? "authenticated" : "confidentiality")}, {Clients} client(s), " +
        $"{(RamSize < LargeRam ? $"{RamSize >> 10} KiB" : $"{RamSize >> 20} MiB")} RAM; chaos {Settings}";
}
