using ObservatoryBackup.Naming;

namespace ObservatoryBackup.Retention;

/// <summary>
/// Which backups are old enough to delete. Age is read from the timestamp in the object name, so
/// only scheme-conforming objects are ever candidates, and copying a bucket does not make old backups young.
/// </summary>
public sealed class RetentionPolicy
{
    public RetentionPolicy(int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        Days = days;
    }

    /// <summary>Days to keep; 0 keeps everything.</summary>
    public int Days { get; }

    public bool Enabled => Days > 0;

    public DateTimeOffset CutoffFor(DateTimeOffset nowUtc) => nowUtc.ToUniversalTime().AddDays(-Days);

    /// <summary>The cutoff, or null when pruning is disabled.</summary>
    public DateTimeOffset? CutoffIfEnabled(DateTimeOffset nowUtc) => Enabled ? CutoffFor(nowUtc) : null;

    /// <summary>
    /// The names among <paramref name="objectNames"/> to delete: scheme-conforming, older than the cutoff,
    /// of <paramref name="database"/> when given, never <paramref name="keep"/>.
    /// </summary>
    public IReadOnlyList<string> SelectExpired(IEnumerable<string> objectNames, DateTimeOffset nowUtc, string? keep = null, string? database = null)
    {
        if (!Enabled) return [];
        var cutoff = CutoffFor(nowUtc);
        return objectNames
            .Where(name => name != keep)
            .Select(name => (name, parsed: BackupKey.TryParse(name)))
            .Where(x => x.parsed is { } p && p.Timestamp < cutoff && (database is null || p.Database == database))
            .Select(x => (x.name, at: x.parsed!.Value.Timestamp))
            .OrderBy(x => x.at)
            .Select(x => x.name)
            .ToList();
    }

    /// <summary>
    /// What a retention run on its own deletes (<c>obs-backup prune</c>): for every database with
    /// backups in the bucket, its expired ones, never its newest, so that a job that stopped taking
    /// backups never leaves a database with none.
    /// </summary>
    public IReadOnlyList<string> SelectExpiredSparingNewest(IEnumerable<string> objectNames, DateTimeOffset nowUtc) =>
        objectNames
            .Select(name => (name, parsed: BackupKey.TryParse(name)))
            .Where(x => x.parsed is not null)
            .GroupBy(x => x.parsed!.Value.Database, StringComparer.Ordinal)
            .SelectMany(db => SelectExpired(db.Select(x => x.name), nowUtc, keep: db.MaxBy(x => x.parsed!.Value.Timestamp).name, database: db.Key))
            .OrderBy(name => BackupKey.TryParse(name)!.Value.Timestamp)
            .ToList();
}
