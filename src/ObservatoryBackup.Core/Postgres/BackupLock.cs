using Npgsql;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// A session advisory lock on the database being backed up, held for the whole backup, so that two
/// backups of one database never run at once (two cron lines, two hosts). Advisory locks belong to
/// their database and are released when the session ends, however the process ends.
/// </summary>
public sealed class BackupLock : IAsyncDisposable
{
    /// <summary>The lock's key: "OBSBACK" in ASCII.</summary>
    internal const long Key = 0x4F_42_53_42_41_43_4B;

    private readonly NpgsqlConnection _session;

    private BackupLock(NpgsqlConnection session) => _session = session;

    /// <summary>Takes the lock, or fails at once with <c>BackupInProgress</c> when another backup holds it.</summary>
    public static async Task<BackupLock> AcquireAsync(DatabaseUrl url, CancellationToken ct)
    {
        var session = await DatabaseAdmin.OpenAsync(url, url.Database, ct).ConfigureAwait(false);
        try
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", session) { Parameters = { new() { Value = Key } } };
            if ((bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!)
                return new BackupLock(session);
            throw new DatabaseException(ObsErrorKind.Busy, "BackupInProgress",
                $"Another backup of database \"{url.Database}\" on {url.Host}:{url.Port} is running (it holds ObservatoryBackup's lock on the database); this one did not start.",
                url.Database);
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Ends the session, which releases the lock.</summary>
    public ValueTask DisposeAsync() => _session.DisposeAsync();
}
