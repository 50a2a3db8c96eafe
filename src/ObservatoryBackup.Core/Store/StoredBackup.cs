using ObservatoryBackup.Naming;

namespace ObservatoryBackup.Store;

/// <summary>A backup object as the store lists it.</summary>
public sealed record StoredBackup(string ObjectName, string Bucket, long Size, DateTimeOffset LastModified)
{
    /// <summary>The start time encoded in the name, or null for an object outside the naming scheme.</summary>
    public DateTimeOffset? Timestamp { get; } = BackupKey.TryParse(ObjectName)?.Timestamp;

    /// <summary>The database the name records, or null for an object outside the naming scheme.</summary>
    public string? Database { get; } = BackupKey.TryParse(ObjectName)?.Database;

    /// <summary>The store's ETag, where a request returned it (not in listings).</summary>
    internal string? ETag { get; init; }
}
