using System.Diagnostics;
using System.Reflection;
using Cloak.Kernel.Adversaries;

namespace Cloak.Scripting;

/// <summary>
/// Loads adversaries written by users (docs/adversary.md, "Writing your own"): from an assembly they
/// built, or from one C# file compiled at run time (and cached by content, see
/// <see cref="CompiledAdversaryCache"/>). Every public, non-abstract class deriving from
/// <see cref="Adversary"/> with a public constructor taking nothing or one string becomes an
/// adversary; the string is the ARG of <c>FILE:ARG</c>.
/// </summary>
public sealed class AdversaryLoader(CompiledAdversaryCache cache)
{
    public AdversaryLoader() : this(new CompiledAdversaryCache(CompiledAdversaryCache.DefaultDirectory())) { }

    public CompiledAdversaryCache Cache { get; } = cache;

    public AdversaryLoadResult Load(string spec) => Load(AdversarySpec.Parse(spec));

    public AdversaryLoadResult Load(AdversarySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Kind == AdversarySourceKind.Unknown)
            throw new AdversaryLoadException(AdversaryLoadFailure.Usage, $"{spec.Path}: an adversary is a C# file (.cs) or an assembly (.dll)");
        if (System.IO.Directory.Exists(spec.Path))
            throw new AdversaryLoadException(AdversaryLoadFailure.CannotOpen, $"{spec.Path}: is a directory, not a {(spec.Kind == AdversarySourceKind.CSharp ? "C# file" : "assembly")}");
        if (!File.Exists(spec.Path))
            throw new AdversaryLoadException(AdversaryLoadFailure.CannotOpen, $"{spec.Path}: no such file");
        return spec.Kind == AdversarySourceKind.CSharp ? LoadSource(spec) : LoadAssembly(spec);
    }

    private AdversaryLoadResult LoadAssembly(AdversarySpec spec)
    {
        string fullPath = Path.GetFullPath(spec.Path);
        var context = new AdversaryLoadContext(spec.Path, Path.GetDirectoryName(fullPath));
        Assembly assembly;
        try
        {
            assembly = context.LoadFromAssemblyPath(fullPath);
        }
        catch (BadImageFormatException)
        {
            throw Refused($"{spec.Path}: not a .NET assembly");
        }
        catch (Exception e) when (e is FileLoadException or IOException or UnauthorizedAccessException)
        {
            throw new AdversaryLoadException(AdversaryLoadFailure.CannotOpen, $"{spec.Path}: cannot load it: {e.Message}");
        }
        var forbidden = assembly.GetReferencedAssemblies().Select(r => r.Name).FirstOrDefault(n => n is not null && OsSide.Forbidden.Contains(n));
        if (forbidden is not null)
            throw Refused($"{spec.Path}: it references {forbidden}, which an OS cannot reach: build adversaries against {OsSide.Names} only (docs/adversary.md)");
        return new AdversaryLoadResult(Instantiate(assembly, spec), []);
    }

