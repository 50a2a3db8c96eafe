namespace ObservatoryBackup.Errors;

/// <summary>The PostgreSQL server refused or could not be reached for an administrative step.</summary>
public sealed class DatabaseException(ObsErrorKind kind, string errorId, string message, object? target, Exception? inner = null)
    : ObsBackupException(kind, errorId, message, target, inner);
