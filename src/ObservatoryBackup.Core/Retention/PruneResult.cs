namespace ObservatoryBackup.Retention;

/// <summary>What a prune deleted, or would delete on a dry run, and what it could not delete.</summary>
public sealed record PruneResult(
    string Bucket, int RetentionDays, DateTimeOffset? Cutoff, bool DryRun,
    IReadOnlyList<string> Deleted, IReadOnlyList<string> Failed)
{
    /// <summary>Expired backups kept because a version of theirs is still under Object Lock.</summary>
    public IReadOnlyList<string> Locked { get; init; } = [];

    /// <summary>Backups whose name's time cannot be true (<see cref="Naming.SuspectName"/>): never deleted nor counted by a keep rule, left for someone to look at.</summary>
    public IReadOnlyList<string> Suspect { get; init; } = [];

    /// <summary>On a dry run, every backup with the rule that keeps it, or expired.</summary>
    public IReadOnlyList<RetentionDecision> Decisions { get; init; } = [];
}
