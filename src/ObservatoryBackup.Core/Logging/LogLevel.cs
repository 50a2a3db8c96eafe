namespace ObservatoryBackup.Logging;

/// <summary>The levels of the JSON log lines.</summary>
public enum LogLevel { INFO, WARNING, ERROR }
