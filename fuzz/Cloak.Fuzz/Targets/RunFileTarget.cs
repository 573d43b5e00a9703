using System.Text;
using Cloak.Experiments;

namespace Cloak.Fuzz.Targets;

/// <summary>
/// The run-file reader (src/Cloak/Experiments/RunFile.cs, docs/run-files.md): any text either gives an
/// experiment or raises <see cref="RunFileException"/>, whose message names the file and, where
/// there is one, the line.
/// </summary>
public sealed class RunFileTarget : FuzzTarget
{
    private static readonly string BaseDirectory = Path.GetTempPath();

    public override string Name => "runfile";

    public override string Contract => "TOML text: RunFile.Parse; only RunFileException, whose message starts with the file name";

    public override IReadOnlyList<string> Instrumented => ["Cloak.dll", "Tomlyn.dll"];

    public override bool Run(ReadOnlySpan<byte> input)
    {
        string text = Encoding.UTF8.GetString(input);
        try
        {
            var spec = RunFile.Parse(text, "fuzz.toml", BaseDirectory);
            if (spec.Processes.Count == 0) throw new ContractViolationException("a run file with no [[process]] was accepted");
            return true;
        }
        catch (RunFileException e)
        {
            if (!e.Message.StartsWith("fuzz.toml", StringComparison.Ordinal))
                throw new ContractViolationException($"a refusal that does not name the file: {e.Message}", e);
            return false;
        }
    }
}
