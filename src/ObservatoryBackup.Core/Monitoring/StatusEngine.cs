using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Metrics;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Monitoring;

/// <summary>
/// Whether backups are still being taken, per database: the newest and oldest backup, their ages, how
/// many and how big. No backup at all, or a newest one older than the maximum age, is an error
/// (<see cref="EnsureFresh(BackupStatus)"/>), so that cron, CI or a monitoring check can run it as it
/// is. An object whose name's time cannot be true (<see cref="SuspectName"/>) is named in a warning
/// (suspect_backup) and never counted: a name in the future must not make a stale database look fresh.
/// </summary>
public sealed class StatusEngine(ObsSettings settings, IBackupLog sink, TimeProvider? clock = null)
{
    /// <summary>Makes the object store; null for the S3 server of the settings (tests give an in-memory one).</summary>
    public ObjectStoreFactory? OpenStore { get; init; }

    /// <summary>A daily job plus slack.</summary>
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromHours(26);

    private readonly EventLog _log = new(sink, clock ?? TimeProvider.System);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>The status of <paramref name="database"/>'s backups (<see cref="BackupKey.Globals"/>: the server's globals').</summary>
    public async Task<BackupStatus> RunAsync(string database, TimeSpan maxAge, CancellationToken ct) =>
        Report(StatusOf(database, await ListAsync(database, ct).ConfigureAwait(false), maxAge));

    /// <summary>
    /// The status of every database with an object in the bucket, by name, the server's globals as one
    /// of them (a server run backs them up with its databases): one listing, one status each.
    /// </summary>
    public async Task<IReadOnlyList<BackupStatus>> RunAllAsync(TimeSpan maxAge, CancellationToken ct)
    {
        var backups = await ListAsync(null, ct).ConfigureAwait(false);
        return [.. backups.Where(b => b.Database is not null).GroupBy(b => b.Database!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Report(StatusOf(g.Key, [.. g], maxAge)))];
    }

    private async Task<IReadOnlyList<StoredBackup>> ListAsync(string? database, CancellationToken ct)
    {
        try
        {
            return await new BackupCatalog(settings.Storage, _log) { OpenStore = OpenStore, LogsListing = false }.ListAsync(new BackupQuery { Database = database }, ct).ConfigureAwait(false);
        }
        catch (StorageException ex) when (ex.ErrorId == ErrorIds.BucketNotFound)
        {
            return []; // no bucket yet: no backup has ever been taken, which is what a status reports
        }
    }

    /// <param name="listed">The database's objects, newest first.</param>
    private BackupStatus StatusOf(string database, IReadOnlyList<StoredBackup> listed, TimeSpan maxAge)
    {
        var now = _clock.GetUtcNow();
        var backups = listed.Where(b => !b.Suspect).ToList();
        var (newest, oldest) = (backups.FirstOrDefault(), backups.LastOrDefault());
        return new BackupStatus
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
            Suspect = [.. listed.Where(b => b.Suspect)],
        };
    }

    /// <summary>Logs <paramref name="status"/> (its suspect objects, then backup_status) and writes its metrics.</summary>
    private BackupStatus Report(BackupStatus status)
    {
        foreach (var suspect in status.Suspect)
            _log.Warning("suspect_backup", ("object_name", suspect.ObjectName), ("database", status.Database), ("reason", suspect.SuspectReason),
                ("named_at", suspect.Timestamp), ("last_modified", suspect.LastModified));
        var fields = new (string, object?)[]
        {
            ("bucket", status.Bucket), ("database", status.Database), ("count", status.Count), ("size_bytes", status.TotalSize),
            ("newest_object_name", status.Newest?.ObjectName), ("newest_age_seconds", status.NewestAge?.TotalSeconds),
            ("oldest_object_name", status.Oldest?.ObjectName), ("max_age_seconds", status.MaxAge.TotalSeconds), ("fresh", status.Fresh),
            ("suspect", status.Suspect.Count),
        };
        if (status.Fresh) _log.Info("backup_status", fields);
        else _log.Error("backup_status", fields);

        if (settings.MetricsPath is { } path)
            MetricsWriter.Write(_log, path, BackupKey.MetricsLabel(status.Database), status.Bucket,
                [("obs_backup_count", status.Count), ("obs_backup_newest_timestamp_seconds", status.Newest is { } newest ? newest.TakenAt.ToUnixTimeSeconds() : 0)]);
        return status;
    }

    /// <summary>Raises what is wrong with <paramref name="status"/>: no backup (<c>NoBackups</c>), or a stale newest one (<c>BackupStale</c>).</summary>
    public void EnsureFresh(BackupStatus status)
    {
        if (status.Newest is null)
            throw new BackupDataException(ObsErrorKind.NotFound, ErrorIds.NoBackups, status.Bucket,
                $"There is no backup {Of(status)} in bucket '{status.Bucket}' at {settings.Storage.Endpoint}{SuspectNote(status)}.");
        if (!status.Fresh) throw Stale([status]);
    }

    /// <summary>
    /// Raises what is wrong with <paramref name="statuses"/> (every database's): none at all
    /// (<c>NoBackups</c>), or any database with no backup or a stale newest one (<c>BackupStale</c>, naming each).
    /// </summary>
    public void EnsureFresh(IReadOnlyList<BackupStatus> statuses)
    {
        if (statuses.Count == 0)
            throw new BackupDataException(ObsErrorKind.NotFound, ErrorIds.NoBackups, settings.Storage.Bucket,
                $"There is no backup in bucket '{settings.Storage.Bucket}' at {settings.Storage.Endpoint}.");
        if (statuses.Where(s => !s.Fresh).ToList() is { Count: > 0 } stale) throw Stale(stale);
    }

    private BackupDataException Stale(IReadOnlyList<BackupStatus> stale)
    {
        var what = stale.Select(s => s.Newest is { } newest
            ? $"the newest backup {Of(s)}, '{newest.ObjectName}', is {Describe(s.NewestAge!.Value)} old, more than the {Describe(s.MaxAge)} allowed"
            : $"there is no backup {Of(s)}{SuspectNote(s)}");
        var first = stale[0].Newest?.ObjectName ?? stale[0].Database;
        return new BackupDataException(ObsErrorKind.InvalidData, ErrorIds.BackupStale, first,
            $"{Capitalized(string.Join("; ", what))}: is the backup job still running?");
    }

    private static string Of(BackupStatus status) => status.Globals ? "of the server's globals" : $"of database \"{status.Database}\"";

    private static string SuspectNote(BackupStatus status) =>
        status.Suspect.Count == 0 ? "" : $" (left out, their names' times cannot be true: {string.Join(", ", status.Suspect.Select(s => $"'{s.ObjectName}' ({s.SuspectReason})"))})";

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string Describe(TimeSpan span) =>
        span.TotalDays >= 2 ? $"{span.TotalDays:0.#} days" : span.TotalHours >= 1 ? $"{span.TotalHours:0.#} hours" : $"{span.TotalMinutes:0} minutes";
}
