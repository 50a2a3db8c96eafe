using CliWrap;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.Dump;

/// <summary>pg_dump in plain SQL format, writing into a stream. CliWrap runs it: async pipes, cancellation kills it.</summary>
public sealed class PgDumpProcess(string pgDumpPath, DatabaseUrl database)
{
    /// <summary>Streams the dump into <paramref name="output"/>; returns the exit code and stderr once the process has exited.</summary>
    public Task<(int ExitCode, string StandardError)> RunAsync(Stream output, CancellationToken ct) =>
        PgCommand.RunAsync(pgDumpPath, ["--format=plain", "--no-password"], database, PipeSource.Null, PipeTarget.ToStream(output), ct);
}
