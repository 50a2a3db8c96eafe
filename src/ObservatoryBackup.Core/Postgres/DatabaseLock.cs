using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// The one lock that backups, restores and tests of a database take, so that none of them runs
/// beside another of the same database (two cron lines, two hosts, a restore started during a
/// backup). It is a session advisory lock named for the database, taken in the server's
/// maintenance database (the target itself is renamed and dropped by restores, and may not exist
/// yet), and released when that session ends, however the process ends.
/// </summary>
public static class DatabaseLock
{
    /// <summary>What a run does, as its lock session says in its application_name and the error names it.</summary>
    public enum Run { Backup, Restore, Test }

    /// <summary>The lock's name, hashed to its key.</summary>
    internal static string Resource(string database) => $"{DatabaseAdmin.ApplicationName} database {database}";

    /// <summary>The application_name of a run's lock session.</summary>
    private static string Purpose(Run run) => run.ToString().ToLowerInvariant();

    /// <summary>
    /// Takes the lock on <paramref name="database"/> for the life of <paramref name="session"/>, or fails
    /// at once with <c>BackupInProgress</c>, <c>RestoreInProgress</c> or <c>TestInProgress</c>, naming the run that holds it.
    /// </summary>
    private static async Task TakeAsync(DatabaseAdmin session, string database, Run run, CancellationToken ct)
    {
        if (await session.TryLockAsync(Resource(database), ct).ConfigureAwait(false)) return;
        var holder = await session.LockHolderAsync(Resource(database), ct).ConfigureAwait(false);
        var other = holder is { } h && h.ApplicationName.StartsWith(DatabaseAdmin.ApplicationName + " ", StringComparison.Ordinal)
            && Enum.TryParse<Run>(h.ApplicationName[(DatabaseAdmin.ApplicationName.Length + 1)..], ignoreCase: true, out var held)
            ? held
            : (Run?)null;
        var who = other is null ? "Another run of ObservatoryBackup" : $"A {Purpose(other.Value)}";
        var since = holder is { } s ? $" (server process {s.Pid}, connected {s.Since.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC)" : "";
        throw new DatabaseException(ObsErrorKind.Busy, InProgress(other ?? run),
            $"{who} of database \"{database}\" on {session.Url.Host}:{session.Url.Port} is running{since} and holds ObservatoryBackup's lock on it; " +
            $"this {Purpose(run)} did not start.", database);
    }

    private static string InProgress(Run run) => run switch
    {
        Run.Backup => ErrorIds.BackupInProgress,
        Run.Restore => ErrorIds.RestoreInProgress,
        _ => ErrorIds.TestInProgress,
    };

    /// <summary>
    /// A maintenance session holding the lock on <paramref name="database"/> for as long as it is open:
    /// the backup's only use of it; a restore or test also administers the server through it.
    /// </summary>
    public static async Task<DatabaseAdmin> AcquireAsync(Configuration.DatabaseUrl url, string database, Run run, CancellationToken ct)
    {
        var session = await DatabaseAdmin.ConnectMaintenanceAsync(url, ct, Purpose(run)).ConfigureAwait(false);
        try
        {
            await TakeAsync(session, database, run, ct).ConfigureAwait(false);
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
