using System.Diagnostics;
using System.Globalization;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Format;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Metrics;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Store;
using ObservatoryBackup.Verify;

namespace ObservatoryBackup.Testing;

/// <summary>
/// Proves a backup restores (the spec's restore test, and dbatools' Test-DbaLastBackup): downloads and
/// verifies it, restores it into a scratch database on the server of the database URL, and checks that
/// every table holds as many rows as its COPY block carried. The scratch database is dropped however
/// the test ends (unless kept); the database the backup came from is never touched. With verify-only,
/// the backup is checked as it streams, with no temporary file and no restore.
/// </summary>
public sealed class BackupTestEngine(TestOptions options, IBackupLog sink, TimeProvider? clock = null)
{
    private readonly ObsSettings settings = options.Settings;

    /// <summary>Makes the object store; null for the S3 server of the settings (tests give an in-memory one).</summary>
    public ObjectStoreFactory? OpenStore { get; init; }

    /// <summary>Scratch databases are named obs_test_YYYYMMDDHHMMSS_RANDOM: no application names a database so.</summary>
    public const string ScratchPrefix = TransientDatabase.ScratchPrefix;

    private bool NoOwner => options.NoOwner;
    private bool NoTablespaces => options.NoTablespaces;

    private readonly EventLog _log = new(sink, clock ?? TimeProvider.System);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task<BackupTestResult> RunAsync(string objectName, bool verifyOnly, bool keep, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        _log.Info("test_start", ("object_name", objectName), ("bucket", settings.Storage.Bucket), ("verify_only", verifyOnly));
        try
        {
            BackupKey.ValidateForRestore(objectName, settings.Storage.Prefix);
            using var store = BackupStore.Open(settings.Storage, _log, OpenStore);
            // the signature first: every read below is proven against it before its bytes are used
            var stored = await BackupSignature.CheckAsync(store, await store.RequireAsync(objectName, ct).ConfigureAwait(false), options.TrustedKeys, _log, ct).ConfigureAwait(false);
            await BackupReader.CheckIdentityAsync(store, stored, settings.Identities, ct).ConfigureAwait(false);
            // a globals backup is not loaded anywhere (its roles would be the server's): it is proven whole, every statement one pg_dumpall writes
            var result = (verifyOnly || BackupKey.KindOf(objectName) == BackupKind.Globals
                ? await VerifyAsync(store, stored, ct).ConfigureAwait(false)
                : await RestoreAndCountAsync(store, stored, keep, ct).ConfigureAwait(false)) with { Duration = stopwatch.Elapsed };

            var fields = new (string, object?)[]
            {
                ("status", result.Passed ? "success" : "failed"), ("object_name", objectName), ("tables", result.Tables),
                ("rows", result.Rows), ("mismatches", result.Mismatches.Count), ("database", result.Database), ("verify_only", verifyOnly),
                ("manifest", result.Manifest),
            };
            if (result.Passed) _log.Info("test_finished", fields);
            else _log.Error("test_finished", fields);
            WriteMetrics(objectName, result.Passed
                ? [(Metric.TestLastStatus, 1), (Metric.TestLastSuccess, _clock.GetUtcNow().ToUnixTimeSeconds())]
                : [(Metric.TestLastStatus, 0)]);
            return result;
        }
        catch (Exception ex) when (ex is ObsBackupException or OperationCanceledException)
        {
            _log.Error("test_finished", [("status", "failed"), ("object_name", objectName), ("verify_only", verifyOnly), .. EventLog.FailureFields(ex)]);
            WriteMetrics(objectName, [(Metric.TestLastStatus, 0)]);
            throw;
        }
    }

    private async Task<BackupTestResult> VerifyAsync(BackupStore store, StoredBackup stored, CancellationToken ct)
    {
        var summary = await BackupVerifier.VerifyStoredAsync(store, stored, settings.Identities, sink.Progress, _log, ct).ConfigureAwait(false);
        return Result(stored, summary, verifyOnly: true, [], database: null, kept: false);
    }

    private async Task<BackupTestResult> RestoreAndCountAsync(BackupStore store, StoredBackup stored, bool keep, CancellationToken ct)
    {
        var server = settings.Database ?? throw new InvalidOperationException("A restore test needs a database URL.");
        // one backup, restore or test of a database at a time: the database the backup is of
        var restoring = stored.Database ?? server.Database;
        await using var admin = await DatabaseLock.AcquireAsync(server, restoring, DatabaseLock.Run.Test, ct).ConfigureAwait(false);
        await RestoreTarget.RemoveLeftoverRolesAsync(admin, server, restoring, _log, ct).ConfigureAwait(false);
        var psql = await SqlLoader.LocatePsqlAsync(settings, _log, admin.ServerVersion, ct).ConfigureAwait(false);
        DumpSummary summary;
        var temp = RestoreTempFile.Create(settings.TempDirectory);
        var scratch = ScratchPrefix + _clock.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "_" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            summary = await VerifiedDownload.RunAsync(store, stored, temp, settings.Identities, NoOwner, NoTablespaces, sink, _log, ct).ConfigureAwait(false);
            await admin.CreateDatabaseAsync(scratch, ct).ConfigureAwait(false);
            _log.Info("create_database", ("database", scratch), ("scratch", true));
            try
            {
                temp.Stream.Position = 0;
                IReadOnlyList<TableMismatch> mismatches = [];
                await new RestoreTarget(settings, sink, _log, psql, NoOwner, NoTablespaces, includeGlobals: false).LoadContainedAsync(restoring, scratch, stored.ObjectName, targetUntouched: true,
                    async loader =>
                    {
                        await loader.LoadAsync(temp.Stream, temp.Stream.Length, scratch, targetUntouched: true, ct).ConfigureAwait(false);
                        return summary;
                    },
                    async (loadRole, loaded) => (mismatches = await LoadedDatabaseCheck.CompareAsync(loadRole, scratch, loaded.RowsPerTable, _log, ct).ConfigureAwait(false)).Count == 0,
                    ct).ConfigureAwait(false);
                return Result(stored, summary, verifyOnly: false, mismatches, scratch, keep);
            }
            finally
            {
                if (!keep)
                {
                    await admin.DropDatabaseAsync(scratch, CancellationToken.None).ConfigureAwait(false);
                    _log.Info("drop_database", ("database", scratch), ("scratch", true));
                }
            }
        }
        finally
        {
            await temp.DisposeAsync().ConfigureAwait(false);
        }
    }

    // labelled by the database the backup is of, as the backup's own metrics are
    private void WriteMetrics(string objectName, (Metric Metric, double Value)[] samples)
    {
        if (settings.MetricsPath is { } path)
            MetricsWriter.Write(_log, path, BackupKey.TryParse(objectName, settings.Storage.Prefix) is { } parsed ? BackupKey.MetricsLabel(parsed.Database) : "",
                settings.Storage.Bucket, samples);
    }

    private BackupTestResult Result(StoredBackup stored, DumpSummary summary, bool verifyOnly, IReadOnlyList<TableMismatch> mismatches, string? database, bool kept) => new()
    {
        ObjectName = stored.ObjectName,
        Bucket = settings.Storage.Bucket,
        Passed = mismatches.Count == 0,
        VerifyOnly = verifyOnly,
        Tables = summary.RowsPerTable.Count,
        Rows = summary.Rows,
        Mismatches = mismatches,
        SqlSize = summary.SqlSize,
        Manifest = summary.Manifest is null ? "none" : "verified",
        Encrypted = stored.Encrypted,
        Duration = TimeSpan.Zero,
        Database = database,
        Kept = kept && database is not null,
    };
}
