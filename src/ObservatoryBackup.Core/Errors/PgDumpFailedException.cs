namespace ObservatoryBackup.Errors;

/// <summary>pg_dump exited non-zero. The message carries its stderr, which libpq keeps free of passwords.</summary>
public sealed class PgDumpFailedException(int exitCode, string standardError)
    : ObsBackupException(ObsErrorKind.OperationFailed, "PgDumpFailed",
        $"pg_dump failed with exit code {exitCode}: {standardError.Trim()}", "pg_dump")
{
    public int ExitCode { get; } = exitCode;
    public string StandardError { get; } = standardError;
}
