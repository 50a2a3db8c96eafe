namespace ObservatoryBackup.Metrics;

/// <summary>Which run writes a metric: each series has exactly one writer, so no sum counts a thing twice.</summary>
public enum MetricsRun
{
    /// <summary>A backup (Invoke-ObsBackup, obs-backup backup): how its last run went.</summary>
    Backup,

    /// <summary>A restore test (Test-ObsBackup, obs-backup test): how the last test went.</summary>
    Test,

    /// <summary>A status check (Get-ObsBackupStatus, obs-backup status): what the bucket holds.</summary>
    Status,
}

/// <summary>
/// A metric family we write into the textfile: its name, help text, which run writes it and the labels
/// of its series. <see cref="All"/> is the catalogue: the file holds nothing else, the metrics reference
/// (docs/OPERATIONS.md) documents each, and the alert rules and dashboard use no other name (all tested).
/// Every family is a gauge (each sample is the state a run left, not a count across runs); the names
/// follow Prometheus' conventions, as <c>promtool check metrics</c> holds them: base units as suffixes
/// (<c>_seconds</c>, <c>_bytes</c>), times as <c>_timestamp_seconds</c>, and no <c>_total</c> or
/// <c>_count</c>, which belong to counters and histograms.
/// </summary>
public sealed record Metric(string Name, MetricsRun Run, string Help)
{
    /// <summary>The labels most series carry, in the order written: the database (<c>%globals</c> for the server's globals) and the bucket.</summary>
    public static readonly IReadOnlyList<string> DatabaseLabels = ["database", "bucket"];

    /// <summary>The labels of this family's series, in the order written; every sample gives each.</summary>
    public IReadOnlyList<string> Labels { get; init; } = DatabaseLabels;

    /// <summary>The Prometheus type of every family.</summary>
    public const string Type = "gauge";

    public static readonly Metric BackupLastStatus = new("obs_backup_last_status", MetricsRun.Backup,
        "1 if the last backup of the database succeeded, 0 if it failed.");
    public static readonly Metric BackupLastSuccess = new("obs_backup_last_success_timestamp_seconds", MetricsRun.Backup,
        "When the last successful backup of the database finished, in Unix time.");
    public static readonly Metric BackupLastDuration = new("obs_backup_last_duration_seconds", MetricsRun.Backup,
        "How long the last backup of the database ran, successful or not.");
    public static readonly Metric BackupLastSize = new("obs_backup_last_size_bytes", MetricsRun.Backup,
        "Stored (compressed, encrypted) size of the last successful backup of the database.");

    public static readonly Metric TestLastStatus = new("obs_backup_last_test_status", MetricsRun.Test,
        "1 if the last restore test of a backup of the database passed, 0 if it failed.");
    public static readonly Metric TestLastSuccess = new("obs_backup_last_test_success_timestamp_seconds", MetricsRun.Test,
        "When the last passing restore test of a backup of the database finished, in Unix time.");

    public static readonly Metric StoredBackups = new("obs_backup_stored_backups", MetricsRun.Status,
        "Backups of the database in the bucket, as the last status check listed them.");
    public static readonly Metric StoredBytes = new("obs_backup_stored_bytes", MetricsRun.Status,
        "Total stored size of the database's backups in the bucket, as the last status check listed them.");
    public static readonly Metric StoredNewest = new("obs_backup_stored_newest_timestamp_seconds", MetricsRun.Status,
        "When the newest backup of the database in the bucket was taken, in Unix time; 0 when there is none.");
    public static readonly Metric StoredOldest = new("obs_backup_stored_oldest_timestamp_seconds", MetricsRun.Status,
        "When the oldest backup of the database in the bucket was taken, in Unix time; 0 when there is none.");

    /// <summary>Every family we write.</summary>
    public static readonly IReadOnlyList<Metric> All =
    [
        BackupLastStatus, BackupLastSuccess, BackupLastDuration, BackupLastSize,
        TestLastStatus, TestLastSuccess,
        StoredBackups, StoredBytes, StoredNewest, StoredOldest,
    ];

    /// <summary>The family named <paramref name="name"/>, or null for a name we do not write (a family an older version wrote).</summary>
    public static Metric? Named(string name) => All.FirstOrDefault(m => m.Name == name);
}
