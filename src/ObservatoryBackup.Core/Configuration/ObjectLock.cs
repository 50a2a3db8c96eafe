namespace ObservatoryBackup.Configuration;

/// <summary>S3 Object Lock's retention modes: Governance can be lifted by a user with the right permission; Compliance by nobody.</summary>
public enum ObjectLockMode
{
    Governance,
    Compliance,
}

/// <summary>Every backup is written locked: it cannot be deleted or overwritten for <see cref="Days"/> days after its upload.</summary>
public sealed record ObjectLock(int Days, ObjectLockMode Mode)
{
    /// <summary>The longest lock accepted: 100 years, as for retention.</summary>
    public const int MaxDays = 36500;

    /// <summary>The retain-until date of an object written at <paramref name="now"/>.</summary>
    public DateTimeOffset RetainUntil(DateTimeOffset now) => now.AddDays(Days);
}
