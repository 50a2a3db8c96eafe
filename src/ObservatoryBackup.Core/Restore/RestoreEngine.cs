using System.Diagnostics;
using System.Globalization;
using System.Text;
using ObservatoryBackup.Format;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Store;
using ObservatoryBackup.Verify;

namespace ObservatoryBackup.Restore;

/// <summary>
/// Restores a backup, under the database's <see cref="DatabaseLock"/>. Staged (the default): stream it
/// from the store through the checks into a fresh database, prove that database holds what the backup
/// carried (<see cref="LoadedDatabaseCheck"/>), then swap it in by renaming, in one transaction that a
/// signal cannot split. In place: download to a private temporary file and verify it whole, then
/// terminate connections, drop, recreate and load; a failure after the drop says the database is partial.
/// </summary>
public sealed class RestoreEngine(ObsSettings settings, IBackupLog sink, TimeProvider? clock = null)
{
    /// <summary>Makes the object store; null for the S3 server of the settings (tests give an in-memory one).</summary>
    public ObjectStoreFactory? OpenStore { get; init; }

    private readonly EventLog _log = new(sink, clock ?? TimeProvider.System);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    private DatabaseUrl Db => settings.Database ?? throw new InvalidOperationException("A restore needs a database URL.");

    /// <summary>Restore with every object owned by the connecting user: for a server that lacks the backup's roles.</summary>
    public bool NoOwner { get; init; }

    /// <summary>Restore every object into the database's default tablespace: for a server that lacks the backup's tablespaces.</summary>
    public bool NoTablespaces { get; init; }

    /// <summary>Before restoring a database, restore the newest globals backup taken at or before it (roles, memberships, tablespaces the server lacks).</summary>
    public bool IncludeGlobals { get; init; }

    /// <summary>A globals restore also applies the backup's attributes, settings and memberships to roles that exist already (otherwise left as they are).</summary>
    public bool UpdateExistingRoles { get; init; }

    /// <summary>For confirmation prompts: what restoring <paramref name="objectName"/> changes.</summary>
    public string DescribeTarget(string objectName) => BackupKey.IsGlobals(objectName)
        ? $"the roles and tablespaces of {Db.Host}:{Db.Port}"
        : $"database \"{Db.Database}\" on {Db.Host}:{Db.Port}";

    /// <summary>Logs a restore the user declined at the prompt.</summary>
    public void Aborted(string objectName) => _log.Warning("restore_aborted", ("object_name", objectName), ("database", Db.Database), ("reason", "not confirmed"));

    /// <summary>Refuses a name a restore must not fetch (see <see cref="BackupKey.ValidateForRestore"/>), logging the refusal as a failed restore.</summary>
    public void ValidateObjectName(string objectName)
    {
        try
        {
            BackupKey.ValidateForRestore(objectName, settings.Storage.Prefix);
        }
        catch (BackupDataException ex)
        {
            Failed(objectName, ex);
            throw;
        }
    }

    public async Task<RestoreResult> RunAsync(string objectName, RestoreMode mode, CancellationToken ct)
    {
        ValidateObjectName(objectName);
        if (BackupKey.IsGlobals(objectName)) return await RestoreGlobalsAsync(objectName, ct).ConfigureAwait(false);
        var stopwatch = Stopwatch.StartNew();
        _log.Info("restore_requested", ("object_name", objectName), ("bucket", settings.Storage.Bucket),
            ("database", Db.Database), ("host", Db.Host), ("mode", mode == RestoreMode.Staged ? "staged" : "in_place"), ("no_owner", NoOwner), ("no_tablespaces", NoTablespaces));
        try
        {
            // One backup, restore or test of a database at a time; under the lock, what killed restores left is ours to remove.
            await using var admin = await DatabaseLock.AcquireAsync(Db, Db.Database, DatabaseLock.Run.Restore, ct).ConfigureAwait(false);
            var psql = await SqlLoader.LocatePsqlAsync(settings, _log, admin.ServerVersion, ct).ConfigureAwait(false);
            await RemoveLeftoversAsync(admin, ct).ConfigureAwait(false);
            using var store = BackupStore.Open(settings.Storage, _log, OpenStore);
            var stored = await store.RequireAsync(objectName, ct).ConfigureAwait(false);
            await BackupReader.CheckIdentityAsync(store, stored, settings.Identities, ct).ConfigureAwait(false);
            // the roles first, so that the database's owners and grants have someone to name
            (string ObjectName, GlobalsOutcome Outcome)? globals = IncludeGlobals ? await RestoreGlobalsOfAsync(store, stored, ct).ConfigureAwait(false) : null;

            var (replaced, summary) = mode == RestoreMode.Staged
                ? await RestoreStagedAsync(admin, psql, store, stored, ct).ConfigureAwait(false)
                : await RestoreInPlaceAsync(admin, psql, store, stored, ct).ConfigureAwait(false);
            var result = new RestoreResult
            {
                ObjectName = objectName,
                Bucket = settings.Storage.Bucket,
                Database = Db.Database,
                Server = $"{Db.Host}:{Db.Port}",
                Mode = mode,
                Replaced = replaced,
                Size = stored.Size,
                SqlSize = summary.SqlSize,
                Duration = stopwatch.Elapsed,
                Globals = globals?.ObjectName,
                RolesCreated = globals?.Outcome.RolesCreated ?? [],
                RolesLeft = globals?.Outcome.RolesLeft ?? [],
                TablespacesCreated = globals?.Outcome.TablespacesCreated ?? [],
            };
            _log.Info("restore_finished", ("status", "success"), ("object_name", objectName), ("database", Db.Database));
            return result;
        }
        catch (Exception ex) when (ex is ObsBackupException or OperationCanceledException)
        {
            Failed(objectName, ex);
            throw;
        }
    }

