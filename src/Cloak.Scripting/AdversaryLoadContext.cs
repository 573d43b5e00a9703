using System.Reflection;
using System.Runtime.Loader;

namespace Cloak.Scripting;

/// <summary>
/// Where a user's adversary assembly is loaded. Cloak's assemblies and the .NET class library come
/// from the host (so the adversary's <c>Adversary</c> is the kernel's, whatever copy the user built
/// against); the adversary's own dependencies come from the folder its assembly is in.
/// </summary>
internal sealed class AdversaryLoadContext(string displayPath, string? directory) : AssemblyLoadContext($"adversary {displayPath}")
{
    private static readonly Lazy<HashSet<string>> HostAssemblies = new(() =>
        new HashSet<string>(
            ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "")
                .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(System.IO.Path.GetFileNameWithoutExtension)
                .OfType<string>(),
            StringComparer.OrdinalIgnoreCase));

    /// <summary>The file as the user named it (for messages).</summary>
    public string DisplayPath { get; } = displayPath;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is null || HostAssemblies.Value.Contains(assemblyName.Name)) return null; // the host's copy
        if (directory is null) return null;
        string candidate = System.IO.Path.Combine(directory, assemblyName.Name + ".dll");
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }

    /// <summary>The context that loaded <paramref name="type"/>'s assembly, if it was a user's adversary.</summary>
    public static AdversaryLoadContext? Of(Type type) => GetLoadContext(type.Assembly) as AdversaryLoadContext;
}
