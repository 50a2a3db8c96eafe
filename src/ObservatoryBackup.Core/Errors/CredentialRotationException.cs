namespace ObservatoryBackup.Errors;

/// <summary>A credential rotation was refused or aborted; the table is unchanged. Messages name rows by key, never by value.</summary>
public sealed class CredentialRotationException(ObsErrorKind kind, string errorId, string message, object? target)
    : ObsBackupException(kind, errorId, message, target);
