using ObservatoryBackup.Errors;
using ObservatoryBackup.Format;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Restore;

/// <summary>
/// The default restore: stream the backup from the store through the checks into a fresh staging
/// database, prove it holds what the stream carried, then swap it in by renaming, in one transaction
/// that a signal cannot split. Until the swap the database users see is left as it was.
/// </summary>
internal static class StagedRestore
{
    /// <returns>Whether an existing database was replaced, and what the backup carried.</returns>
    public static async Task<(bool Replaced, DumpSummary Summary)> RunAsync(RestoreTarget target, DatabaseAdmin admin, BackupStore store, StoredBackup stored, DateTimeOffset now, CancellationToken ct)
    {
        var database = target.Db.Database;
        var stamp = StagingNames.Stamp(now);
        var staging = StagingNames.NameWithSuffix(database, StagingNames.StagingSuffix + stamp);
        var old = StagingNames.NameWithSuffix(database, StagingNames.ReplacedSuffix + stamp);
        DumpSummary summary;

        await admin.DropDatabaseAsync(staging, ct).ConfigureAwait(false);
        await admin.CreateDatabaseAsync(staging, ct).ConfigureAwait(false);
        target.Log.Info("create_database", ("database", staging), ("staging", true));
        try
        {
            // streamed from the store, verified on its way in, then what was loaded is proven against what the stream carried
            summary = await target.LoadContainedAsync(database, staging, stored.ObjectName, targetUntouched: true, async loader =>
            {
                await using var download = new StreamingDownload(store, stored, target.Log, target.Sink.Progress, ct);
                return await loader.LoadVerifiedAsync(download.Content, stored, staging, targetUntouched: true, ct).ConfigureAwait(false);
            }, (loadRole, loaded) => target.ProveLoadedAsync(loadRole, staging, stored.ObjectName, loaded, $"The staging database was dropped; \"{database}\" was left as it was.", ct), ct).ConfigureAwait(false);
            await target.ApplyPropertiesAsync(admin, staging, stored.ObjectName, summary, ct).ConfigureAwait(false);
            // the last point at which a signal stops the restore: the swap below runs to its end
            ct.ThrowIfCancellationRequested();
        }
        catch
        {
            await RestoreTarget.DropQuietlyAsync(admin, staging).ConfigureAwait(false);
            throw;
        }
        return (await SwapInAsync(target, admin, staging, database, old).ConfigureAwait(false), summary);
    }

    /// <summary>
    /// Puts the staging database in the target's place: keep newcomers out, end current sessions, then
    /// both renames in one transaction, so the target is always either the old database or the new one.
    /// Not cancellable: once it starts the restore is done, and the old database is dropped without a
    /// cancel request (a cancelled DROP DATABASE leaves an invalid database behind).
    /// </summary>
    private static async Task<bool> SwapInAsync(RestoreTarget target, DatabaseAdmin admin, string staging, string database, string old)
    {
        var none = CancellationToken.None;
        var exists = await admin.DatabaseExistsAsync(database, none).ConfigureAwait(false);
        if (exists && target.Part is not null)
        {
            // made since the restore began: a part never replaces a database
            await RestoreTarget.DropQuietlyAsync(admin, staging).ConfigureAwait(false);
            throw RestoreTarget.PartRefused(database);
        }
        try
        {
            if (exists)
            {
                await admin.SetAllowConnectionsAsync(database, false, none).ConfigureAwait(false);
                var terminated = await admin.TerminateConnectionsAsync(database, none).ConfigureAwait(false);
                target.Log.Info("terminate_connections", ("database", database), ("terminated", terminated));
            }
            await admin.SwapInAsync(staging, database, exists ? old : null, none).ConfigureAwait(false);
        }
        catch
        {
            if (exists) await admin.SetAllowConnectionsAsync(database, true, none).ConfigureAwait(false);
            await RestoreTarget.DropQuietlyAsync(admin, staging).ConfigureAwait(false);
            throw;
        }
        target.Log.Info("rename_database", ("from", staging), ("to", database));
        if (exists)
        {
            try
            {
                await admin.DropDatabaseAsync(old, none).ConfigureAwait(false);
                target.Log.Info("drop_database", ("database", old), ("replaced", database));
            }
            catch (ObsBackupException ex)
            {
                // the restore is done; what is left is cleanup, which the next restore of this target retries
                target.Log.Warning("cleanup_failed", ("database", old), ("replaced", database), ("error", ex.Message));
            }
        }
        return exists;
    }
}
