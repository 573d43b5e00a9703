namespace Cloak.Chaos.Tests;

/// <summary>The guest programs a chaos run needs, found once (tests/Directory.Build.targets builds them).</summary>
internal static class Programs
{
    private static readonly Lazy<GuestPrograms> Located = new(GuestPrograms.Locate);

    public static GuestPrograms Guest => Located.Value;
}
