using CliWrap;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Postgres;

/// <summary>pg_dump in plain SQL format, writing into a stream. CliWrap runs it: async pipes, cancellation kills it.</summary>
public sealed class PgDumpProcess(string pgDumpPath, DatabaseUrl database)
{
    /// <summary>Streams the dump into <paramref name="output"/> and returns once pg_dump has exited successfully.</summary>
    /// <exception cref="PgDumpFailedException">pg_dump exited non-zero.</exception>
    public async Task DumpAsync(Stream output, CancellationToken ct)
    {
        var (exitCode, stderr) = await PgCommand.RunAsync(pgDumpPath, ["--format=plain", "--no-password"], database,
            PipeSource.Null, PipeTarget.ToStream(output), ct).ConfigureAwait(false);
        if (exitCode != 0) throw new PgDumpFailedException(exitCode, stderr);
    }
}
