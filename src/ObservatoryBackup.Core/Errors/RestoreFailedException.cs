namespace ObservatoryBackup.Errors;

/// <summary>psql stopped at an error while applying a backup.</summary>
/// <param name="objectName">The backup being restored, named in the message where the database is left partial.</param>
public sealed class RestoreFailedException(string database, int exitCode, string standardError, bool targetUntouched, string? missingRole = null, string? objectName = null)
    : ObsBackupException(ObsErrorKind.OperationFailed, ErrorIds.RestoreFailed,
        $"psql failed ({ExitStatus.Describe(exitCode)}) while restoring into \"{database}\": {standardError.Trim()}"
        + (missingRole is null ? "" : $" The role \"{missingRole}\" does not exist on this server: create it, or restore with ownership left out.")
        + (targetUntouched
            ? " The existing database was left untouched."
            : " " + PartialRestoreException.Advice(database, objectName)), database)
{
    public int ExitCode { get; } = exitCode;
    public string StandardError { get; } = standardError;
    public bool TargetUntouched { get; } = targetUntouched;

    /// <summary>A role the backup's objects belong to that the server lacks (the fresh-server case), or null.</summary>
    public string? MissingRole { get; } = missingRole;

    /// <summary>A tablespace the backup's objects are placed in that the server lacks, or null.</summary>
    public string? MissingTablespace
    {
        get;
        init
        {
            field = value;
            if (value is not null)
                _hint = $" The tablespace \"{value}\" does not exist on this server: create it, or restore with tablespaces left out (every object in the database's default tablespace).";
        }
    }

    private string _hint = "";

    public override string Message => base.Message + _hint;
}
