using System.Runtime.ExceptionServices;
using System.Diagnostics;
using ObservatoryBackup.Compress;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Format;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Metrics;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Notify;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Retention;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Backup;

/// <summary>
/// Takes a backup: pg_dump → gzip → upload to <c>postgres/YYYY/MM/DD/DATABASE_YYYYMMDD_HHMMSS.sql.gz</c>,
/// then prunes that database's backups by retention. <see cref="PlanAsync"/> only reads (it is the dry
/// run and proves access); <see cref="ExecuteAsync"/> writes, holding the database's backup lock throughout.
/// Every failure, in either, is logged and ends with <c>backup_finished</c> status failed.
/// </summary>
public sealed class BackupEngine(BackupOptions options, IBackupLog sink, TimeProvider? clock = null)
{
    private readonly ObsSettings settings = options.Settings;

    /// <summary>Makes the object store; null for the S3 server of the settings (tests give an in-memory one).</summary>
    public ObjectStoreFactory? OpenStore { get; init; }

    /// <summary>The server's globals (pg_dumpall --globals-only) instead of the URL's database: see <see cref="BackupOptions.Kind"/>.</summary>
    private bool Globals => options.Kind == BackupKind.Globals;

    private bool IncludeRolePasswords => options.IncludeRolePasswords;

    /// <summary>The name this run's backups are filed under: the database's, or the globals' empty one.</summary>
    private string Subject => Globals ? BackupKey.Globals : Db.Database;

    /// <summary>A backup smaller than the previous one divided by this is suspicious: it warns, and retention waits.</summary>
    public const int SuspiciousShrinkFactor = 10;

    /// <summary>
    /// Whether a backup of <paramref name="size"/> bytes is so much smaller than the previous backup of
    /// its database (under 1/<see cref="SuspiciousShrinkFactor"/>) that retention must wait: a dump of
    /// an emptied or wrong database must not prune the good backups.
    /// </summary>
    public static bool IsSuspiciousShrink(long size, StoredBackup? previous) =>
        previous is not null && size * SuspiciousShrinkFactor < previous.Size;

    /// <summary>An unfinished multipart upload this old is debris of a killed backup (no backup runs this long).</summary>
    public static readonly TimeSpan StaleUploadAge = TimeSpan.FromDays(1);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly EventLog _log = new(sink, clock ?? TimeProvider.System);

    // the run's pings (OBS_NOTIFY_URL): started with the real run's plan, ended by its outcome
    private RunPing? _ping;

    private int Level => settings.CompressionLevel ?? CompressionLevels.Default(settings.Compression);

    private DatabaseUrl Db => settings.Database ?? throw new InvalidOperationException("A backup needs a database URL.");

