namespace ObservatoryBackup.Configuration;

/// <summary>How a front end shows the engine's events.</summary>
public enum LogFormat
{
    /// <summary>The front end's own rendering (in PowerShell: Information records and -Verbose lines).</summary>
    Text,

    /// <summary>One JSON object per line, in the format log parsers read.</summary>
    Json,
}
