using ObservatoryBackup.Configuration;
using ObservatoryBackup.Naming;

namespace ObservatoryBackup.Store;

/// <summary>A backup object as the store lists it.</summary>
public sealed record StoredBackup(string ObjectName, string Bucket, long Size, DateTimeOffset LastModified)
{
    /// <summary>Where the store's backups live (OBS_PREFIX): a name is read against it.</summary>
    public string Prefix { get; init; } = BackupKey.Prefix;

    private (string Database, DateTimeOffset Timestamp)? Parsed => BackupKey.TryParse(ObjectName, Prefix);

    /// <summary>The start time encoded in the name, or null for an object outside the naming scheme.</summary>
    public DateTimeOffset? Timestamp => Parsed?.Timestamp;

    /// <summary>The database the name records, or null for an object outside the naming scheme.</summary>
    public string? Database => Parsed?.Database;

    /// <summary>What the backup holds, as its name says: a database, or the server's globals (then <see cref="Database"/> is empty).</summary>
    public BackupKind Kind => BackupKey.KindOf(ObjectName);

    /// <summary>Whether this is the server's globals backup (roles, memberships, tablespaces), not a database's.</summary>
    public bool Globals => Kind == BackupKind.Globals;

    /// <summary>Whether the backup is pinned (Protect-ObsBackup): retention never deletes it. Set by listings, which read the pins.</summary>
    public bool Pinned { get; init; }

    /// <summary>Whether a signature object (<c>.minisig</c>) lies beside the backup. Set by listings, which read the signatures with the backups.</summary>
    public bool Signed { get; init; }

    /// <summary>
    /// What every read of this object must prove of its bytes (its signature, once the signature's own
    /// checks passed); null: nothing beyond what the format checks. A read fed through it fails
    /// instead of ending when the bytes do not hold.
    /// </summary>
    internal Func<IContentCheck>? ContentCheck { get; init; }

    /// <summary>
    /// Why the time the name records cannot be true (<see cref="SuspectName"/>: named in the future, or
    /// after the store wrote it); null when it can. Set by listings, which judge it by the run's clock.
    /// </summary>
    public string? SuspectReason { get; init; }

    /// <summary>Whether the name's time cannot be true: the newest backup is never this one, and retention leaves it alone.</summary>
    public bool Suspect => SuspectReason is not null;

    /// <summary>Whether the backup is encrypted with age (its name ends in .age).</summary>
    public bool Encrypted => BackupKey.IsEncrypted(ObjectName);

    /// <summary>When the backup was taken: the time its name records, else when the store last wrote it.</summary>
    internal DateTimeOffset TakenAt => Timestamp ?? LastModified;

    /// <summary>The store's ETag, where a request returned it (not in listings).</summary>
    internal string? ETag { get; init; }
}
