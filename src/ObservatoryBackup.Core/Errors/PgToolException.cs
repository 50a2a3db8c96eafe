namespace ObservatoryBackup.Errors;

/// <summary>pg_dump or psql could not be found, or is too old for the server.</summary>
public sealed class PgToolException(ObsErrorKind kind, string errorId, string tool, string message)
    : ObsBackupException(kind, errorId, message, tool)
{
    public static PgToolException NotFound(string tool, string searched) =>
        new(ObsErrorKind.ToolNotFound, $"{tool}NotFound", tool,
            $"{tool} was not found ({searched}). Install the PostgreSQL client or give its path.");
}