    /// <summary>A globals backup on its own: the server's missing roles, memberships and tablespaces; no database is touched.</summary>
    private async Task<RestoreResult> RestoreGlobalsAsync(string objectName, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        _log.Info("restore_requested", ("object_name", objectName), ("bucket", settings.Storage.Bucket), ("host", Db.Host), ("port", Db.Port),
            ("mode", "globals"), ("update_existing_roles", UpdateExistingRoles), ("no_tablespaces", NoTablespaces));
        try
        {
            using var store = BackupStore.Open(settings.Storage, _log, OpenStore);
            var stored = await store.RequireAsync(objectName, ct).ConfigureAwait(false);
            var (size, sqlSize, outcome) = await ApplyGlobalsAsync(store, stored, ct).ConfigureAwait(false);
            _log.Info("restore_finished", ("status", "success"), ("object_name", objectName), ("database", BackupKey.Globals));
            return new RestoreResult
            {
                ObjectName = objectName,
                Bucket = settings.Storage.Bucket,
                Database = BackupKey.Globals,
                Server = $"{Db.Host}:{Db.Port}",
                Mode = RestoreMode.Globals,
                Replaced = false,
                Size = size,
                SqlSize = sqlSize,
                Duration = stopwatch.Elapsed,
                Globals = objectName,
                RolesCreated = outcome.RolesCreated,
                RolesLeft = outcome.RolesLeft,
                TablespacesCreated = outcome.TablespacesCreated,
            };
        }
        catch (Exception ex) when (ex is ObsBackupException or OperationCanceledException)
        {
            Failed(objectName, ex);
            throw;
        }
    }

    /// <summary>The newest globals backup taken at or before <paramref name="database"/>'s backup, restored.</summary>
    private async Task<(string ObjectName, GlobalsOutcome Outcome)> RestoreGlobalsOfAsync(BackupStore store, StoredBackup database, CancellationToken ct)
    {
        var catalog = new BackupCatalog(settings.Storage, _log) { OpenStore = OpenStore, LogsListing = false };
        var taken = database.Timestamp ?? database.LastModified;
        var globals = (await catalog.ListAsync(new BackupQuery { Database = BackupKey.Globals, Before = taken.AddSeconds(1) }, ct).ConfigureAwait(false)).FirstOrDefault()
            ?? throw new BackupDataException(ObsErrorKind.NotFound, ErrorIds.NoBackups, database.ObjectName,
                $"There is no globals backup taken at or before '{database.ObjectName}' in bucket '{settings.Storage.Bucket}' at {settings.Storage.Endpoint}, " +
                "so its roles cannot be restored with it. Nothing was changed.");
        _log.Info("globals_chosen", ("object_name", globals.ObjectName), ("for", database.ObjectName));
        var (_, _, outcome) = await ApplyGlobalsAsync(store, globals, ct).ConfigureAwait(false);
        return (globals.ObjectName, outcome);
    }

