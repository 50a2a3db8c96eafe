namespace ObservatoryBackup.Errors;

/// <summary>A backup object is missing, already taken, badly named, or not a complete dump.</summary>
public sealed class BackupDataException(ObsErrorKind kind, string errorId, string objectName, string message, Exception? inner = null)
    : ObsBackupException(kind, errorId, message, objectName, inner)
{
    public string ObjectName { get; } = objectName;
}
