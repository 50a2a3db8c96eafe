using ObservatoryBackup.Logging;
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

    /// <summary>The newest backup's age in human units ("3 h 12 min"), or null when there is none; <see cref="NewestAge"/> is the raw span.</summary>
    public string? NewestAgeText => NewestAge is { } age ? HumanUnits.Duration(age) : null;

    /// <summary>The oldest backup's age in human units, or null when there is none.</summary>
    public string? OldestAgeText => OldestAge is { } age ? HumanUnits.Duration(age) : null;

    /// <summary>The total size in human units ("60.7 MiB"); <see cref="TotalSize"/> is the byte count.</summary>
    public string TotalSizeText => HumanUnits.Size(TotalSize);

    /// <summary>
    /// One line for people: "observatory: 12 backups, 730.2 MiB; newest 3 h 12 min old (fresh: at most 1 d 2 h)",
    /// or "no backup" for none.
    /// </summary>
    public override string ToString()
    {
        var of = Globals ? "the server's globals" : Database;
        if (NewestAge is not { } newest) return $"{of}: no backup in bucket '{Bucket}'";
        var plural = Count == 1 ? "backup" : "backups";
        var verdict = Fresh ? "fresh" : "STALE";
        return $"{of}: {Count} {plural}, {TotalSizeText}; newest {HumanUnits.Duration(newest)} old ({verdict}: at most {HumanUnits.Duration(MaxAge)}), oldest {OldestAgeText} old";
    }
}