    /// <summary>Reads the globals backup whole, proving every statement is one pg_dumpall writes, then applies it under the globals' lock.</summary>
    private async Task<(long Size, long SqlSize, GlobalsOutcome Outcome)> ApplyGlobalsAsync(BackupStore store, StoredBackup stored, CancellationToken ct)
    {
        await using var admin = await DatabaseLock.AcquireAsync(Db, BackupKey.Globals, DatabaseLock.Run.Restore, ct).ConfigureAwait(false);
        await BackupReader.CheckIdentityAsync(store, stored, settings.Identities, ct).ConfigureAwait(false);
        // small, and proven whole before a statement runs: nothing is changed by a damaged or crafted backup
        var summary = await BackupVerifier.VerifyStoredAsync(store, stored, settings.Identities, sink.Progress, _log, ct).ConfigureAwait(false);
        var outcome = await new GlobalsRestore(_log) { UpdateExistingRoles = UpdateExistingRoles, NoTablespaces = NoTablespaces }
            .ApplyAsync(admin, stored.ObjectName, summary.Globals!, ct).ConfigureAwait(false);
        _log.Info("globals_restored", ("object_name", stored.ObjectName), ("roles_created", outcome.RolesCreated.ToArray()),
            ("roles_left", outcome.RolesLeft.ToArray()), ("tablespaces_created", outcome.TablespacesCreated.ToArray()));
        return (stored.Size, summary.SqlSize, outcome);
    }

    /// <summary>
    /// Removes what restores killed before they could clean up left behind: their temporary files, and
    /// staging databases of this target. A database moved aside during a swap still holds the replaced
    /// data: it is reported, never dropped, unless an interrupted DROP left it invalid (nobody can
    /// connect to it, and it holds nothing whole).
    /// </summary>
    private async Task RemoveLeftoversAsync(DatabaseAdmin admin, CancellationToken ct)
    {
        foreach (var path in RestoreTempFile.RemoveLeftovers(settings.TempDirectory))
            _log.Warning("removed_leftover", ("kind", "temp_file"), ("path", path));
        foreach (var name in await admin.DatabaseNamesAsync(ct).ConfigureAwait(false))
        {
            if (IsOwnName(name, StagingSuffix))
            {
                await admin.DropDatabaseAsync(name, ct).ConfigureAwait(false);
                _log.Warning("removed_leftover", ("kind", "staging_database"), ("database", name));
            }
            else if (IsOwnName(name, ReplacedSuffix) && await admin.IsInvalidDatabaseAsync(name, ct).ConfigureAwait(false))
            {
                await admin.DropDatabaseAsync(name, CancellationToken.None).ConfigureAwait(false);
                _log.Warning("removed_leftover", ("kind", "invalid_database"), ("database", name));
            }
            else if (IsOwnName(name, ReplacedSuffix))
            {
                _log.Warning("replaced_database_found", ("database", name), ("target", Db.Database),
                    ("detail", "an interrupted restore moved the previous database aside under this name; it was kept"));
            }
        }
    }

    private const string StagingSuffix = "_obs_restore_";
    private const string ReplacedSuffix = "_obs_replaced_";

    /// <summary>Whether <paramref name="name"/> is what <see cref="NameWithSuffix"/> makes of this target with the suffix and some stamp.</summary>
    private bool IsOwnName(string name, string suffix)
    {
        var stampLength = 14;
        var tail = suffix.Length + stampLength;
        return name.Length > tail
            && name.AsSpan(name.Length - tail, suffix.Length).SequenceEqual(suffix)
            && name[^stampLength..].All(char.IsAsciiDigit)
            && NameWithSuffix(Db.Database, name[^tail..]) == name;
    }

    private void Failed(string objectName, Exception ex)
    {
        var failure = EventLog.FailureFields(ex);
        _log.Error("restore_failed", ("object_name", objectName), ("database", Db.Database), failure[0]);
        _log.Error("restore_finished", [("status", "failed"), ("object_name", objectName), ("database", Db.Database), .. failure]);
    }

