using System.Globalization;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Naming;

namespace ObservatoryBackup.Retention;

/// <summary>
/// Which backups are old enough to delete: a backup is deleted only when no rule keeps it: neither
/// the days (younger than the cutoff) nor a keep rule (<see cref="KeepRules"/>, per database). Age is
/// read from the timestamp in the object name, so only scheme-conforming objects are ever candidates,
/// and copying a bucket does not make old backups young. 0 days with no keep rule keeps everything, as
/// the scripts did; 0 days with keep rules lets the keep rules alone decide.
/// </summary>
public sealed class RetentionPolicy
{
    /// <param name="prefix">Where the cluster's backups live: only names directly under it are ever candidates (not a cluster's nested under it).</param>
    public RetentionPolicy(int days, KeepRules? keep = null, string prefix = BackupKey.Prefix)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        Days = days;
        Keep = keep ?? KeepRules.None;
        _prefix = prefix;
    }

    private readonly string _prefix;

    /// <summary>Backups pinned (Protect-ObsBackup): kept whatever the rules say.</summary>
    public IReadOnlySet<string> Pinned { get; init; } = new HashSet<string>();

    /// <summary>
    /// Backups whose name's time cannot be true (<see cref="SuspectName"/>), with the reason, as a listing
    /// marked them; a name ahead of the clock a decision is made at is suspect without being listed here.
    /// A suspect backup takes no keep slot (it is not the newest, nor a day's) and is never expired: it
    /// is left alone, and reported.
    /// </summary>
    public IReadOnlyDictionary<string, string> Suspect { get; init; } = new Dictionary<string, string>();

    /// <summary>Days to keep; 0 keeps everything.</summary>
    public int Days { get; }

    public KeepRules Keep { get; }

    /// <summary>Whether retention deletes anything: a number of days, or a keep rule.</summary>
    public bool Enabled => Days > 0 || Keep.Any;

    public DateTimeOffset CutoffFor(DateTimeOffset nowUtc) => nowUtc.ToUniversalTime().AddDays(-Days);

    /// <summary>The cutoff of the days rule, or null when there is none.</summary>
    public DateTimeOffset? CutoffIfEnabled(DateTimeOffset nowUtc) => Days > 0 ? CutoffFor(nowUtc) : null;

    /// <summary>
    /// The names among <paramref name="objectNames"/> to delete: scheme-conforming, of
    /// <paramref name="database"/> when given, kept by no rule, never <paramref name="keep"/> (the
    /// backup just taken, which counts as the newest for the keep rules).
    /// </summary>
    public IReadOnlyList<string> SelectExpired(IEnumerable<string> objectNames, DateTimeOffset nowUtc, string? keep = null, string? database = null) =>
        [.. Decide(objectNames, nowUtc, keep, database).Where(d => d.Expired).Select(d => d.ObjectName)];

    /// <summary>
    /// What a retention run on its own deletes (<c>obs-backup prune</c>): for every database with
    /// backups in the bucket, its expired ones, never its newest, so that a job that stopped taking
    /// backups never leaves a database with none.
    /// </summary>
    public IReadOnlyList<string> SelectExpiredSparingNewest(IEnumerable<string> objectNames, DateTimeOffset nowUtc) =>
        [.. DecideSparingNewest(objectNames, nowUtc).Where(d => d.Expired).Select(d => d.ObjectName)];

    /// <summary>Every scheme-conforming backup with its verdict, each database's newest always kept, oldest first.</summary>
    public IReadOnlyList<RetentionDecision> DecideSparingNewest(IEnumerable<string> objectNames, DateTimeOffset nowUtc) =>
        [.. Decide(objectNames, nowUtc, keep: null, database: null, spareNewest: true)];

    /// <summary>Every scheme-conforming backup (of <paramref name="database"/> when given) with the rule that keeps it, or expired; oldest first.</summary>
    public IReadOnlyList<RetentionDecision> Decide(IEnumerable<string> objectNames, DateTimeOffset nowUtc, string? keep = null, string? database = null, bool spareNewest = false)
    {
        var pinned = Pinned;
        var names = keep is null ? objectNames : objectNames.Append(keep);
        var backups = names.Distinct(StringComparer.Ordinal)
            .Select(name => (name, parsed: BackupKey.TryParse(name, _prefix)))
            .Where(x => x.parsed is { } p && (database is null || p.Database == database))
            .Select(x => (Name: x.name, x.parsed!.Value.Database, x.parsed.Value.Timestamp,
                Suspect: x.name == keep ? null : Suspect.GetValueOrDefault(x.name) ?? SuspectName.Reason(x.parsed.Value.Timestamp, null, nowUtc)));
        var decisions = new List<RetentionDecision>();
        foreach (var group in backups.GroupBy(b => b.Database, StringComparer.Ordinal))
        {
            decisions.AddRange(group.Where(b => b.Suspect is not null).Select(b =>
                new RetentionDecision(b.Name, b.Database, b.Timestamp, pinned.Contains(b.Name) ? "pinned" : $"suspect: {b.Suspect}") { Suspect = b.Suspect }));
            // newest first: the order every keep rule counts in
            var ordered = group.Where(b => b.Suspect is null).Select(b => (b.Name, b.Database, b.Timestamp))
                .OrderByDescending(b => b.Timestamp).ThenByDescending(b => b.Name, StringComparer.Ordinal).ToList();
            var keptBy = ordered.Select(b => (string?)null).ToArray();
            for (var i = 0; i < ordered.Count; i++)
            {
                if (ordered[i].Name == keep) keptBy[i] = "this backup";
                else if (pinned.Contains(ordered[i].Name)) keptBy[i] = "pinned";
                else if (spareNewest && i == 0) keptBy[i] = "newest of its database";
                else if (!Enabled) keptBy[i] = "retention off (0 days)";
                else if (Days > 0 && ordered[i].Timestamp >= CutoffFor(nowUtc)) keptBy[i] = $"within {Days} days";
                else if (i < Keep.Last) keptBy[i] = $"last {Keep.Last}";
            }
            KeepNewestPer(ordered, keptBy, Keep.Daily, "daily", t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            KeepNewestPer(ordered, keptBy, Keep.Weekly, "weekly", t => $"{ISOWeek.GetYear(t.UtcDateTime)}-W{ISOWeek.GetWeekOfYear(t.UtcDateTime)}");
            KeepNewestPer(ordered, keptBy, Keep.Monthly, "monthly", t => t.ToString("yyyy-MM", CultureInfo.InvariantCulture));
            KeepNewestPer(ordered, keptBy, Keep.Yearly, "yearly", t => t.ToString("yyyy", CultureInfo.InvariantCulture));
            decisions.AddRange(ordered.Select((b, i) => new RetentionDecision(b.Name, b.Database, b.Timestamp, keptBy[i])));
        }
        return [.. decisions.OrderBy(d => d.Timestamp).ThenBy(d => d.ObjectName, StringComparer.Ordinal)];
    }

    /// <summary>Keeps the newest backup of each of the newest <paramref name="count"/> periods that have one (restic's rule); a backup kept already keeps its first reason.</summary>
    private static void KeepNewestPer(List<(string Name, string Database, DateTimeOffset Timestamp)> newestFirst, string?[] keptBy, int count, string rule, Func<DateTimeOffset, string> period)
    {
        if (count <= 0) return;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < newestFirst.Count && seen.Count < count; i++)
        {
            if (!seen.Add(period(newestFirst[i].Timestamp.ToUniversalTime()))) continue;
            keptBy[i] ??= rule;
        }
    }
}
