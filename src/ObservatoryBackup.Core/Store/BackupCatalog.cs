using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Naming;

namespace ObservatoryBackup.Store;

/// <summary>
/// Lists the backups in the bucket, newest first, logging the listing (listing_backups,
/// list_failed) unless <see cref="LogsListing"/> is off; the store's retries are logged always.
/// </summary>
public sealed class BackupCatalog(StorageSettings storage, EventLog log)
{
    /// <summary>Whether the listing itself is logged; a use case that lists in passing (a status check) turns it off.</summary>
    public bool LogsListing { get; init; } = true;

    /// <summary>Makes the object store; null for the S3 server of the settings (tests give an in-memory one).</summary>
    public ObjectStoreFactory? OpenStore { get; init; }

    public async Task<IReadOnlyList<StoredBackup>> ListAsync(BackupQuery query, CancellationToken ct)
    {
        if (LogsListing) log.Info("listing_backups", ("bucket", storage.Bucket), ("endpoint", storage.Endpoint), ("prefix", storage.Prefix));
        try
        {
            return await ListQuietlyAsync(query, ct).ConfigureAwait(false);
        }
        catch (ObsBackupException ex) when (LogsListing)
        {
            log.Error("list_failed", ("bucket", storage.Bucket), ("error", ex.Message), ("error_id", ex.ErrorId));
            throw;
        }
    }

    /// <summary>
    /// The newest backup (of <paramref name="database"/>, when given) whose name is not
    /// <see cref="StoredBackup.Suspect"/>: what "--latest" and "-Latest" name. None is <c>NoBackups</c> (NotFound), naming the bucket and the database.
    /// </summary>
    public async Task<StoredBackup> NewestAsync(string? database, CancellationToken ct) =>
        (await ListAsync(new BackupQuery { Latest = true, Database = database }, ct).ConfigureAwait(false)).FirstOrDefault()
        ?? throw new BackupDataException(ObsErrorKind.NotFound, ErrorIds.NoBackups, database ?? storage.Bucket,
            $"There is no backup{(database is null ? "" : $" of database \"{database}\"")} in bucket '{storage.Bucket}' at {storage.Endpoint}.");

    private async Task<IReadOnlyList<StoredBackup>> ListQuietlyAsync(BackupQuery query, CancellationToken ct)
    {
        using var store = BackupStore.Open(storage, log, OpenStore);
        var all = new List<StoredBackup>();
        await foreach (var item in store.ListAsync(ct).ConfigureAwait(false))
        {
            var at = item.TakenAt;
            if (query.NameFilter is { } match && !match(item.ObjectName)) continue;
            if (query.Database is { } database && item.Database != database) continue;
            if (query.After is { } after && at <= after) continue;
            if (query.Before is { } before && at >= before) continue;
            all.Add(item);
        }

        var newestFirst = all
            .OrderByDescending(b => b.TakenAt)
            .ThenByDescending(b => b.LastModified)
            .ThenByDescending(b => b.ObjectName, StringComparer.Ordinal);
        // a suspect name (one ahead of the clock, or of its own writing) is never the newest backup
        return query.Latest ? newestFirst.Where(b => !b.Suspect).Take(1).ToList() : newestFirst.ToList();
    }
}
