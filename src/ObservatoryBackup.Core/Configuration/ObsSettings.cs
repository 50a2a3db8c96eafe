using ObservatoryBackup.Encryption;

namespace ObservatoryBackup.Configuration;

/// <summary>Everything a run needs, resolved from parameters, environment and defaults.</summary>
public sealed record ObsSettings
{
    public const int DefaultRetentionDays = 30;

    /// <summary>100 years: longer has no meaning, and dates before year 1 do not exist.</summary>
    public const int MaxRetentionDays = 36500;

    /// <summary>Null where the operation needs no database (listing).</summary>
    public DatabaseUrl? Database { get; init; }
    public required StorageSettings Storage { get; init; }

    /// <summary>Days to keep backups; 0 disables pruning (unless a keep rule is set).</summary>
    public int RetentionDays { get; init; } = DefaultRetentionDays;

    /// <summary>Retention's keep rules beside the days (restic's --keep-*); none by default.</summary>
    public KeepRules Keep { get; init; } = KeepRules.None;

    /// <summary>Configured pg_dump, or null to search.</summary>
    public ToolPath? PgDumpPath { get; init; }

    /// <summary>Configured psql, or null to search.</summary>
    public ToolPath? PsqlPath { get; init; }

    /// <summary>How backups are compressed: gzip (the default, what the scripts wrote) or zstd.</summary>
    public BackupCodec Compression { get; init; }

    /// <summary>The codec's level, checked against its range by the resolver; null for its default (<see cref="CompressionLevels.Default"/>).</summary>
    public int? CompressionLevel { get; init; }

    /// <summary>A node_exporter textfile (*.prom) that backup, test and status runs write their metrics to; null for none.</summary>
    public string? MetricsPath { get; init; }

    /// <summary>Where a restore keeps its temporary copy of the backup (TMPDIR, else the system's).</summary>
    public string TempDirectory { get; init; } = Path.GetTempPath();

    /// <summary>Directories searched for pg_dump and psql when none is configured (PATH).</summary>
    public string ToolSearchPath { get; init; } = "";

    /// <summary>pg_dump's --exclude-table patterns for a backup: those tables are left out whole.</summary>
    public IReadOnlyList<string> ExcludeTables { get; init; } = [];

    /// <summary>pg_dump's --exclude-table-data patterns: those tables' rows are left out, their definitions kept.</summary>
    public IReadOnlyList<string> ExcludeTableData { get; init; } = [];

    /// <summary>A healthchecks.io-style URL pinged when a backup starts, succeeds or fails; null for none.</summary>
    public Uri? NotifyUrl { get; init; }

    /// <summary>How long a ping may take before it is given up.</summary>
    public TimeSpan NotifyTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Connections a restore (or test) loads a backup over: 1 is one psql in dump order; more load rows and build indexes in parallel.</summary>
    public int RestoreJobs { get; init; } = 1;

    /// <summary>
    /// Whether <see cref="RestoreJobs"/> is <see cref="DefaultRestoreJobs"/>, no one having asked for a number: a restore
    /// then loads over fewer when the server has too few connection slots free (Postgres/ConnectionSlots).
    /// </summary>
    public bool RestoreJobsByDefault { get; init; }

    /// <summary>The default number of restore connections is <see cref="DefaultRestoreJobs"/>, at most this.</summary>
    public const int MaxDefaultRestoreJobs = 8;

    /// <summary>
    /// Restore connections when none are asked for: the cores less one, but two on a machine of two cores
    /// (the second COPY stream pays there: bench/README.md, "Default jobs"), one on one core, at most
    /// <see cref="MaxDefaultRestoreJobs"/>.
    /// </summary>
    public static int DefaultRestoreJobs(int cores) => Math.Clamp(cores - 1, Math.Clamp(cores, 1, 2), MaxDefaultRestoreJobs);

    /// <summary>More connections than this only queue on the server.</summary>
    public const int MaxRestoreJobs = 64;

    /// <summary>The age recipients backups are encrypted to; empty for unencrypted backups.</summary>
    public IReadOnlyList<AgeRecipient> Recipients { get; init; } = [];

    /// <summary>The age identities that read encrypted backups; null when none was configured.</summary>
    public IReadOnlyList<AgeIdentity>? Identities { get; init; }
}
