using CliWrap;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// psql applying SQL from a stream. ON_ERROR_STOP makes the first failing statement end the run with
/// a non-zero exit, where the replaced script carried on and called a partial restore a success.
/// </summary>
public sealed class PsqlProcess(string psqlPath, DatabaseUrl database)
{
    // stdout is drained: psql dies of a broken pipe if nobody reads the results of the dump's SELECTs
    public Task<(int ExitCode, string StandardError)> RunAsync(Stream sql, CancellationToken ct) =>
        PgCommand.RunAsync(psqlPath, ["--no-psqlrc", "--quiet", "--no-password", "--set", "ON_ERROR_STOP=1"], database,
            PipeSource.FromStream(sql), PipeTarget.ToStream(Stream.Null), ct);
}
