using ObservatoryBackup.Logging;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// The engine's human units (<see cref="HumanUnits"/>) for the default views of ObservatoryBackup.format.ps1xml:
/// a type in the module's own assembly, which script blocks can name wherever the engine is loaded.
/// </summary>
public static class DisplayUnits
{
    /// <summary>"60.7 MiB"; empty for an unknown (null) size.</summary>
    public static string Size(long? bytes) => bytes is { } b ? HumanUnits.Size(b) : "";

    /// <summary>"3 h 12 min", "0.38 s"; empty for null.</summary>
    public static string Duration(TimeSpan? span) => span is { } s ? HumanUnits.Duration(s) : "";

    /// <summary>How long ago <paramref name="at"/> was: "3 h 12 min".</summary>
    public static string Age(DateTimeOffset at) => HumanUnits.Duration(DateTimeOffset.UtcNow - at);
}