    private AdversaryLoadResult LoadSource(AdversarySpec spec)
    {
        string fullPath = Path.GetFullPath(spec.Path);
        byte[] source;
        try
        {
            source = File.ReadAllBytes(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AdversaryLoadException(AdversaryLoadFailure.CannotOpen, $"{spec.Path}: cannot read it: {e.Message}");
        }
        string key = CompiledAdversaryCache.Key(fullPath, source);
        var context = new AdversaryLoadContext(spec.Path, directory: null);
        if (Cache.Find(key) is { } cached)
        {
            try
            {
                return new AdversaryLoadResult(Instantiate(context.LoadFromAssemblyPath(cached), spec), []);
            }
            catch (BadImageFormatException)
            {
                // A damaged cache entry: compile again and overwrite it.
                context = new AdversaryLoadContext(spec.Path, directory: null);
            }
        }

        var clock = Stopwatch.StartNew();
        string name = $"{Path.GetFileNameWithoutExtension(fullPath)}.{key[..12]}";
        var output = CSharpAdversaryCompiler.Compile(fullPath, spec.Path, source, name);
        clock.Stop();
        if (output.Image is null)
        {
            var lines = output.Errors.Concat(output.Warnings).ToList();
            string hint = output.Errors.Any(e => e.Contains("error CS0234", StringComparison.Ordinal) || e.Contains("error CS0246", StringComparison.Ordinal))
                ? $" (an adversary compiles against {OsSide.Names} and the .NET class library only: it has the powers of an OS, nothing of the chip's)"
                : "";
            throw new AdversaryLoadException(AdversaryLoadFailure.Refused,
                $"{spec.Path}: {output.Errors.Count} compile error{(output.Errors.Count == 1 ? "" : "s")}{hint}", lines);
        }
        var warnings = output.Warnings.ToList();
        Assembly assembly;
        if (Cache.Store(key, output.Image, out string? failure) is { } stored)
        {
            assembly = context.LoadFromAssemblyPath(stored);
        }
        else
        {
            warnings.Add($"warning: {failure}; compiling again next time");
            using var image = new MemoryStream(output.Image);
            assembly = context.LoadFromStream(image);
        }
        return new AdversaryLoadResult(Instantiate(assembly, spec), warnings) { Compiled = true, CompileTime = clock.Elapsed };
    }

    /// <summary>Makes one instance of every adversary class in the assembly, in declaration order.</summary>
    private static List<LoadedAdversary> Instantiate(Assembly assembly, AdversarySpec spec)
    {
        Type[] types;
        try
        {
            types = assembly.GetExportedTypes();
        }
        catch (Exception e) when (e is ReflectionTypeLoadException or FileNotFoundException or FileLoadException or TypeLoadException)
        {
            var first = (e as ReflectionTypeLoadException)?.LoaderExceptions.FirstOrDefault(x => x is not null) ?? e;
            throw Refused($"{spec.Path}: cannot load its types: {first.Message} (built against another version of Cloak? this is {CloakVersion})");
        }
        var adversaries = types.Where(t => t.IsClass && !t.IsAbstract && !t.ContainsGenericParameters && typeof(Adversary).IsAssignableFrom(t)).ToList();
        if (adversaries.Count == 0)
            throw Refused($"{spec.Path}: no adversary in it: it needs a public, non-abstract class deriving from Cloak.Kernel.Adversaries.Adversary");

        var chosen = new List<(Type Type, ConstructorInfo Constructor, bool TakesArgument)>();
        var needArgument = new List<string>();
        var unusable = new List<string>();
        foreach (var type in adversaries)
        {
            var byString = type.GetConstructor([typeof(string)]);
            var empty = type.GetConstructor(Type.EmptyTypes);
            if (spec.Argument is not null && byString is not null) chosen.Add((type, byString, true));
            else if (empty is not null) chosen.Add((type, empty, false));
            else if (byString is not null) needArgument.Add(type.Name);
            else unusable.Add(type.Name);
        }
        if (needArgument.Count > 0)
            throw new AdversaryLoadException(AdversaryLoadFailure.Usage,
                $"{spec.Path}: {string.Join(", ", needArgument)} {(needArgument.Count == 1 ? "takes" : "take")} an argument (a constructor with one string): --adversary {spec.Path}:ARG");
        if (chosen.Count == 0)
            throw Refused($"{spec.Path}: no adversary in it has a public constructor taking nothing or one string ({string.Join(", ", unusable)})");
        if (spec.Argument is not null && !chosen.Any(c => c.TakesArgument))
            throw new AdversaryLoadException(AdversaryLoadFailure.Usage,
                $"{spec.Path}: ':{spec.Argument}' was given, but no adversary in it takes an argument ({string.Join(", ", chosen.Select(c => c.Type.Name))} {(chosen.Count == 1 ? "has" : "have")} a constructor taking nothing)");

        var loaded = new List<LoadedAdversary>();
        foreach (var (type, constructor, takesArgument) in chosen)
        {
            try
            {
                var adversary = (Adversary)constructor.Invoke(takesArgument ? [spec.Argument] : []);
                loaded.Add(new LoadedAdversary(adversary, type.FullName ?? type.Name, spec));
            }
            catch (TargetInvocationException e) when (e.InnerException is ArgumentException or FormatException)
            {
                throw new AdversaryLoadException(AdversaryLoadFailure.Usage, $"{spec}: {type.Name} refused its argument: {e.InnerException.Message}");
            }
            catch (TargetInvocationException e)
            {
                var inner = e.InnerException ?? e;
                throw Refused($"{spec.Path}: the constructor of {type.Name} failed: {inner.GetType().Name}: {inner.Message}");
            }
        }
        return loaded;
    }

    /// <summary>The version of Cloak's adversary API this loader serves (the kernel assembly's).</summary>
    public static string CloakVersion => typeof(Adversary).Assembly.GetName().Version?.ToString(3) ?? "unknown";

    private static AdversaryLoadException Refused(string message) => new(AdversaryLoadFailure.Refused, message);
}
