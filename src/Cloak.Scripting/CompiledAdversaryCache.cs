using System.Security.Cryptography;
using System.Text;

namespace Cloak.Scripting;

/// <summary>
/// Compiled C# adversaries, kept by a hash of everything the compiled assembly depends on: the
/// source's bytes and path, the identities (MVIDs) of the Cloak assemblies it compiles against and of
/// this loader, and the runtime's version. A change to any of them compiles afresh; nothing else
/// needs invalidating. Lives in <c>$XDG_CACHE_HOME/cloak/adversaries</c>, or
/// <c>~/.cache/cloak/adversaries</c> when XDG_CACHE_HOME is unset or not an absolute path (the XDG
/// base directory rules). Deleting the folder is always safe.
/// </summary>
public sealed class CompiledAdversaryCache(string? directory)
{
    /// <summary>Bumped when the way adversaries are compiled changes in a way no MVID shows.</summary>
    private const string Format = "cloak-adversary/1";

    /// <summary>The folder, or null for no cache (every run compiles).</summary>
    public string? Directory { get; } = directory;

    /// <summary>The folder the XDG rules give: $XDG_CACHE_HOME/cloak/adversaries, else ~/.cache/cloak/adversaries; null with neither.</summary>
    public static string? DefaultDirectory()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "cloak", "adversaries");
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".cache", "cloak", "adversaries");
    }

    /// <summary>The cache key of a source file: hex SHA-256 of everything its compiled form depends on.</summary>
    public static string Key(string fullPath, ReadOnlySpan<byte> source)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Text(string s)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(s));
            hash.AppendData([0]);
        }
        Text(Format);
        Text(Environment.Version.ToString());
        Text(typeof(CompiledAdversaryCache).Assembly.ManifestModule.ModuleVersionId.ToString());
        foreach (var assembly in OsSide.Assemblies) Text($"{assembly.GetName().Name} {assembly.ManifestModule.ModuleVersionId}");
        Text(fullPath);
        hash.AppendData(source);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The cached assembly for <paramref name="key"/>, or null.</summary>
    public string? Find(string key)
    {
        if (Directory is null) return null;
        string path = PathOf(key);
        return File.Exists(path) ? path : null;
    }

    /// <summary>
    /// Stores a compiled assembly; returns its path, or null with <paramref name="failure"/> saying why
    /// it could not be written (the caller then loads it from memory). Written to a temporary name and
    /// renamed, so a concurrent run never sees half a file.
    /// </summary>
    public string? Store(string key, byte[] image, out string? failure)
    {
        failure = null;
        if (Directory is null)
        {
            failure = "no cache folder (neither XDG_CACHE_HOME nor HOME is set)";
            return null;
        }
        string path = PathOf(key);
        string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            File.WriteAllBytes(temporary, image);
            File.Move(temporary, path, overwrite: true);
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failure = $"cannot write the compiled adversary to {Directory}: {e.Message}";
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Nothing more to do: the run goes on from memory.
            }
            return null;
        }
    }

    private string PathOf(string key) => Path.Combine(Directory!, key + ".dll");
}
