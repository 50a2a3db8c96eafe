namespace ObservatoryBackup.Errors;

/// <summary>psql stopped at an error while applying a backup.</summary>
public sealed class RestoreFailedException(string database, int exitCode, string standardError, bool targetUntouched)
    : ObsBackupException(ObsErrorKind.OperationFailed, "RestoreFailed",
        $"psql failed ({ExitStatus.Describe(exitCode)}) while restoring into \"{database}\": {standardError.Trim()}"
        + (targetUntouched
            ? " The existing database was left untouched."
            : $" The database \"{database}\" now holds a partial restore: restore it again, or from an earlier backup."), database)
{
    public int ExitCode { get; } = exitCode;
    public string StandardError { get; } = standardError;
    public bool TargetUntouched { get; } = targetUntouched;
}
