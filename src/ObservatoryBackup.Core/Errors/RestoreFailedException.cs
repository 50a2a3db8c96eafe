namespace ObservatoryBackup.Errors;

/// <summary>psql stopped at an error while applying a backup.</summary>
public sealed class RestoreFailedException(string database, int exitCode, string standardError, bool targetUntouched, string? missingRole = null)
    : ObsBackupException(ObsErrorKind.OperationFailed, "RestoreFailed",
        $"psql failed ({ExitStatus.Describe(exitCode)}) while restoring into \"{database}\": {standardError.Trim()}"
        + (missingRole is null ? "" : $" The role \"{missingRole}\" does not exist on this server: create it, or restore with ownership left out.")
        + (targetUntouched
            ? " The existing database was left untouched."
            : $" The database \"{database}\" now holds a partial restore: restore it again, or from an earlier backup."), database)
{
    public int ExitCode { get; } = exitCode;
    public string StandardError { get; } = standardError;
    public bool TargetUntouched { get; } = targetUntouched;

    /// <summary>A role the backup's objects belong to that the server lacks (the fresh-server case), or null.</summary>
    public string? MissingRole { get; } = missingRole;
}
