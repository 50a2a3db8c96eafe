using ObservatoryBackup.Store;

namespace ObservatoryBackup.Monitoring;

/// <summary>The state of a bucket's backups (of one database, or all), for monitoring: Get-ObsBackupStatus, obs-backup status.</summary>
public sealed record BackupStatus
{
    public required string Bucket { get; init; }

    /// <summary>The database asked about; null for every backup in the bucket.</summary>
    public string? Database { get; init; }
    public required int Count { get; init; }
    public required long TotalSize { get; init; }
    public StoredBackup? Newest { get; init; }
    public StoredBackup? Oldest { get; init; }
    public TimeSpan? NewestAge { get; init; }
    public TimeSpan? OldestAge { get; init; }
    public required TimeSpan MaxAge { get; init; }

    /// <summary>True when there is a backup no older than <see cref="MaxAge"/>.</summary>
    public bool Fresh => NewestAge is { } age && age <= MaxAge;
}
