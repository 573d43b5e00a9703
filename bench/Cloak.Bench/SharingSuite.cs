using System.Globalization;
using System.Text;
using Cloak.Demo;

namespace Cloak.Bench;

/// <summary>
/// What setting up a sharing group costs: each method once, and M4 for 2 to 32 clients, in both
/// memory modes, with no attack. Reported per scenario: guest instructions (all processes) and host
/// time until the owner reports the group set up (key exchanges, notification regions, EAR
/// settings), and the host time of the whole run. Best of N by setup time.
/// </summary>
internal static class SharingSuite
{
    public static string Run(string repo, int repeat)
    {
        string programs = Path.Combine(repo, "guest", "build", "share");
        var cases = new List<(string Label, ShareMethod Method, int Clients, bool Signed)>
        {
            ("M1 (pre-shared key)", ShareMethod.M1, 1, false),
            ("M2 (key exchange)", ShareMethod.M2, 1, false),
            ("M3 (signed key exchange)", ShareMethod.M3, 1, false),
        };
        foreach (int n in new[] { 2, 4, 8, 16, 32 }) cases.Add(($"M4, {n} clients", ShareMethod.M4, n, false));
        cases.Add(("M4 signed, 16 clients", ShareMethod.M4, 16, true));
        cases.Add(("M5 (re-key), 4 clients", ShareMethod.M5, 4, false));

        var table = new StringBuilder();
        table.AppendLine("### Setting up a sharing group (no attack)\n");
        table.AppendLine($"Best of {repeat} runs each, in process (no start-up). Setup = from the first instruction until the owner reports the group set up.\n");
        table.AppendLine("| scenario | memory | setup instructions | setup ms | whole run ms | verdict |");
        table.AppendLine("|---|---|---:|---:|---:|---|");
        double? sixteen = null;
        foreach (var (label, method, clients, signed) in cases)
        {
            foreach (bool authenticated in new[] { false, true })
            {
                Console.Error.WriteLine($"bench: {label}{(authenticated ? " --auth" : "")}");
                (ScenarioResult Result, TimeSpan Wall)? best = null;
                for (int i = 0; i < repeat; i++)
                {
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    var result = ShareScenario.Run(new ScenarioOptions
                    {
                        Method = method, Clients = clients, Signed = signed, Authenticated = authenticated,
                        Attack = Attack.None, ProgramDirectory = programs,
                    });
                    clock.Stop();
                    if (best is null || (result.Setup?.HostTime ?? TimeSpan.MaxValue) < (best.Value.Result.Setup?.HostTime ?? TimeSpan.MaxValue))
                        best = (result, clock.Elapsed);
                }
                var (r, wall) = best!.Value;
                if (method == ShareMethod.M4 && clients == 16 && !signed && !authenticated) sixteen = r.Setup?.HostTime.TotalSeconds;
                table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {label} | {(authenticated ? "authenticated" : "confidentiality")} | {r.Setup?.Instructions ?? 0:N0} | {r.Setup?.HostTime.TotalMilliseconds ?? double.NaN:F0} | {wall.TotalMilliseconds:F0} | {r.Verdict} |"));
            }
        }
        if (sixteen is { } s)
            table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"\nM4 with 16 clients sets up in **{s:F2} s** of host time (target: under 2 s).\n"));
        return table.ToString();
    }
}
