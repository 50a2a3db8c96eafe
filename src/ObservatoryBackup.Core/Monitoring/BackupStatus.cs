using ObservatoryBackup.Naming;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Monitoring;

/// <summary>The state of one database's backups in a bucket (or of the server's globals), for monitoring: Get-ObsBackupStatus, obs-backup status.</summary>
public sealed record BackupStatus
{
    public required string Bucket { get; init; }

    /// <summary>The database, as backups' names record it; empty for the server's globals (<see cref="Globals"/>).</summary>
    public required string Database { get; init; }

    /// <summary>Whether this is the status of the server's globals backups (roles, tablespaces), not a database's.</summary>
    public bool Globals => Database == BackupKey.Globals;

    /// <summary>The backups counted: every one but the <see cref="Suspect"/> ones.</summary>
    public required int Count { get; init; }
    public required long TotalSize { get; init; }
    public StoredBackup? Newest { get; init; }
    public StoredBackup? Oldest { get; init; }
    public TimeSpan? NewestAge { get; init; }
    public TimeSpan? OldestAge { get; init; }
    public required TimeSpan MaxAge { get; init; }

    /// <summary>Objects whose name's time cannot be true (<see cref="SuspectName"/>): named, never counted, never the newest.</summary>
    public IReadOnlyList<StoredBackup> Suspect { get; init; } = [];

    /// <summary>True when there is a backup no older than <see cref="MaxAge"/>.</summary>
    public bool Fresh => NewestAge is { } age && age <= MaxAge;
}
