using ObservatoryBackup.Configuration;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Backup;

/// <summary>What a backup run will do, worked out with read-only requests: the dry run reports it, the real run carries it out.</summary>
public sealed record BackupPlan
{
    public required ObsSettings Settings { get; init; }
    public required string ObjectName { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required string PgDumpPath { get; init; }
    public required PgVersion PgDumpVersion { get; init; }
    public required PgVersion ServerVersion { get; init; }
    public required bool BucketExists { get; init; }

    /// <summary>The newest earlier backup of the same database, to compare sizes with; null for the first.</summary>
    public StoredBackup? Previous { get; init; }

    /// <summary>Every backup of the database, this one included, with the rule that keeps it or expired.</summary>
    public IReadOnlyList<Retention.RetentionDecision> Decisions { get; init; } = [];

    /// <summary>Backups retention deletes after a successful upload.</summary>
    public required IReadOnlyList<string> Expired { get; init; }
    public required DateTimeOffset? Cutoff { get; init; }

    public DatabaseUrl Database => Settings.Database!;
}
