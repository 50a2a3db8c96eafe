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
    /// <summary>The lock's name, hashed to its key.</summary>
    internal const string Resource = "ObservatoryBackup backup";

    private readonly DatabaseAdmin _session;

    private BackupLock(DatabaseAdmin session) => _session = session;

    /// <summary>Takes the lock, or fails at once with <c>BackupInProgress</c> when another backup holds it.</summary>
    public static async Task<BackupLock> AcquireAsync(DatabaseUrl url, CancellationToken ct)
    {
        var session = await DatabaseAdmin.ConnectAsync(url, ct).ConfigureAwait(false);
        try
        {
            if (await session.TryLockAsync(Resource, ct).ConfigureAwait(false))
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
