using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Store;
using ObservatoryBackup.Streams;
using ObservatoryBackup.Verify;

namespace ObservatoryBackup.Restore;

/// <summary>
/// Restores a backup: download to a private temporary file, verify it is a complete dump, then
/// (staged, the default) restore into a fresh database and swap it in by rename, or (in place)
/// terminate connections, drop, recreate and restore. Nothing is dropped before the download is verified.
/// </summary>
public sealed class RestoreEngine(ObsSettings settings, IBackupLog sink, TimeProvider? clock = null)
{
    private readonly EventLog _log = new(sink, clock ?? TimeProvider.System);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    private DatabaseUrl Db => settings.Database ?? throw new InvalidOperationException("A restore needs a database URL.");

    /// <summary>For confirmation prompts: what gets replaced.</summary>
    public string DescribeTarget() => $"database \"{Db.Database}\" on {Db.Host}:{Db.Port}";

    /// <summary>Logs a restore the user declined at the prompt.</summary>
    public void Aborted(string objectName) => _log.Warning("restore_aborted", ("object_name", objectName), ("database", Db.Database));

    public async Task<RestoreResult> RunAsync(string objectName, RestoreMode mode, CancellationToken ct)
    {
        BackupKey.ValidateForRestore(objectName);
        var stopwatch = Stopwatch.StartNew();
        _log.Info("restore_requested", ("object_name", objectName), ("bucket", settings.Storage.Bucket),
            ("database", Db.Database), ("host", Db.Host), ("mode", mode == RestoreMode.Staged ? "staged" : "in_place"));
        try
        {
            var psql = PgToolLocator.Locate("psql", settings.PsqlPath, settings.ToolSearchPath);
            await using var admin = await DatabaseAdmin.ConnectMaintenanceAsync(Db, ct).ConfigureAwait(false);
            using var store = new BackupStore(settings.Storage, _log.StorageRetry);
            var stored = await store.StatAsync(objectName, ct).ConfigureAwait(false)
                ?? throw new BackupDataException(ObsErrorKind.NotFound, "BackupNotFound", objectName,
                    $"No backup '{objectName}' in bucket '{settings.Storage.Bucket}' at {settings.Storage.Endpoint}.");

            var tempPath = Path.Combine(Path.GetTempPath(), $"obs-restore-{Guid.NewGuid():N}.sql.gz");
            try
            {
                long sqlSize;
                bool replaced;
                await using (var file = CreatePrivateFile(tempPath))
                {
                    await DownloadAsync(store, stored, file, ct).ConfigureAwait(false);
                    sqlSize = await BackupVerifier.VerifyAsync(file, objectName, ct).ConfigureAwait(false);
                    _log.Info("backup_verified", ("object_name", objectName), ("sql_size", sqlSize));

                    replaced = mode == RestoreMode.Staged
                        ? await RestoreStagedAsync(admin, psql, file, ct).ConfigureAwait(false)
                        : await RestoreInPlaceAsync(admin, psql, file, ct).ConfigureAwait(false);
                }

                var result = new RestoreResult
                {
                    ObjectName = objectName,
                    Bucket = settings.Storage.Bucket,
                    Database = Db.Database,
                    Server = $"{Db.Host}:{Db.Port}",
                    Mode = mode,
                    Replaced = replaced,
                    Size = stored.Size,
                    SqlSize = sqlSize,
                    Duration = stopwatch.Elapsed,
                };
                _log.Info("restore_finished", ("status", "success"), ("object_name", objectName), ("database", Db.Database));
                return result;
            }
            finally
            {
                File.Delete(tempPath);
                _log.Info("temp_file_removed", ("path", tempPath));
            }
        }
        catch (Exception ex)
        {
            _log.Error("restore_failed", ("object_name", objectName), ("database", Db.Database), ("error", ex.Message));
            throw;
        }
    }

    private async Task DownloadAsync(BackupStore store, StoredBackup stored, FileStream file, CancellationToken ct)
    {
        _log.Info("download_start", ("object_name", stored.ObjectName), ("size", stored.Size));
        await store.DownloadAsync(stored.ObjectName, file, stored.Size, sink.Progress, ct).ConfigureAwait(false);
        await file.FlushAsync(ct).ConfigureAwait(false);
        if (file.Length != stored.Size)
            throw new BackupDataException(ObsErrorKind.InvalidData, "BackupCorrupt", stored.ObjectName,
                $"Backup '{stored.ObjectName}' downloaded as {file.Length} bytes, but the store lists {stored.Size}. Nothing was changed.");
        _log.Info("download_complete", ("object_name", stored.ObjectName), ("size", file.Length));
    }

