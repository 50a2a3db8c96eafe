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

    /// <summary>What <paramref name="decisions"/> keep, in one phrase: "3 backups (within 30 days: 2, daily: 1)"; null when they keep none.</summary>
    public static string? DescribeKept(IEnumerable<RetentionDecision> decisions)
    {
        var byRule = decisions.Where(d => !d.Expired).GroupBy(d => d.KeptBy!).Select(g => $"{g.Key}: {g.Count()}").ToList();
        var count = decisions.Count(d => !d.Expired);
        return count == 0 ? null : $"{count} {(count == 1 ? "backup" : "backups")} ({string.Join(", ", byRule)})";
    }
}
