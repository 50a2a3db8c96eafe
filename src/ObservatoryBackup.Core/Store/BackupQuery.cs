namespace ObservatoryBackup.Store;

/// <summary>Filters for a listing. Times compare against the backup's own timestamp (from its name), or its LastModified outside the scheme.</summary>
public sealed record BackupQuery
{
    public Func<string, bool>? NameFilter { get; init; }

    /// <summary>Only backups of this database (as their names record it).</summary>
    public string? Database { get; init; }
    public DateTimeOffset? After { get; init; }
    public DateTimeOffset? Before { get; init; }

    /// <summary>Only the newest match whose name is not <see cref="StoredBackup.Suspect"/>.</summary>
    public bool Latest { get; init; }
}
