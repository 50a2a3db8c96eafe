namespace ObservatoryBackup.PowerShell;

/// <summary>How a cmdlet shows the engine's events (the cmdlets' own type, so that parameters are PowerShell-side types).</summary>
public enum LogFormat
{
    /// <summary>Information records (tag ObservatoryBackup) and -Verbose lines.</summary>
    Text,

    /// <summary>One JSON object per line, shown by the host as Write-Host would (stdout under pwsh -Command).</summary>
    Json,
}
