namespace ObservatoryBackup.Backup;

/// <summary>The outcome of Invoke-ObsBackup / obs-backup backup. Carries ObjectName and Bucket so it pipes into a restore.</summary>
public sealed record BackupResult
{
    public required string ObjectName { get; init; }
    public required string Bucket { get; init; }
    public required string Endpoint { get; init; }
    public required string Database { get; init; }
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>True for a dry run (-WhatIf): nothing was written.</summary>
    public required bool DryRun { get; init; }

    /// <summary>Compressed size stored; null on a dry run.</summary>
    public long? Size { get; init; }

    /// <summary>Uncompressed size of the SQL dump; null on a dry run.</summary>
    public long? DumpSize { get; init; }
    public TimeSpan Duration { get; init; }

    /// <summary>Backups removed by retention, or that would be on a dry run.</summary>
    public IReadOnlyList<string> Pruned { get; init; } = [];

    /// <summary>Old backups retention could not delete (logged as delete_failed).</summary>
    public IReadOnlyList<string> PruneFailed { get; init; } = [];

    /// <summary>True when retention did not run because this backup is suspiciously small (see the backup_size_drop warning).</summary>
    public bool PruneSkipped { get; init; }
}
