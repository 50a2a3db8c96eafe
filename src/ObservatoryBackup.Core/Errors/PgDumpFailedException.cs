namespace ObservatoryBackup.Errors;

/// <summary>
/// pg_dump failed: it exited non-zero, or exited 0 without writing its completion line. The message
/// carries its stderr, which libpq keeps free of passwords.
/// </summary>
public sealed class PgDumpFailedException : ObsBackupException
{
    /// <param name="tool">pg_dump, or pg_dumpall for the server's globals.</param>
    public PgDumpFailedException(int exitCode, string standardError, string tool = "pg_dump")
        : base(ObsErrorKind.OperationFailed, ErrorIds.PgDumpFailed, $"{tool} failed ({ExitStatus.Describe(exitCode)}): {standardError.Trim()}", tool)
    {
        ExitCode = exitCode;
        StandardError = standardError;
    }

    private PgDumpFailedException(string errorId, string message, string standardError, string tool)
        : base(ObsErrorKind.InvalidData, errorId, message, tool)
    {
        StandardError = standardError;
    }

    /// <summary>pg_dump said it succeeded, but its output does not end with the completion line: it was cut short.</summary>
    /// <param name="openCopyTable">The table whose COPY data the output ends inside, if it does.</param>
    public static PgDumpFailedException Incomplete(long bytes, string? openCopyTable, string standardError, string tool = "pg_dump") =>
        new(ErrorIds.PgDumpIncomplete,
            $"{tool} exited successfully but its {bytes:N0} bytes of output "
            + (openCopyTable is null ? "do not end with its completion line" : $"end inside the COPY data of {openCopyTable}")
            + "; the dump is incomplete and was not stored."
            + (string.IsNullOrWhiteSpace(standardError) ? "" : $" {tool} said: {standardError.Trim()}"),
            standardError, tool);

    public int ExitCode { get; }
    public string StandardError { get; }
}