    /// <summary>
    /// Checks tools, database and bucket access, and works out the object name and what retention
    /// would delete. Writes nothing. In a <paramref name="dryRun"/>, the database and the object store
    /// are each checked even when the other fails, and each outcome is logged (check_passed,
    /// check_failed), so that a dry run with new store credentials tells whether they work whatever
    /// the database's state; the first failure is then thrown.
    /// </summary>
    public async Task<BackupPlan> PlanAsync(CancellationToken ct, bool dryRun = false)
    {
        // a real run's plan: its failure pings /fail; /start waits for the run itself (a declined prompt pings nothing)
        if (!dryRun && settings.NotifyUrl is { } notify) _ping = new RunPing(notify, _log, settings.NotifyTimeout);
        _log.Info("backup_start", ("database", Subject), ("globals", Globals), ("host", Db.Host), ("port", Db.Port),
            ("endpoint", settings.Storage.Endpoint), ("bucket", settings.Storage.Bucket), ("retention_days", settings.RetentionDays));
        try
        {
            // the name records whole seconds; the backup's time is what its name says
            var now = _clock.GetUtcNow();
            now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
            var objectName = BackupKey.For(Subject, now, settings.Compression, encrypted: settings.Recipients.Count > 0, prefix: settings.Storage.Prefix);

            var database = await CheckAsync("database", dryRun, () => CheckDatabaseAsync(ct)).ConfigureAwait(false);
            var storage = await CheckAsync("storage", dryRun, () => CheckStoreAsync(ct)).ConfigureAwait(false);
            var failure = database.Failure ?? storage.Failure;
            if (failure is not null) ExceptionDispatchInfo.Throw(failure);
            var (pgDump, toolVersion, serverVersion) = database.Value;
            var (bucketExists, existing) = storage.Value;
            var retention = new Pruner(settings, sink, _clock).Policy(existing);
            var decisions = retention.Decide(existing.Select(b => b.ObjectName), now, keep: objectName, database: Subject);

            if (existing.Any(b => b.ObjectName == objectName))
                throw AlreadyExists(objectName);
            return new BackupPlan
            {
                Settings = settings,
                ObjectName = objectName,
                StartedAt = now,
                PgDumpPath = pgDump,
                PgDumpVersion = toolVersion,
                ServerVersion = serverVersion,
                BucketExists = bucketExists,
                Previous = existing.Where(b => b.Database == Subject && !b.Suspect).MaxBy(b => b.Timestamp),
                Decisions = decisions,
                Expired = [.. decisions.Where(d => d.Expired).Select(d => d.ObjectName)],
                Cutoff = retention.CutoffIfEnabled(now),
            };
        }
        catch (Exception ex) when (ex is ObsBackupException)
        {
            Failed(null, ex);
            await PingFailedAsync(ex).ConfigureAwait(false);
            throw;
        }
    }

    private async Task PingFailedAsync(Exception ex)
    {
        if (_ping is { } ping) await ping.FailedAsync(ex is OperationCanceledException ? "the backup was cancelled" : ex.Message).ConfigureAwait(false);
    }

    /// <summary>One side of the plan; in a dry run its failure is logged and kept, not thrown, so the other side is checked too.</summary>
    private async Task<(T Value, ObsBackupException? Failure)> CheckAsync<T>(string check, bool dryRun, Func<Task<T>> run)
    {
        if (!dryRun) return (await run().ConfigureAwait(false), null);
        try
        {
            var value = await run().ConfigureAwait(false);
            _log.Info("check_passed", ("check", check));
            return (value, null);
        }
        catch (ObsBackupException ex)
        {
            _log.Error("check_failed", ("check", check), ("error", ex.Message), ("error_id", ex.ErrorId));
            return (default!, ex);
        }
    }

    /// <summary>pg_dump found, the server reachable with these credentials, and pg_dump new enough for it.</summary>
    private async Task<(string PgDump, PgVersion Tool, PgVersion Server)> CheckDatabaseAsync(CancellationToken ct)
    {
        string pgDump;
        try
        {
            pgDump = PgToolLocator.Locate("pg_dump", settings.PgDumpPath, settings.ToolSearchPath);
            // the globals come from pg_dumpall of the same installation
            if (Globals) pgDump = PgToolLocator.Beside(pgDump, "pg_dumpall");
        }
        catch (PgToolException ex)
        {
            _log.Error("pg_dump_not_found", ("error", ex.Message));
            throw;
        }
        var toolVersion = await PgVersion.OfToolAsync(pgDump, ct).ConfigureAwait(false);

        PgVersion serverVersion;
        await using (var admin = Globals
            ? await DatabaseAdmin.ConnectMaintenanceAsync(Db, ct, "backup").ConfigureAwait(false)
            : await DatabaseAdmin.ConnectAsync(Db, ct).ConfigureAwait(false))
            serverVersion = admin.ServerVersion;
        if (toolVersion.Major < serverVersion.Major)
        {
            var ex = new PgToolException(ObsErrorKind.ToolVersionMismatch, ErrorIds.PgDumpTooOld, pgDump,
                $"{(Globals ? "pg_dumpall" : "pg_dump")} {toolVersion} ({pgDump}) is older than the PostgreSQL {serverVersion} server and cannot dump it. " +
                $"Install the PostgreSQL {serverVersion.Major} client (or newer) and use its pg_dump (first on PATH, or configured as {SettingsResolver.PgDumpVariable} does).");
            _log.Error("pg_dump_version_mismatch", ("pg_dump_version", toolVersion.ToString()), ("server_version", serverVersion.ToString()), ("error", ex.Message));
            throw ex;
        }
        return (pgDump, toolVersion, serverVersion);
    }

