using Cloak.Tests.Support;

namespace Cloak.Tests.Debugging;

/// <summary>
/// A test that drives Debian's gdb-multiarch: skipped only when gdb-multiarch is missing on a
/// developer's machine. On CI (CI=true) it always runs, so a missing gdb fails it (./setup --deps installs it).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class GdbFactAttribute : FactAttribute
{
    public GdbFactAttribute()
    {
        if (ExternalProcess.FindOnPath(GdbSession.Gdb) is null && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = $"{GdbSession.Gdb} is not installed (apt-get install -y gdb-multiarch, or ./setup --deps)";
    }
}
