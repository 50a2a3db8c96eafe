namespace ObservatoryBackup.Errors;

/// <summary>The object store refused or could not be reached.</summary>
public sealed class StorageException(ObsErrorKind kind, string errorId, string message, object? target, Exception? inner = null)
    : ObsBackupException(kind, errorId, message, target, inner);
