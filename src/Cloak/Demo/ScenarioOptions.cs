using Cloak.Chip.Security;
using Cloak.Kernel.Adversaries;
using Cloak.Os;

namespace Cloak.Demo;

/// <summary>What <see cref="ShareScenario.Run"/> runs: the method, the group, the attack and the machine's settings.</summary>
public sealed record ScenarioOptions
{
    public ShareMethod Method { get; init; } = ShareMethod.M4;
    /// <summary>Clients of the owner: 1-<see cref="ShareScenario.MaxClients"/> for M1, 2-<see cref="ShareScenario.MaxClients"/> for M4 and M5 (default 3); M2 and M3 have exactly one (the default there).</summary>
    public int? Clients { get; init; }

    /// <summary>
    /// Encrypted attribute registers per process on the demo's chip (null: the chip's default,
    /// <see cref="SecurityOptions.EarEntries"/>). A chip has a fixed number; a process that needs more
    /// is refused by trp.earset (EAR full), and the scenario fails saying so.
    /// </summary>
    public int? EarEntries { get; init; }

    /// <summary>The number of clients this scenario runs.</summary>
    public int ClientCount => Clients ?? (Method is ShareMethod.M2 or ShareMethod.M3 ? 1 : 3);
    public Attack Attack { get; init; } = Attack.Snoop;
    /// <summary>Authenticated memory (MACs and counters) instead of confidentiality only.</summary>
    public bool Authenticated { get; init; }
    /// <summary>M4/M5 with signed pairwise exchanges (M3 inside M4).</summary>
    public bool Signed { get; init; }
    /// <summary>
    /// M3/M4/M5 with exchanges authenticated by attestation reports instead of provisioned signing keys
    /// (docs/attestation.md): owner and client run as one sealed program, share_member.
    /// </summary>
    public bool Attested { get; init; }
    /// <summary>Where the guest programs are (guest/build/share); found from the repository by default.</summary>
    public string? ProgramDirectory { get; init; }
    /// <summary>Live narration (each claim step as it happens); null for none.</summary>
    public TextWriter? Narration { get; init; }
    /// <summary>Whose steps the narration shows: everyone's, the owner's only, or none.</summary>
    public NarrationLevel Narrate { get; init; } = NarrationLevel.All;
    public ulong RamSize { get; init; } = 64UL << 20;
    /// <summary>More adversaries to attach after the attack's own (passive observers in tests, say).</summary>
    public IReadOnlyList<Adversary> Observers { get; init; } = [];
    public int Seed { get; init; } = 1;
    /// <summary>Instructions (all processes together) after which the run stops: a bound for adversaries that make processes spin.</summary>
    public long MaxInstructions { get; init; } = 2_000_000_000;
    /// <summary>Called with the machine once it is built, before any process starts: where the host attaches its instruments.</summary>
    public Action<OsMachine, OsMachineOptions>? Instrument { get; init; }
    /// <summary>Stops the run between scheduling turns (Ctrl-C); the verdict is then <see cref="Verdict.Failed"/> with the reason.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// The first reason these options cannot run, worded after the demo's command-line options
    /// (<c>cloak demo</c> prints it and exits 2; <see cref="ShareScenario.Run"/> throws it); null when
    /// they can. The one place the demo's options are checked, so the command and library users agree.
    /// </summary>
    public string? Problem
    {
        get
        {
            int clients = ClientCount;
            if (clients is < 1 or > ShareScenario.MaxClients)
                return $"--clients must be 1-{ShareScenario.MaxClients} (the example programs' group limit)";
            if (EarEntries is < SecurityOptions.MinEarEntries or > SecurityOptions.MaxEarEntries)
                return $"--ear-entries must be {SecurityOptions.MinEarEntries}-{SecurityOptions.MaxEarEntries} (the chip's limits)";
            if (Method is ShareMethod.M2 or ShareMethod.M3 && clients != 1)
                return "M2 and M3 are between two processes: --clients must be 1";
            if (Method is ShareMethod.M4 or ShareMethod.M5 && clients < 2)
                return "M4 and M5 need at least 2 clients";
            if (Signed && Method is not (ShareMethod.M4 or ShareMethod.M5))
                return "--signed is for M4 and M5 (it signs their pairwise key exchanges); " + Method switch
                {
                    ShareMethod.M3 => "M3 is the signed exchange already",
                    ShareMethod.M2 => "M2 is the unsigned exchange (m3 is it signed)",
                    _ => $"{Method} has no key exchange to sign",
                };
            if (Attested && Signed)
                return "--attested and --signed are two ways to authenticate the exchanges: pick one";
            if (Attested && Method is not (ShareMethod.M3 or ShareMethod.M4 or ShareMethod.M5))
                return Method == ShareMethod.M2
                    ? "--attested is for M3, M4 and M5: M2 is the unauthenticated exchange (m3 --attested is it attested)"
                    : "--attested is for M3, M4 and M5 (their key exchanges); M1 has no key exchange to attest";
            if (Attack is Attack.Impostor or Attack.Debuggable or Attack.ReportReplay && !Attested)
                return $"--attack {AttackName(Attack)} is against attested exchanges: add --attested";
            return null;
        }
    }

    /// <summary>The attack as the command line spells it: ReportReplay is "report-replay".</summary>
    private static string AttackName(Attack attack) =>
        string.Concat(attack.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? $"-{char.ToLowerInvariant(c)}" : char.ToLowerInvariant(c).ToString()));
}
