namespace ObservatoryBackup.Naming;

/// <summary>
/// Whether the time a backup's name records can be true. A backup is named when it starts, by the
/// backing-up host's clock, and written after; so a name more than <see cref="Tolerance"/> ahead of the
/// clock (named in the future), or ahead of when the store wrote the object (named after it was
/// written), was not written by a backup run: one upload by anyone who can write the bucket, or a
/// host whose clock is badly wrong. Such a backup is suspect: listings mark it, the newest backup is
/// never it (<c>--latest</c>, status), and retention neither counts it in a keep rule nor deletes it.
/// </summary>
public static class SuspectName
{
    /// <summary>The clock skew tolerated between the host naming a backup, the store writing it and the host judging it.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>The reason of a name more than <see cref="Tolerance"/> ahead of the clock.</summary>
    public const string InTheFuture = "named in the future";

    /// <summary>The reason of a name more than <see cref="Tolerance"/> ahead of the object's LastModified.</summary>
    public const string AfterWritten = "named after the store wrote it";

    /// <summary>
    /// Why a name recording <paramref name="named"/> cannot be true, judged at <paramref name="now"/>
    /// and against the store's <paramref name="written"/> when known; null when it can (or the name records no time).
    /// </summary>
    public static string? Reason(DateTimeOffset? named, DateTimeOffset? written, DateTimeOffset now) =>
        named is not { } at ? null
        : at > now + Tolerance ? InTheFuture
        : written is { } w && at > w + Tolerance ? AfterWritten
        : null;
}
