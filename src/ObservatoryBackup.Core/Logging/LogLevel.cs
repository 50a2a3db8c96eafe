namespace ObservatoryBackup.Logging;

/// <summary>The levels the replaced scripts wrote.</summary>
public enum LogLevel { INFO, WARNING, ERROR }
