namespace ObservatoryBackup.Configuration;

/// <summary>Everything a run needs, resolved from parameters, environment and defaults.</summary>
public sealed record ObsSettings
{
    public const int DefaultRetentionDays = 30;

    /// <summary>Null where the operation needs no database (listing).</summary>
    public DatabaseUrl? Database { get; init; }
    public required StorageSettings Storage { get; init; }

    /// <summary>Days to keep backups; 0 disables pruning.</summary>
    public int RetentionDays { get; init; } = DefaultRetentionDays;

    /// <summary>Explicit path of pg_dump, or null to search.</summary>
    public string? PgDumpPath { get; init; }

    /// <summary>Explicit path of psql, or null to search.</summary>
    public string? PsqlPath { get; init; }
}
