namespace ObservatoryBackup.Retention;

/// <summary>What a prune deleted, or would delete on a dry run, and what it could not delete.</summary>
public sealed record PruneResult(
    string Bucket, int RetentionDays, DateTimeOffset? Cutoff, bool DryRun,
    IReadOnlyList<string> Deleted, IReadOnlyList<string> Failed)
{
    /// <summary>Expired backups kept because a version of theirs is still under Object Lock.</summary>
    public IReadOnlyList<string> Locked { get; init; } = [];

    /// <summary>On a dry run, every backup with the rule that keeps it, or expired.</summary>
    public IReadOnlyList<RetentionDecision> Decisions { get; init; } = [];
}
