using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Retention;

/// <summary>
/// Pins: a pinned backup is one retention never deletes, whatever its age or the keep rules (a
/// backup from before a migration, one an audit asked for). Only an existing backup under the
/// cluster's prefix can be pinned; each pin and unpin is logged.
/// </summary>
public sealed class BackupPins(StorageSettings storage, IBackupLog sink, TimeProvider? clock = null)
{
    /// <summary>Makes the object store; null for the S3 server of the settings (tests give an in-memory one).</summary>
    public ObjectStoreFactory? OpenStore { get; init; }

    private readonly EventLog _log = new(sink, clock ?? TimeProvider.System);

    /// <summary>Pins <paramref name="objectName"/>; returns it as listed, pinned.</summary>
    public async Task<StoredBackup> PinAsync(string objectName, CancellationToken ct)
    {
        using var store = BackupStore.Open(storage, _log, OpenStore);
        var stored = await ExistingAsync(store, objectName, ct).ConfigureAwait(false);
        await store.PinAsync(objectName, ct).ConfigureAwait(false);
        _log.Info("backup_pinned", ("object_name", objectName), ("bucket", storage.Bucket));
        return stored with { Pinned = true };
    }

    /// <summary>Unpins <paramref name="objectName"/>: retention judges it again. A backup that is gone can still be unpinned.</summary>
    public async Task UnpinAsync(string objectName, CancellationToken ct)
    {
        BackupKey.ValidateForRestore(objectName, storage.Prefix);
        using var store = BackupStore.Open(storage, _log, OpenStore);
        await store.UnpinAsync(objectName, ct).ConfigureAwait(false);
        _log.Info("backup_unpinned", ("object_name", objectName), ("bucket", storage.Bucket));
    }

    private async Task<StoredBackup> ExistingAsync(BackupStore store, string objectName, CancellationToken ct)
    {
        BackupKey.ValidateForRestore(objectName, storage.Prefix);
        return await store.RequireAsync(objectName, ct, ": nothing to pin").ConfigureAwait(false);
    }
}
