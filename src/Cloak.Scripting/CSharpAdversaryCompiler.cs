using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;

namespace Cloak.Scripting;

/// <summary>
/// Compiles one C# file into an adversary assembly with Roslyn, in process and offline: against the
/// running .NET class library and the OS side's Cloak assemblies (<see cref="OsSide"/>), with the
/// SDK's implicit usings and nullable annotations on, as a one-file program built by <c>dotnet run
/// file.cs</c> would be. The PDB is embedded, so an exception in the adversary names its file and line.
/// Kept apart from the loader so that a run served from the cache never loads the compiler.
/// </summary>
internal static class CSharpAdversaryCompiler
{
    /// <summary>The SDK's implicit usings for a console or library project (Microsoft.NET.Sdk).</summary>
    private const string ImplicitUsings =
        "global using System;\nglobal using System.Collections.Generic;\nglobal using System.IO;\nglobal using System.Linq;\n" +
        "global using System.Net.Http;\nglobal using System.Threading;\nglobal using System.Threading.Tasks;\n";

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(BuildReferences);

    /// <summary>The result: the assembly's bytes (null on errors) and the diagnostics as compiler lines.</summary>
    public sealed record Output(byte[]? Image, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings);

    public static Output Compile(string fullPath, string displayPath, byte[] source, string assemblyName)
    {
        var text = SourceText.From(source, source.Length, Encoding.UTF8, SourceHashAlgorithm.Sha256, throwIfBinaryDetected: false, canBeEmbedded: true);
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var tree = CSharpSyntaxTree.ParseText(text, options, fullPath);
        var usings = CSharpSyntaxTree.ParseText(ImplicitUsings, options, path: "");
        var compilation = CSharpCompilation.Create(assemblyName, [usings, tree], References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
                optimizationLevel: OptimizationLevel.Release,
                nullableContextOptions: NullableContextOptions.Enable,
                deterministic: true));
        using var image = new MemoryStream();
        var result = compilation.Emit(image,
            options: new EmitOptions(debugInformationFormat: DebugInformationFormat.Embedded),
            embeddedTexts: [EmbeddedText.FromSource(fullPath, text)]);
        var shown = result.Diagnostics
            .Where(d => d.Severity is DiagnosticSeverity.Error or DiagnosticSeverity.Warning && !d.IsSuppressed)
            .OrderBy(d => d.Location.SourceSpan.Start)
            .ToList();
        var errors = shown.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => Format(d, displayPath)).ToList();
        var warnings = shown.Where(d => d.Severity == DiagnosticSeverity.Warning).Select(d => Format(d, displayPath)).ToList();
        return new Output(result.Success ? image.ToArray() : null, errors, warnings);
    }

    /// <summary>As compilers print them: <c>FILE:LINE:COLUMN: error CS1002: ; expected</c>.</summary>
    private static string Format(Diagnostic d, string displayPath)
    {
        string severity = d.Severity == DiagnosticSeverity.Error ? "error" : "warning";
        string message = d.GetMessage(CultureInfo.InvariantCulture);
        if (!d.Location.IsInSource) return $"{displayPath}: {severity} {d.Id}: {message}";
        var start = d.Location.GetLineSpan().StartLinePosition;
        return $"{displayPath}:{start.Line + 1}:{start.Character + 1}: {severity} {d.Id}: {message}";
    }

    /// <summary>The running class library (the trusted platform assemblies in the runtime's folder) and the OS side's Cloak assemblies.</summary>
    private static IReadOnlyList<MetadataReference> BuildReferences()
    {
        string runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)
            ?? throw new InvalidOperationException("the .NET runtime's folder is unknown (a single-file build?): cannot compile adversaries");
        var framework = ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => string.Equals(Path.GetDirectoryName(p), runtime, StringComparison.Ordinal));
        var cloak = OsSide.Assemblies.Select(a => a.Location.Length > 0
            ? a.Location
            : throw new InvalidOperationException($"{a.GetName().Name} has no file (a single-file build?): cannot compile adversaries"));
        return [.. framework.Concat(cloak).Select(p => MetadataReference.CreateFromFile(p))];
    }
}