    /// <returns>Whether an existing database was replaced.</returns>
    private async Task<bool> RestoreStagedAsync(DatabaseAdmin admin, string psql, FileStream file, CancellationToken ct)
    {
        var target = Db.Database;
        var stamp = _clock.GetUtcNow().ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var staging = NameWithSuffix(target, $"_obs_restore_{stamp}");
        var old = NameWithSuffix(target, $"_obs_replaced_{stamp}");

        await admin.DropDatabaseAsync(staging, ct).ConfigureAwait(false);
        await admin.CreateDatabaseAsync(staging, ct).ConfigureAwait(false);
        _log.Info("create_database", ("database", staging), ("staging", true));
        try
        {
            await ApplyAsync(psql, staging, file, targetUntouched: true, ct).ConfigureAwait(false);
        }
        catch
        {
            await DropQuietlyAsync(admin, staging).ConfigureAwait(false);
            throw;
        }

        // Swap: keep newcomers out, end current sessions, move the old database aside, move the new one in.
        var exists = await admin.DatabaseExistsAsync(target, ct).ConfigureAwait(false);
        if (exists)
        {
            await admin.SetAllowConnectionsAsync(target, false, ct).ConfigureAwait(false);
            try
            {
                var terminated = await admin.TerminateConnectionsAsync(target, ct).ConfigureAwait(false);
                _log.Info("terminate_connections", ("database", target), ("terminated", terminated));
                await admin.RenameDatabaseAsync(target, old, ct).ConfigureAwait(false);
            }
            catch
            {
                await admin.SetAllowConnectionsAsync(target, true, CancellationToken.None).ConfigureAwait(false);
                await DropQuietlyAsync(admin, staging).ConfigureAwait(false);
                throw;
            }
        }
        try
        {
            await admin.RenameDatabaseAsync(staging, target, ct).ConfigureAwait(false);
            _log.Info("rename_database", ("from", staging), ("to", target));
        }
        catch
        {
            if (exists)
            {
                await admin.RenameDatabaseAsync(old, target, CancellationToken.None).ConfigureAwait(false);
                await admin.SetAllowConnectionsAsync(target, true, CancellationToken.None).ConfigureAwait(false);
            }
            await DropQuietlyAsync(admin, staging).ConfigureAwait(false);
            throw;
        }
        if (exists)
        {
            await admin.DropDatabaseAsync(old, ct).ConfigureAwait(false);
            _log.Info("drop_database", ("database", old), ("replaced", target));
        }
        return exists;
    }

    private async Task<bool> RestoreInPlaceAsync(DatabaseAdmin admin, string psql, FileStream file, CancellationToken ct)
    {
        var target = Db.Database;
        var exists = await admin.DatabaseExistsAsync(target, ct).ConfigureAwait(false);
        if (exists)
        {
            var terminated = await admin.TerminateConnectionsAsync(target, ct).ConfigureAwait(false);
            _log.Info("terminate_connections", ("database", target), ("terminated", terminated));
            await admin.DropDatabaseAsync(target, ct).ConfigureAwait(false);
            _log.Info("drop_database", ("database", target));
        }
        await admin.CreateDatabaseAsync(target, ct).ConfigureAwait(false);
        _log.Info("create_database", ("database", target));
        await ApplyAsync(psql, target, file, targetUntouched: false, ct).ConfigureAwait(false);
        return exists;
    }

    private async Task ApplyAsync(string psql, string database, FileStream file, bool targetUntouched, CancellationToken ct)
    {
        _log.Info("restore_start", ("database", database));
        file.Position = 0;
        var counting = new CountingStream(file, sink.Progress, "gunzip | psql", file.Length);
        await using var gunzip = new GZipStream(counting, CompressionMode.Decompress, leaveOpen: true);
        var (exitCode, stderr) = await new PsqlProcess(psql, Db.WithDatabase(database)).RunAsync(gunzip, ct).ConfigureAwait(false);
        if (exitCode != 0)
            throw new RestoreFailedException(database, exitCode, stderr, targetUntouched);
        counting.Complete();
        _log.Info("restore_complete", ("database", database));
    }

    private static async Task DropQuietlyAsync(DatabaseAdmin admin, string database)
    {
        try { await admin.DropDatabaseAsync(database, CancellationToken.None).ConfigureAwait(false); }
        catch (ObsBackupException) { /* the original failure matters more than a leftover staging database */ }
    }

    /// <summary>Appends a suffix, shortening the base so the name fits PostgreSQL's 63-byte identifiers.</summary>
    internal static string NameWithSuffix(string name, string suffix)
    {
        var budget = 63 - Encoding.UTF8.GetByteCount(suffix);
        var baseName = name;
        while (Encoding.UTF8.GetByteCount(baseName) > budget) baseName = baseName[..^1];
        return baseName + suffix;
    }

    private static FileStream CreatePrivateFile(string path)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(path, options);
    }
}
