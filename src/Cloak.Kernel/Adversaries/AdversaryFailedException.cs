namespace Cloak.Kernel.Adversaries;

/// <summary>
/// An adversary's hook (or an observer's) threw: the kernel stops there and hands the exception out
/// wrapped in this one, naming who failed and where, so a host can tell a broken adversary from a
/// broken kernel. <see cref="Exception.InnerException"/> is what the hook threw.
/// </summary>
public sealed class AdversaryFailedException : Exception
{
    public AdversaryFailedException(Adversary adversary, string hook, Exception inner)
        : base($"adversary {adversary?.Name} failed in {hook}: {inner?.GetType().Name}: {inner?.Message}", inner)
    {
        ArgumentNullException.ThrowIfNull(adversary);
        Adversary = adversary;
        Hook = hook;
    }

    /// <summary>The adversary (or observer) whose hook threw.</summary>
    public Adversary Adversary { get; }

    /// <summary>The hook it was in: "OnSyscall", "OnAttached", ...</summary>
    public string Hook { get; }
}