    /// <summary>The store reachable with these credentials; whether the bucket exists, and what it holds.</summary>
    private async Task<(bool BucketExists, List<StoredBackup> Existing)> CheckStoreAsync(CancellationToken ct)
    {
        using var store = BackupStore.Open(settings.Storage, _log, OpenStore);
        var bucketExists = await store.BucketExistsAsync(ct).ConfigureAwait(false);
        // a locked backup needs a bucket made with Object Lock: known before the dump starts
        if (bucketExists && settings.Storage.Lock is { } locked && !await store.ObjectLockEnabledAsync(ct).ConfigureAwait(false))
            throw new StorageException(ObsErrorKind.InvalidConfiguration, ErrorIds.ObjectLockNotEnabled,
                $"Backups are to be locked for {locked.Days} days ({locked.Mode.ToString().ToUpperInvariant()}), but bucket '{settings.Storage.Bucket}' at {settings.Storage.Endpoint} " +
                "was not made with Object Lock, which S3 can only turn on when a bucket is created. Use a bucket made with Object Lock (a missing bucket is created with it), or back up without a lock. Nothing was written.",
                settings.Storage.Bucket);
        var existing = new List<StoredBackup>();
        if (bucketExists)
            await foreach (var item in store.ListAsync(ct).ConfigureAwait(false))
                existing.Add(item);
        return (bucketExists, existing);
    }

    /// <summary>The dry run: logs and returns what <see cref="ExecuteAsync"/> would do.</summary>
    public BackupResult DescribeDryRun(BackupPlan plan)
    {
        _log.Info(plan.BucketExists ? "bucket_exists" : "bucket_missing", ("bucket", settings.Storage.Bucket));
        new Pruner(settings, sink, _clock).LogDecisions(plan.Decisions.Where(d => d.ObjectName != plan.ObjectName));
        _log.Info("dry_run", ("object_name", plan.ObjectName), ("would_delete", plan.Expired), ("cutoff", plan.Cutoff));
        return Result(plan, dryRun: true, pruned: plan.Expired);
    }

