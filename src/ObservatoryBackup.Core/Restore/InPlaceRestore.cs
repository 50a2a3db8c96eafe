using ObservatoryBackup.Errors;
using ObservatoryBackup.Format;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Restore;

/// <summary>
/// The restore in place: download to a private temporary file and prove it whole, then terminate
/// connections, drop, recreate and load; a failure after the drop says the database is partial.
/// </summary>
internal static class InPlaceRestore
{
    /// <returns>Whether an existing database was replaced, and what the backup carried.</returns>
    public static async Task<(bool Replaced, DumpSummary Summary)> RunAsync(RestoreTarget target, DatabaseAdmin admin, BackupStore store, StoredBackup stored, CancellationToken ct)
    {
        // nothing is dropped before the backup is proven whole: it is downloaded and verified first
        var temp = RestoreTempFile.Create(target.Settings.TempDirectory);
        try
        {
            var verified = await VerifiedDownload.RunAsync(store, stored, temp, target.Settings.Identities, target.NoOwner, target.NoTablespaces, target.Sink, target.Log, ct).ConfigureAwait(false);
            temp.Stream.Position = 0;
            return (await ReplaceAsync(target, admin, temp.Stream, stored.ObjectName, verified, ct).ConfigureAwait(false), verified);
        }
        finally
        {
            await temp.DisposeAsync().ConfigureAwait(false);
            target.Log.Info("temp_file_removed", ("path", temp.Path));
        }
    }

    private static async Task<bool> ReplaceAsync(RestoreTarget target, DatabaseAdmin admin, Stream file, string objectName, DumpSummary verified, CancellationToken ct)
    {
        var database = target.Db.Database;
        var exists = await admin.DatabaseExistsAsync(database, ct).ConfigureAwait(false);
        if (exists)
        {
            await target.RefuseExistingAsync(admin, database, ct).ConfigureAwait(false);
            var terminated = await admin.TerminateConnectionsAsync(database, ct).ConfigureAwait(false);
            target.Log.Info("terminate_connections", ("database", database), ("terminated", terminated));
            // never cancelled: a cancelled DROP DATABASE leaves an invalid database behind
            await admin.DropDatabaseAsync(database, CancellationToken.None).ConfigureAwait(false);
            target.Log.Info("drop_database", ("database", database));
        }
        // from here the target is gone or partial: whatever stops the restore, the error says so
        try
        {
            await admin.CreateDatabaseAsync(database, ct).ConfigureAwait(false);
            target.Log.Info("create_database", ("database", database));
            await target.LoadContainedAsync(database, database, objectName, targetUntouched: false, async loader =>
            {
                await loader.LoadAsync(file, file.Length, database, targetUntouched: false, ct).ConfigureAwait(false);
                return verified;
            }, (loadRole, loaded) => target.ProveLoadedAsync(loadRole, database, objectName, loaded, PartialRestoreException.Advice(database, objectName), ct), ct).ConfigureAwait(false);
            await target.ApplyPropertiesAsync(admin, database, objectName, verified, ct).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (Partial(database, objectName, ex) is not { } partial) throw;
            throw partial;
        }
        return exists;
    }

    /// <summary>
    /// What a failure after the drop is reported as: a partial restore, unless it already says what
    /// became of the database (psql's failure, a loaded database that does not match).
    /// </summary>
    private static PartialRestoreException? Partial(string database, string objectName, Exception ex) => ex switch
    {
        OperationCanceledException => new PartialRestoreException(database, objectName, "was interrupted before it finished loading", ex),
        RestoreFailedException or ObsBackupException { ErrorId: ErrorIds.RestoreMismatch } => null,
        ObsBackupException => new PartialRestoreException(database, objectName, $"failed before it finished loading: {ex.Message}", ex),
        _ => null,
    };
}
