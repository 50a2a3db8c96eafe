namespace ObservatoryBackup.Errors;

/// <summary>
/// pg_dump failed: it exited non-zero, or exited 0 without writing its completion line. The message
/// carries its stderr, which libpq keeps free of passwords.
/// </summary>
public sealed class PgDumpFailedException : ObsBackupException
{
    public PgDumpFailedException(int exitCode, string standardError)
        : base(ObsErrorKind.OperationFailed, ErrorIds.PgDumpFailed, $"pg_dump failed ({ExitStatus.Describe(exitCode)}): {standardError.Trim()}", "pg_dump")
    {
        ExitCode = exitCode;
        StandardError = standardError;
    }

    private PgDumpFailedException(string errorId, string message, string standardError)
        : base(ObsErrorKind.InvalidData, errorId, message, "pg_dump")
    {
        StandardError = standardError;
    }

    /// <summary>pg_dump said it succeeded, but its output does not end with the completion line: it was cut short.</summary>
    /// <param name="openCopyTable">The table whose COPY data the output ends inside, if it does.</param>
    public static PgDumpFailedException Incomplete(long bytes, string? openCopyTable, string standardError) =>
        new(ErrorIds.PgDumpIncomplete,
            $"pg_dump exited successfully but its {bytes:N0} bytes of output "
            + (openCopyTable is null ? "do not end with its completion line" : $"end inside the COPY data of {openCopyTable}")
            + "; the dump is incomplete and was not stored."
            + (string.IsNullOrWhiteSpace(standardError) ? "" : $" pg_dump said: {standardError.Trim()}"),
            standardError);

    public int ExitCode { get; }
    public string StandardError { get; }
}
