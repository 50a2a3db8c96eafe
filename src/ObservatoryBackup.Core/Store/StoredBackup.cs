using ObservatoryBackup.Naming;

namespace ObservatoryBackup.Store;

/// <summary>A backup object as the store lists it.</summary>
public sealed record StoredBackup(string ObjectName, string Bucket, long Size, DateTimeOffset LastModified)
{
    private readonly (string Database, DateTimeOffset Timestamp)? _name = BackupKey.TryParse(ObjectName);

    /// <summary>The start time encoded in the name, or null for an object outside the naming scheme.</summary>
    public DateTimeOffset? Timestamp => _name?.Timestamp;

    /// <summary>The database the name records, or null for an object outside the naming scheme.</summary>
    public string? Database => _name?.Database;

    /// <summary>Whether the backup is encrypted with age (its name ends in .age).</summary>
    public bool Encrypted => BackupKey.IsEncrypted(ObjectName);

    /// <summary>When the backup was taken: the time its name records, else when the store last wrote it.</summary>
    internal DateTimeOffset TakenAt => Timestamp ?? LastModified;

    /// <summary>The store's ETag, where a request returned it (not in listings).</summary>
    internal string? ETag { get; init; }
}