    /// <returns>Whether an existing database was replaced, and what the backup carried.</returns>
    private async Task<(bool Replaced, DumpSummary Summary)> RestoreStagedAsync(DatabaseAdmin admin, string psql, BackupStore store, StoredBackup stored, CancellationToken ct)
    {
        var target = Db.Database;
        var stamp = _clock.GetUtcNow().ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var staging = NameWithSuffix(target, StagingSuffix + stamp);
        var old = NameWithSuffix(target, ReplacedSuffix + stamp);
        DumpSummary summary;

        await admin.DropDatabaseAsync(staging, ct).ConfigureAwait(false);
        await admin.CreateDatabaseAsync(staging, ct).ConfigureAwait(false);
        _log.Info("create_database", ("database", staging), ("staging", true));
        try
        {
            // streamed from the store, verified on its way in, then what was loaded is proven against what the stream carried
            await using (var download = new StreamingDownload(store, stored, _log, sink.Progress, ct))
                summary = await Loader(psql, stored.ObjectName)
                    .LoadVerifiedAsync(download.Content, stored, staging, targetUntouched: true, ct).ConfigureAwait(false);
            await ProveLoadedAsync(staging, stored.ObjectName, summary, $"The staging database was dropped; \"{target}\" was left as it was.", ct).ConfigureAwait(false);
            await ApplyPropertiesAsync(admin, staging, stored.ObjectName, summary, ct).ConfigureAwait(false);
            // the last point at which a signal stops the restore: the swap below runs to its end
            ct.ThrowIfCancellationRequested();
        }
        catch
        {
            await DropQuietlyAsync(admin, staging).ConfigureAwait(false);
            throw;
        }
        return (await SwapInAsync(admin, staging, target, old).ConfigureAwait(false), summary);
    }

    /// <summary>
    /// Puts the staging database in the target's place: keep newcomers out, end current sessions, then
    /// both renames in one transaction, so the target is always either the old database or the new one.
    /// Not cancellable: once it starts the restore is done, and the old database is dropped without a
    /// cancel request (a cancelled DROP DATABASE leaves an invalid database behind).
    /// </summary>
    private async Task<bool> SwapInAsync(DatabaseAdmin admin, string staging, string target, string old)
    {
        var none = CancellationToken.None;
        var exists = await admin.DatabaseExistsAsync(target, none).ConfigureAwait(false);
        try
        {
            if (exists)
            {
                await admin.SetAllowConnectionsAsync(target, false, none).ConfigureAwait(false);
                var terminated = await admin.TerminateConnectionsAsync(target, none).ConfigureAwait(false);
                _log.Info("terminate_connections", ("database", target), ("terminated", terminated));
            }
            await admin.SwapInAsync(staging, target, exists ? old : null, none).ConfigureAwait(false);
        }
        catch
        {
            if (exists) await admin.SetAllowConnectionsAsync(target, true, none).ConfigureAwait(false);
            await DropQuietlyAsync(admin, staging).ConfigureAwait(false);
            throw;
        }
        _log.Info("rename_database", ("from", staging), ("to", target));
        if (exists)
        {
            try
            {
                await admin.DropDatabaseAsync(old, none).ConfigureAwait(false);
                _log.Info("drop_database", ("database", old), ("replaced", target));
            }
            catch (ObsBackupException ex)
            {
                // the restore is done; what is left is cleanup, which the next restore of this target retries
                _log.Warning("cleanup_failed", ("database", old), ("replaced", target), ("error", ex.Message));
            }
        }
        return exists;
    }

    private async Task<(bool Replaced, DumpSummary Summary)> RestoreInPlaceAsync(DatabaseAdmin admin, string psql, BackupStore store, StoredBackup stored, CancellationToken ct)
    {
        // nothing is dropped before the backup is proven whole: it is downloaded and verified first
        var temp = RestoreTempFile.Create(settings.TempDirectory);
        try
        {
            var verified = await VerifiedDownload.RunAsync(store, stored, temp, settings.Identities, sink, _log, ct).ConfigureAwait(false);
            temp.Stream.Position = 0;
            return (await ReplaceInPlaceAsync(admin, psql, temp.Stream, stored.ObjectName, verified, ct).ConfigureAwait(false), verified);
        }
        finally
        {
            await temp.DisposeAsync().ConfigureAwait(false);
            _log.Info("temp_file_removed", ("path", temp.Path));
        }
    }

