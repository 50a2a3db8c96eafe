using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Retention;

/// <summary>
/// Deletes expired backups, logging each. Runs after every successful
/// backup, and on its own (obs-backup prune).
/// </summary>
public sealed class Pruner(ObsSettings settings, IBackupLog sink, TimeProvider? clock = null)
{
    /// <summary>Makes the object store; null for the S3 server of the settings (tests give an in-memory one).</summary>
    public ObjectStoreFactory? OpenStore { get; init; }

    private readonly EventLog _log = new(sink, clock ?? TimeProvider.System);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>
    /// Lists the bucket and deletes (or, on a dry run, reports) every database's expired backups but
    /// its newest (<see cref="RetentionPolicy.SelectExpiredSparingNewest"/>).
    /// </summary>
    public async Task<PruneResult> RunAsync(bool dryRun, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        using var store = BackupStore.Open(settings.Storage, _log, OpenStore);
        var (listed, orphans) = await store.ListWithOrphansAsync(ct).ConfigureAwait(false);
        var policy = Policy(listed);
        var decisions = policy.DecideSparingNewest(listed.Select(b => b.ObjectName), now);
        var expired = decisions.Where(d => d.Expired).Select(d => d.ObjectName).ToList();
        var cutoff = policy.CutoffIfEnabled(now);
        var suspect = LogSuspects(decisions);
        if (dryRun)
        {
            LogDecisions(decisions);
            _log.Info("dry_run", ("would_delete", expired), ("cutoff", cutoff));
            return new PruneResult(settings.Storage.Bucket, policy.Days, cutoff, true, expired, []) { Decisions = decisions, Suspect = suspect };
        }
        var result = await DeleteAsync(store, expired, cutoff, ct).ConfigureAwait(false);
        if (policy.Enabled) await RemoveOrphanSignaturesAsync(store, orphans, ct).ConfigureAwait(false);
        return result with { Suspect = suspect };
    }

    /// <summary>The retention rules of the settings over the store's prefix, with the pins and the suspect names among <paramref name="listed"/>.</summary>
    public RetentionPolicy Policy(IEnumerable<StoredBackup> listed) =>
        new(settings.RetentionDays, settings.Keep, settings.Storage.Prefix)
        {
            Pinned = listed.Where(b => b.Pinned).Select(b => b.ObjectName).ToHashSet(StringComparer.Ordinal),
            Suspect = listed.Where(b => b.Suspect).ToDictionary(b => b.ObjectName, b => b.SuspectReason!, StringComparer.Ordinal),
        };

    /// <summary>Warns of each suspect backup among <paramref name="decisions"/> (suspect_backup): retention leaves it alone, for someone to look at. Returns their names.</summary>
    public IReadOnlyList<string> LogSuspects(IEnumerable<RetentionDecision> decisions)
    {
        var suspect = decisions.Where(d => d.Suspect is not null).ToList();
        foreach (var decision in suspect)
            _log.Warning("suspect_backup", ("object_name", decision.ObjectName), ("database", decision.Database), ("reason", decision.Suspect), ("retention", "left alone"));
        return [.. suspect.Select(d => d.ObjectName)];
    }

    /// <summary>A dry run's account: each backup with the rule that keeps it, or expired.</summary>
    public void LogDecisions(IEnumerable<RetentionDecision> decisions)
    {
        foreach (var decision in decisions)
            _log.Info("retention_decision", ("object_name", decision.ObjectName), ("database", decision.Database), ("keep", decision.Verdict));
    }

    /// <summary>Deletes <paramref name="expired"/>; a failed delete is logged and the rest go on.</summary>
    public async Task<PruneResult> DeleteAsync(BackupStore store, IReadOnlyList<string> expired, DateTimeOffset? cutoff, CancellationToken ct)
    {
        if (!Policy([]).Enabled)
        {
            _log.Info("prune_skipped", ("retention_days", 0));
            return new PruneResult(settings.Storage.Bucket, 0, null, false, [], []);
        }
        _log.Info("prune_start", ("cutoff", cutoff), ("retention_days", settings.RetentionDays), ("keep", settings.Keep.ToString()));
        var deleted = new List<string>();
        var failed = new List<string>();
        var locked = new List<string>();
        // in a bucket that keeps versions (Object Lock needs it) a plain delete only hides a backup
        var versioned = expired.Count > 0 && await store.VersioningEnabledAsync(ct).ConfigureAwait(false);
        foreach (var name in expired)
        {
            try
            {
                if (!versioned)
                {
                    await store.DeleteAsync(name, ct).ConfigureAwait(false);
                }
                else if (await store.RemoveVersionsAsync(name, TimeProvider.System.GetUtcNow(), ct).ConfigureAwait(false) is { Count: > 0 } kept)
                {
                    // the lock is the store's, by the store's clock: the backup stays until it expires
                    locked.Add(name);
                    _log.Info("prune_locked", ("object_name", name), ("versions", kept.Count), ("retain_until", kept.Max(k => k.RetainUntil)));
                    continue;
                }
                deleted.Add(name);
                _log.Info("deleted_old_backup", ("object_name", name));
                // its signature after it: a failure leaves a signature without a backup, which the next prune removes, never a backup without one
                try
                {
                    await RemoveAsync(store, BackupKey.SignatureOf(name), versioned, ct).ConfigureAwait(false);
                }
                catch (ObsBackupException ex)
                {
                    _log.Warning("delete_failed", ("object_name", BackupKey.SignatureOf(name)), ("error", ex.Message));
                }
            }
            catch (ObsBackupException ex)
            {
                failed.Add(name);
                _log.Warning("delete_failed", ("object_name", name), ("error", ex.Message));
            }
        }
        _log.Info("prune_complete", ("deleted", deleted.Count), ("locked", locked.Count));
        return new PruneResult(settings.Storage.Bucket, settings.RetentionDays, cutoff, false, deleted, failed) { Locked = locked };
    }

    /// <summary>Removes a backup's signature object (every version of it where the bucket keeps them); one that is not there is no failure.</summary>
    private static async Task RemoveAsync(BackupStore store, string signature, bool versioned, CancellationToken ct)
    {
        if (versioned) await store.RemoveVersionsAsync(signature, TimeProvider.System.GetUtcNow(), ct).ConfigureAwait(false);
        else await store.DeleteAsync(signature, ct).ConfigureAwait(false);
    }

    /// <summary>Removes signature objects whose backup is gone; a failure is logged and the next prune tries again.</summary>
    private async Task RemoveOrphanSignaturesAsync(BackupStore store, IReadOnlyList<string> orphans, CancellationToken ct)
    {
        if (orphans.Count == 0) return;
        var versioned = await store.VersioningEnabledAsync(ct).ConfigureAwait(false);
        foreach (var signature in orphans)
        {
            try
            {
                await RemoveAsync(store, signature, versioned, ct).ConfigureAwait(false);
                _log.Info("removed_leftover", ("kind", "signature"), ("object_name", signature));
            }
            catch (ObsBackupException ex)
            {
                _log.Warning("delete_failed", ("object_name", signature), ("error", ex.Message));
            }
        }
    }
}
