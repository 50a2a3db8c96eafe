using ObservatoryBackup.Verify;

namespace ObservatoryBackup.Testing;

/// <summary>The outcome of Test-ObsBackup / obs-backup test.</summary>
public sealed record BackupTestResult
{
    public required string ObjectName { get; init; }
    public required string Bucket { get; init; }

    /// <summary>True when every check held: the backup is whole and, unless only verified, restores every row it carries.</summary>
    public required bool Passed { get; init; }

    /// <summary>True for -VerifyOnly: checked as it streamed, nothing restored.</summary>
    public required bool VerifyOnly { get; init; }

    /// <summary>Tables whose COPY data the backup carries.</summary>
    public required int Tables { get; init; }

    /// <summary>Rows the backup carries, over all tables.</summary>
    public required long Rows { get; init; }

    /// <summary>Tables whose restored row count differs from the rows the backup carries.</summary>
    public IReadOnlyList<TableMismatch> Mismatches { get; init; } = [];
    public required long SqlSize { get; init; }

    /// <summary>"verified" when the backup's manifest (rows per table, SHA-256 of its SQL) matched what it carries; "none" for a backup without one (one written by plain pg_dump | gzip).</summary>
    public string Manifest { get; init; } = "none";

    /// <summary>Whether the backup is encrypted with age (and so its manifest authenticated).</summary>
    public bool Encrypted { get; init; }
    public required TimeSpan Duration { get; init; }

    /// <summary>The scratch database restored into (dropped afterwards unless kept); null for -VerifyOnly.</summary>
    public string? Database { get; init; }
    public bool Kept { get; init; }
}
