namespace ObservatoryBackup.Monitoring;

/// <summary>One table a backup carries rows for, as <c>Get-ObsBackupContents</c> and <c>obs-backup contents</c> list it.</summary>
/// <param name="Table">The table as pg_dump names it: schema-qualified, quoted where needed.</param>
/// <param name="Rows">The rows its COPY block carries.</param>
/// <param name="Verified">Whether the rows were counted in the SQL and the manifest proven against them (a verifying read), or only read from the manifest.</param>
public sealed record BackupTableRows(string ObjectName, string Table, long Rows, bool Verified);

/// <summary>What a backup carries: its tables and their rows, from its manifest or, verified, counted in its SQL.</summary>
public sealed record BackupContents(string ObjectName, string Bucket, IReadOnlyList<BackupTableRows> Tables, bool Verified)
{
    public long Rows => Tables.Sum(t => t.Rows);

    /// <summary>Whether the backup has a manifest (one written by pg_dump | gzip has none: only a verifying read lists it).</summary>
    public bool HasManifest { get; init; }

    /// <summary>The size of the backup's SQL; with a verifying read, as counted.</summary>
    public long? SqlSize { get; init; }
}