    private async Task<bool> ReplaceInPlaceAsync(DatabaseAdmin admin, string psql, Stream file, string objectName, DumpSummary verified, CancellationToken ct)
    {
        var target = Db.Database;
        var exists = await admin.DatabaseExistsAsync(target, ct).ConfigureAwait(false);
        if (exists)
        {
            var terminated = await admin.TerminateConnectionsAsync(target, ct).ConfigureAwait(false);
            _log.Info("terminate_connections", ("database", target), ("terminated", terminated));
            // never cancelled: a cancelled DROP DATABASE leaves an invalid database behind
            await admin.DropDatabaseAsync(target, CancellationToken.None).ConfigureAwait(false);
            _log.Info("drop_database", ("database", target));
        }
        // from here the target is gone or partial: whatever stops the restore, the error says so
        try
        {
            await admin.CreateDatabaseAsync(target, ct).ConfigureAwait(false);
            _log.Info("create_database", ("database", target));
            await Loader(psql, objectName).LoadAsync(file, file.Length, target, targetUntouched: false, ct).ConfigureAwait(false);
            await ProveLoadedAsync(target, objectName, verified, PartialRestoreException.Advice(target, objectName), ct).ConfigureAwait(false);
            await ApplyPropertiesAsync(admin, target, objectName, verified, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex)
        {
            throw new PartialRestoreException(target, objectName, "was interrupted before it finished loading", ex);
        }
        catch (ObsBackupException ex) when (ex is not RestoreFailedException and not { ErrorId: ErrorIds.RestoreMismatch })
        {
            throw new PartialRestoreException(target, objectName, $"failed before it finished loading: {ex.Message}", ex);
        }
        return exists;
    }

    private SqlLoader Loader(string psql, string objectName) =>
        new(psql, Db, sink, _log) { NoOwner = NoOwner, NoTablespaces = NoTablespaces, ObjectName = objectName, Identities = settings.Identities, Jobs = settings.RestoreJobs };

    /// <summary>Fails, logging each table, unless <paramref name="database"/> holds what the backup carried.</summary>
    private async Task ProveLoadedAsync(string database, string objectName, DumpSummary summary, string outcome, CancellationToken ct)
    {
        var mismatches = await LoadedDatabaseCheck.CompareAsync(Db, database, summary.RowsPerTable, _log, ct).ConfigureAwait(false);
        if (mismatches.Count > 0) throw LoadedDatabaseCheck.Mismatch(objectName, database, mismatches, outcome);
        _log.Info("restore_proven", ("database", database), ("tables", summary.RowsPerTable.Count), ("rows", summary.Rows));
    }

    /// <summary>
    /// With <see cref="IncludeGlobals"/>: gives <paramref name="database"/> the owner, settings, roles'
    /// settings and privileges the backup's manifest recorded (a plain dump carries none of them); with
    /// <see cref="NoOwner"/>, its settings alone. In one transaction, before the database is swapped in.
    /// </summary>
    private async Task ApplyPropertiesAsync(DatabaseAdmin admin, string database, string objectName, DumpSummary summary, CancellationToken ct)
    {
        if (!IncludeGlobals) return;
        if (summary.Manifest?.Database is not { } properties)
        {
            _log.Warning("database_properties_absent", ("object_name", objectName),
                ("detail", "the backup records no database owner, settings or privileges (taken by an older version); the database is owned by the restoring user"));
            return;
        }
        var statements = properties.Statements(database, withOwnership: !NoOwner, out var why)
            ?? throw new BackupDataException(ObsErrorKind.InvalidData, ErrorIds.BackupUnsafe, objectName,
                $"Backup '{objectName}' records database properties that cannot be restored: {why}. Nothing was changed.");
        await admin.RunStatementsAsync([.. statements.Select(s => (s, 0L))], atomic: true, $"the database properties backup '{objectName}' records", ct).ConfigureAwait(false);
        _log.Info("database_properties_restored", ("database", database), ("owner", NoOwner ? null : properties.Owner),
            ("settings", properties.Settings.Count), ("role_settings", NoOwner ? 0 : properties.RoleSettings.Count), ("grants", NoOwner ? null : properties.Grants?.Count));
    }

    private static async Task DropQuietlyAsync(DatabaseAdmin admin, string database)
    {
        try { await admin.DropDatabaseAsync(database, CancellationToken.None).ConfigureAwait(false); }
        catch (ObsBackupException) { /* the original failure matters more than a leftover staging database */ }
    }

    /// <summary>Appends a suffix, shortening the base so the name fits PostgreSQL's 63-byte identifiers.</summary>
    internal static string NameWithSuffix(string name, string suffix)
    {
        var budget = DatabaseUrl.MaxIdentifierBytes - Encoding.UTF8.GetByteCount(suffix);
        var elements = StringInfo.GetTextElementEnumerator(name);
        var baseName = new StringBuilder();
        // whole text elements only: cutting between a surrogate pair makes a string no encoder accepts
        while (elements.MoveNext() && Encoding.UTF8.GetByteCount(baseName + elements.GetTextElement()) <= budget)
            baseName.Append(elements.GetTextElement());
        return baseName + suffix;
    }
}
