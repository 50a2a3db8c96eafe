using System.Security.Cryptography;
using CliWrap;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// psql applying SQL from a stream. ON_ERROR_STOP makes the first failing statement end the run with
/// a non-zero exit, so that a partial restore is never reported as a success.
/// </summary>
public sealed class PsqlProcess(string psqlPath, DatabaseUrl database)
{
    /// <summary>How every restore runs psql: no psqlrc, no prompt for a password, and the first failing statement ends it.</summary>
    internal static readonly string[] Options = ["--no-psqlrc", "--quiet", "--no-password", "--set", "ON_ERROR_STOP=1"];

    /// <summary>
    /// A key for psql's <c>\restrict</c>: once given it, psql refuses every meta-command but
    /// <c>\unrestrict</c> with this key, which no backup can know.
    /// </summary>
    public static string NewRestrictKey() =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 32);

    /// <summary>
    /// Runs psql on <paramref name="sql"/> and returns once psql has exited and nothing reads
    /// <paramref name="sql"/> any more: psql may exit before its input ends, and the caller may then
    /// read the rest of the stream itself.
    /// </summary>
    public async Task<(int ExitCode, string StandardError)> RunAsync(Stream sql, CancellationToken ct)
    {
        var pumped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var input = PipeSource.Create(async (stdin, token) =>
        {
            try { await sql.CopyToAsync(stdin, token).ConfigureAwait(false); }
            finally { pumped.TrySetResult(); }
        });
        // stdout is drained: psql dies of a broken pipe if nobody reads the results of the dump's SELECTs
        var result = await PgCommand.RunAsync(psqlPath, [.. Options], database,
            input, PipeTarget.ToStream(Stream.Null), ct).ConfigureAwait(false);
        // psql ran, so the pump did: it ends at once when psql's stdin is closed, and only then is the stream the caller's again
        await pumped.Task.ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// The psql found must be a PostgreSQL psql at least as new as the server (like pg_dump), and know
    /// <c>\restrict</c> (13.22, 14.19, 15.14, 16.10, 17.6 and later), which the restore relies on and
    /// which current pg_dump writes.
    /// </summary>
    public static async Task<PgVersion> CheckVersionAsync(string psqlPath, PgVersion server, CancellationToken ct)
    {
        var version = await PgVersion.OfToolAsync(psqlPath, ct).ConfigureAwait(false);
        if (version.Major < server.Major)
            throw new PgToolException(ObsErrorKind.ToolVersionMismatch, ErrorIds.PsqlTooOld, psqlPath,
                $"psql {version} ({psqlPath}) is older than the PostgreSQL {server} server. " +
                $"Install the PostgreSQL {server.Major} client (or newer) and use its psql (first on PATH, or configured as {SettingsResolver.PsqlVariable} does).");
        if (!KnowsRestrict(version))
            throw new PgToolException(ObsErrorKind.ToolVersionMismatch, ErrorIds.PsqlTooOld, psqlPath,
                $"psql {version} ({psqlPath}) predates \\restrict, which a restore needs to keep a backup's SQL from running psql commands " +
                $"(psql 13.22, 14.19, 15.14, 16.10, 17.6 or later). Update the PostgreSQL {version.Major} client.");
        return version;
    }

    private static bool KnowsRestrict(PgVersion v) => v.Major switch
    {
        < 13 => false,
        13 => v.Minor >= 22,
        14 => v.Minor >= 19,
        15 => v.Minor >= 14,
        16 => v.Minor >= 10,
        17 => v.Minor >= 6,
        _ => true,
    };
}
