namespace ObservatoryBackup.Retention;

/// <summary>What retention makes of one backup: the rule that keeps it, or expired.</summary>
/// <param name="KeptBy">"within 30 days", "last 7", "daily", "weekly", "monthly", "yearly", "this backup", "newest of its database", "suspect: named in the future"; null when expired.</param>
public sealed record RetentionDecision(string ObjectName, string Database, DateTimeOffset Timestamp, string? KeptBy)
{
    public bool Expired => KeptBy is null;

    /// <summary>Why the name's time cannot be true (<see cref="Naming.SuspectName"/>), when it cannot: then the backup is left alone ("suspect: …").</summary>
    public string? Suspect { get; init; }

    /// <summary>The rule, or "expired": as a dry run prints it.</summary>
    public string Verdict => KeptBy ?? "expired";
}
