using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Metrics;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Monitoring;

/// <summary>
/// Whether backups are still being taken: the newest and oldest backup, their ages, how many and how
/// big. No backup at all, or a newest one older than the maximum age, is an error
/// (<see cref="EnsureFresh"/>), so that cron, CI or a monitoring check can run it as it is.
/// </summary>
public sealed class StatusEngine(ObsSettings settings, IBackupLog sink, TimeProvider? clock = null)
{
    /// <summary>Makes the object store; null for the S3 server of the settings (tests give an in-memory one).</summary>
    public ObjectStoreFactory? OpenStore { get; init; }

    /// <summary>A daily job plus slack.</summary>
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromHours(26);

    private readonly EventLog _log = new(sink, clock ?? TimeProvider.System);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task<BackupStatus> RunAsync(string? database, TimeSpan maxAge, CancellationToken ct)
    {
        IReadOnlyList<StoredBackup> backups;
        try
        {
            backups = await new BackupCatalog(settings.Storage, _log) { OpenStore = OpenStore, LogsListing = false }.ListAsync(new BackupQuery { Database = database }, ct).ConfigureAwait(false);
        }
        catch (StorageException ex) when (ex.ErrorId == ErrorIds.BucketNotFound)
        {
            backups = []; // no bucket yet: no backup has ever been taken, which is what a status reports
        }
        var now = _clock.GetUtcNow();
        var newest = backups.FirstOrDefault();
        var oldest = backups.LastOrDefault();
        var status = new BackupStatus
        {
            Bucket = settings.Storage.Bucket,
            Database = database,
            Count = backups.Count,
            TotalSize = backups.Sum(b => b.Size),
            Newest = newest,
            Oldest = oldest,
            NewestAge = newest is null ? null : now - newest.TakenAt,
            OldestAge = oldest is null ? null : now - oldest.TakenAt,
            MaxAge = maxAge,
        };
        var fields = new (string, object?)[]
        {
            ("bucket", status.Bucket), ("database", database), ("count", status.Count), ("size_bytes", status.TotalSize),
            ("newest_object_name", newest?.ObjectName), ("newest_age_seconds", status.NewestAge?.TotalSeconds),
            ("oldest_object_name", oldest?.ObjectName), ("max_age_seconds", maxAge.TotalSeconds), ("fresh", status.Fresh),
        };
        if (status.Fresh) _log.Info("backup_status", fields);
        else _log.Error("backup_status", fields);

        if (settings.MetricsPath is { } path)
            MetricsWriter.Write(_log, path, database ?? "", status.Bucket,
                [("obs_backup_count", status.Count), ("obs_backup_newest_timestamp_seconds", newest is null ? 0 : newest.TakenAt.ToUnixTimeSeconds())]);

        return status;
    }

    /// <summary>Raises what is wrong with <paramref name="status"/>: no backup (<c>NoBackups</c>), or a stale newest one (<c>BackupStale</c>).</summary>
    public void EnsureFresh(BackupStatus status)
    {
        var of = status.Database is null ? "" : $" of database \"{status.Database}\"";
        if (status.Newest is not { } newest)
            throw new BackupDataException(ObsErrorKind.NotFound, ErrorIds.NoBackups, status.Bucket,
                $"There is no backup{of} in bucket '{status.Bucket}' at {settings.Storage.Endpoint}.");
        if (!status.Fresh)
            throw new BackupDataException(ObsErrorKind.InvalidData, ErrorIds.BackupStale, newest.ObjectName,
                $"The newest backup{of}, '{newest.ObjectName}', is {HumanUnits.Duration(status.NewestAge!.Value)} old, more than the {HumanUnits.Duration(status.MaxAge)} allowed: is the backup job still running?");
    }
}
