namespace ObservatoryBackup.Retention;

/// <summary>What retention makes of one backup: the rule that keeps it, or expired.</summary>
/// <param name="KeptBy">"within 30 days", "last 7", "daily", "weekly", "monthly", "yearly", "this backup", "newest of its database"; null when expired.</param>
public sealed record RetentionDecision(string ObjectName, string Database, DateTimeOffset Timestamp, string? KeptBy)
{
    public bool Expired => KeptBy is null;

    /// <summary>The rule, or "expired": as a dry run prints it.</summary>
    public string Verdict => KeptBy ?? "expired";
}