    public async Task<BackupResult> ExecuteAsync(BackupPlan plan, CancellationToken ct)
    {
        _ping?.Start();
        var stopwatch = Stopwatch.StartNew();
        using var store = BackupStore.Open(settings.Storage, _log, OpenStore);
        try
        {
            // One backup, restore or test of a database at a time; under the lock, the name is checked again.
            await using var databaseLock = await DatabaseLock.AcquireAsync(Db, Subject, DatabaseLock.Run.Backup, ct).ConfigureAwait(false);
            if (!plan.BucketExists && !await store.BucketExistsAsync(ct).ConfigureAwait(false))
            {
                await store.CreateBucketAsync(ct).ConfigureAwait(false);
                _log.Info("bucket_created", ("bucket", settings.Storage.Bucket));
            }
            else
            {
                _log.Info("bucket_exists", ("bucket", settings.Storage.Bucket));
                if (await store.StatAsync(plan.ObjectName, ct).ConfigureAwait(false) is not null)
                    throw AlreadyExists(plan.ObjectName);
                foreach (var name in await store.RemoveStaleUploadsAsync(_clock.GetUtcNow() - StaleUploadAge, ct).ConfigureAwait(false))
                    _log.Warning("removed_leftover", ("kind", "multipart_upload"), ("object_name", name));
            }

            var (dumpBytes, size) = await DumpAndUploadAsync(plan, store, ct).ConfigureAwait(false);

            PruneResult? prune = null;
            var pruner = new Pruner(settings, sink, _clock);
            pruner.LogSuspects(plan.Decisions);
            if (IsSuspiciousShrink(size, plan.Previous) && plan.Previous is { } previous)
            {
                _log.Warning("backup_size_drop", ("object_name", plan.ObjectName), ("size_bytes", size),
                    ("previous_object_name", previous.ObjectName), ("previous_size_bytes", previous.Size));
                _log.Info("prune_skipped", ("reason", $"the backup is under 1/{SuspiciousShrinkFactor} of the previous one; old backups are kept until a normal-sized backup succeeds"));
            }
            else
            {
                prune = await pruner.DeleteAsync(store, plan.Expired, plan.Cutoff, ct).ConfigureAwait(false);
            }

            _log.Info("backup_finished", ("status", "success"), ("object_name", plan.ObjectName));
            WriteMetrics(
                (Metric.BackupLastStatus, 1), (Metric.BackupLastSuccess, _clock.GetUtcNow().ToUnixTimeSeconds()),
                (Metric.BackupLastDuration, stopwatch.Elapsed.TotalSeconds), (Metric.BackupLastSize, size));
            if (_ping is { } ping) await ping.SucceededAsync().ConfigureAwait(false);
            return Result(plan, dryRun: false, prune?.Deleted ?? []) with
            {
                Size = size,
                DumpSize = dumpBytes,
                Duration = stopwatch.Elapsed,
                PruneFailed = prune?.Failed ?? [],
                PruneSkipped = prune is null,
            };
        }
        catch (Exception ex) when (ex is ObsBackupException or OperationCanceledException)
        {
            Failed(plan.ObjectName, ex);
            WriteMetrics((Metric.BackupLastDuration, stopwatch.Elapsed.TotalSeconds));
            await PingFailedAsync(ex).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<(long DumpBytes, long Size)> DumpAndUploadAsync(BackupPlan plan, BackupStore store, CancellationToken ct)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _log.Info("pg_dump_start", ("database", Subject), ("globals", Globals), ("host", plan.Database.Host),
            ("pg_dump", plan.PgDumpPath), ("pg_dump_version", plan.PgDumpVersion.ToString()), ("compression", settings.Compression.ToString().ToLowerInvariant()), ("compression_level", Level),
            ("codec_implementation", Codecs.Implementation(settings.Compression, Level)), ("codec_implementation_level", Codecs.ImplementationLevel(settings.Compression, Level)),
            ("encrypted_to", settings.Recipients.Count > 0 ? settings.Recipients.Select(r => r.ToString()).ToArray() : null));
        Codecs.WarnFallback(_log, settings.Compression);
        var pgDump = Globals
            ? PgDumpProcess.Globals(plan.PgDumpPath, plan.Database, IncludeRolePasswords)
            : new PgDumpProcess(plan.PgDumpPath, plan.Database) { ExcludeTables = settings.ExcludeTables, ExcludeTableData = settings.ExcludeTableData };
        var layout = new BackupLayout(settings.Compression, Encrypted: settings.Recipients.Count > 0);
        // what pg_dump's plain format leaves out of a database: its owner, settings and privileges, recorded as data in the manifest
        DatabaseProperties? properties = null;
        if (!Globals)
            await using (var session = await DatabaseAdmin.ConnectAsync(plan.Database, ct, purpose: "backup").ConfigureAwait(false))
                properties = await session.DatabasePropertiesAsync(ct).ConfigureAwait(false);
        var dump = new BackupWriter(async (sql, token) => await pgDump.DumpAsync(sql, token).ConfigureAwait(false) with { Database = properties },
            layout, Level, "pg_dump", settings.Recipients, sink.Progress, cancel.Token) { SigningKey = options.SigningKey };

        _log.Info("upload_start", ("bucket", settings.Storage.Bucket), ("object_name", plan.ObjectName));
        long size;
        try
        {
            size = await store.UploadAsync(plan.ObjectName, dump.Output, layout.ContentType, cancel.Token).ConfigureAwait(false);
        }
        catch (Exception uploadError)
        {
            // Stop pg_dump, then report whichever failed first: a failed dump makes the upload fail too.
            dump.Abandon();
            await cancel.CancelAsync().ConfigureAwait(false);
            try { await dump.Completion.ConfigureAwait(false); } catch (Exception) { /* reported below */ }

            if ((uploadError as PgDumpFailedException ?? dump.Completion.Exception?.GetBaseException() as PgDumpFailedException) is { } dumpFailed)
            {
                _log.Error("pg_dump_failed", ("exit_code", dumpFailed.ExitCode), ("stderr", dumpFailed.StandardError.Trim()), ("error", dumpFailed.Message));
                throw dumpFailed;
            }
            if (uploadError is not OperationCanceledException)
                _log.Error("upload_failed", ("object_name", plan.ObjectName), ("error", uploadError.Message));
            throw;
        }
        await dump.Completion.ConfigureAwait(false);
        var manifest = dump.Manifest!;
        _log.Info("pg_dump_complete", ("bytes", manifest.SqlBytes), ("tables", manifest.RowsPerTable.Count),
            ("rows", manifest.RowsPerTable.Values.Sum()), ("sql_sha256", Convert.ToHexStringLower(manifest.Sha256)));
        _log.Info("upload_complete", ("object_name", plan.ObjectName), ("size", size), ("dump_size", dump.SqlBytes));
        if (dump.Sign(plan.ObjectName, _clock.GetUtcNow()) is { } signature)
            await StoreSignatureAsync(store, plan.ObjectName, signature, ct).ConfigureAwait(false);
        return (dump.SqlBytes, size);
    }

    /// <summary>
    /// Puts the backup's signature beside it: only then does the backup count. A signature that cannot
    /// be written fails the backup, and the object goes (a backup that trusting restores refuse is no
    /// backup), unless it is locked: then it stays, unsigned, and the error says so.
    /// </summary>
    private async Task StoreSignatureAsync(BackupStore store, string objectName, byte[] signature, CancellationToken ct)
    {
        var keyId = options.SigningKey!.KeyId.ToString();
        try
        {
            await store.PutSignatureAsync(objectName, signature, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObsBackupException or OperationCanceledException)
        {
            _log.Error("signature_upload_failed", ("object_name", objectName), ("key_id", keyId), ("error", ex.Message));
            if (settings.Storage.Lock is not null)
                throw new StorageException(ObsErrorKind.OperationFailed, ErrorIds.StorageError,
                    $"Backup '{objectName}' was stored, but its signature could not be: {ex.Message} The backup is locked, so it stays, unsigned: restores that check signatures refuse it.", objectName);
            try
            {
                await store.DeleteAsync(objectName, CancellationToken.None).ConfigureAwait(false);
                _log.Warning("removed_unsigned_backup", ("object_name", objectName));
            }
            catch (ObsBackupException deleteFailed)
            {
                _log.Error("delete_failed", ("object_name", objectName), ("error", deleteFailed.Message));
            }
            throw;
        }
        _log.Info("backup_signed", ("object_name", objectName), ("signature", BackupKey.SignatureOf(objectName)), ("key_id", keyId));
    }

    private void Failed(string? objectName, Exception ex)
    {
        _log.Error("backup_finished", [("status", "failed"), ("object_name", objectName), .. EventLog.FailureFields(ex)]);
        WriteMetrics((Metric.BackupLastStatus, 0));
    }

    private void WriteMetrics(params (Metric Metric, double Value)[] samples)
    {
        if (settings.MetricsPath is { } path) MetricsWriter.Write(_log, path, BackupKey.MetricsLabel(Subject), settings.Storage.Bucket, samples);
    }

    private BackupDataException AlreadyExists(string objectName) =>
        new(ObsErrorKind.AlreadyExists, ErrorIds.BackupAlreadyExists, objectName,
            $"A backup named '{objectName}' already exists in bucket '{settings.Storage.Bucket}'; another backup of this database started in the same second. Nothing was written.");

    private BackupResult Result(BackupPlan plan, bool dryRun, IReadOnlyList<string> pruned) => new()
    {
        ObjectName = plan.ObjectName,
        Bucket = settings.Storage.Bucket,
        Endpoint = settings.Storage.Endpoint,
        Database = Subject,
        StartedAt = plan.StartedAt,
        DryRun = dryRun,
        Pruned = pruned,
    };
}
