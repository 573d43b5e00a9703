using System.Diagnostics;
using Cloak.Kernel.Adversaries;

namespace Cloak.Scripting;

/// <summary>Tells a failure of a user's adversary from a failure of Cloak, and describes it in one line.</summary>
public static class AdversaryFailures
{
    /// <summary>True if <paramref name="adversary"/> was made by <see cref="AdversaryLoader"/> from a user's file.</summary>
    public static bool IsUsers(Adversary adversary)
    {
        ArgumentNullException.ThrowIfNull(adversary);
        return AdversaryLoadContext.Of(adversary.GetType()) is not null;
    }

    /// <summary>
    /// For a hook of a user's adversary that threw: "the adversary Duplicate (duplicate.cs) failed in
    /// OnContextSwitch at duplicate.cs:57: NullReferenceException: ..."; null if the adversary is not a user's.
    /// </summary>
    public static string? Describe(AdversaryFailedException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (AdversaryLoadContext.Of(failure.Adversary.GetType()) is not { } context) return null;
        var inner = failure.InnerException ?? failure;
        string where = "";
        foreach (var frame in new StackTrace(inner, fNeedFileInfo: true).GetFrames())
        {
            var method = frame.GetMethod();
            if (method?.DeclaringType is not { } type || AdversaryLoadContext.Of(type) is null) continue;
            where = frame.GetFileName() is { Length: > 0 } file && frame.GetFileLineNumber() > 0
                ? $" at {Path.GetFileName(file)}:{frame.GetFileLineNumber()}"
                : $" in {type.Name}.{method.Name}";
            break;
        }
        return $"the adversary {failure.Adversary.Name} ({context.DisplayPath}) failed in {failure.Hook}{where}: {inner.GetType().Name}: {inner.Message}";
    }
}
