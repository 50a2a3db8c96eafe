namespace ObservatoryBackup.Configuration;

/// <summary>How a front end shows the engine's events.</summary>
public enum LogFormat
{
    /// <summary>The front end's own rendering (in PowerShell: Information records and -Verbose lines).</summary>
    Text,

    /// <summary>The replaced scripts' JSON lines.</summary>
    Json,
}
