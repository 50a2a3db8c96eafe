using System.Diagnostics;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Format;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Store;
using ObservatoryBackup.Verify;

namespace ObservatoryBackup.Restore;

/// <summary>
/// Restores a backup, under the database's <see cref="DatabaseLock"/>: store → format (<see cref="BackupReader"/>)
/// → check (<see cref="DumpGate"/>) → load (<see cref="SqlLoader"/>) → prove (<see cref="Verify.LoadedDatabaseCheck"/>) → swap.
/// Staged (the default, <see cref="StagedRestore"/>): streamed into a fresh database, proven, then
/// swapped in by renaming. In place (<see cref="InPlaceRestore"/>): downloaded and verified whole, then
/// dropped, recreated and loaded. A globals backup is applied on its own (<see cref="GlobalsRestore"/>).
/// </summary>
public sealed class RestoreEngine(RestoreOptions options, IBackupLog sink, TimeProvider? clock = null)
{
    private readonly ObsSettings settings = options.Settings;

    /// <summary>Makes the object store; null for the S3 server of the settings (tests give an in-memory one).</summary>
    public ObjectStoreFactory? OpenStore { get; init; }

    private readonly EventLog _log = new(sink, clock ?? TimeProvider.System);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    private DatabaseUrl Db => settings.Database ?? throw new InvalidOperationException("A restore needs a database URL.");

    private bool NoOwner => options.NoOwner;
    private bool NoTablespaces => options.NoTablespaces;
    private bool IncludeGlobals => options.IncludeGlobals;
    private bool UpdateExistingRoles => options.UpdateExistingRoles;
    private bool AllowPrivilegedRoles => options.AllowPrivilegedRoles;

    /// <summary>For confirmation prompts: what restoring <paramref name="objectName"/> changes.</summary>
    public string DescribeTarget(string objectName) => BackupKey.KindOf(objectName) == BackupKind.Globals
        ? $"the roles and tablespaces of {Db.Host}:{Db.Port}"
        : $"database \"{Db.Database}\" on {Db.Host}:{Db.Port}";

    /// <summary>Logs a restore the user declined at the prompt.</summary>
    public void Aborted(string objectName) => _log.Warning("restore_aborted", ("object_name", objectName), ("database", Db.Database), ("reason", "not confirmed"));

    /// <summary>For confirmations and -WhatIf: <c>backup of database "X" into database "Y"</c>, for a database's backup.</summary>
    public string Into(string objectName) => $"backup of {(BackupOf(objectName) is { } of ? $"database \"{of}\"" : "a database its name does not say")} into database \"{Db.Database}\"";

    /// <summary>The database a backup's name says it holds; null when the name does not follow the scheme.</summary>
    private string? BackupOf(string objectName) => BackupKey.TryParse(objectName, settings.Storage.Prefix)?.Database;

    /// <summary>
    /// Refuses a name a restore must not fetch (see <see cref="BackupKey.ValidateForRestore"/>), and a backup a query chose
    /// for another database than the target (<see cref="RestoreOptions.Refusal"/>), logging the refusal as a failed restore.
    /// </summary>
    public void ValidateObjectName(string objectName)
    {
        try
        {
            BackupKey.ValidateForRestore(objectName, settings.Storage.Prefix);
            if (BackupKey.KindOf(objectName) == BackupKind.Database && options.Refusal(BackupOf(objectName), objectName) is { } refusal) throw refusal;
        }
        catch (ObsBackupException ex)
        {
            Failed(objectName, ex);
            throw;
        }
    }

    /// <summary>
    /// Restores <paramref name="objectName"/>: a database's backup as <paramref name="mode"/> says, or a
    /// globals backup on its own. Logs restore_requested, then restore_finished, failed for every failure.
    /// </summary>
    public async Task<RestoreResult> RunAsync(string objectName, RestoreMode mode, CancellationToken ct)
    {
        ValidateObjectName(objectName);
        if (BackupKey.KindOf(objectName) == BackupKind.Globals) mode = RestoreMode.Globals;
        var stopwatch = Stopwatch.StartNew();
        LogRequested(objectName, mode);
        try
        {
            var restored = mode == RestoreMode.Globals
                ? await RestoreGlobalsAsync(objectName, ct).ConfigureAwait(false)
                : await RestoreDatabaseAsync(objectName, mode, ct).ConfigureAwait(false);
            var database = mode == RestoreMode.Globals ? BackupKey.Globals : Db.Database;
            _log.Info("restore_finished", ("status", "success"), ("object_name", objectName), ("database", database));
            return new RestoreResult
            {
                ObjectName = objectName,
                Bucket = settings.Storage.Bucket,
                Database = database,
                Server = $"{Db.Host}:{Db.Port}",
                Mode = mode,
                Replaced = restored.Replaced,
                Size = restored.Size,
                SqlSize = restored.SqlSize,
                Duration = stopwatch.Elapsed,
                Globals = restored.Globals,
                RolesCreated = restored.Roles?.RolesCreated ?? [],
                RolesLeft = restored.Roles?.RolesLeft ?? [],
                TablespacesCreated = restored.Roles?.TablespacesCreated ?? [],
            };
        }
        catch (ObsBackupException ex)
        {
            Failed(objectName, ex);
            throw;
        }
        catch (OperationCanceledException ex)
        {
            Failed(objectName, ex);
            throw;
        }
    }

    /// <summary>What a restore did, for its result: whether it replaced a database, the sizes, the globals restored with it.</summary>
    private sealed record Restored(bool Replaced, long Size, long SqlSize, string? Globals, GlobalsOutcome? Roles);

    /// <summary>Logs what was asked: the server and its roles for a globals backup, the database and how for a database's.</summary>
    private void LogRequested(string objectName, RestoreMode mode)
    {
        (string, object?)[] what = mode == RestoreMode.Globals
            ? [("host", Db.Host), ("port", Db.Port), ("mode", "globals"), ("update_existing_roles", UpdateExistingRoles), ("allow_privileged_roles", AllowPrivilegedRoles)]
            : [("database", Db.Database), ("host", Db.Host), ("mode", mode == RestoreMode.Staged ? "staged" : "in_place"), ("no_owner", NoOwner)];
        _log.Info("restore_requested", [("object_name", objectName), ("bucket", settings.Storage.Bucket), .. what, ("no_tablespaces", NoTablespaces)]);
        // "backup of X into Y": a backup restored under another name than its own says so, with both names
        if (mode != RestoreMode.Globals && BackupOf(objectName) is var of && of != Db.Database)
            _log.Info("restore_into", ("object_name", objectName), ("backup_database", of), ("database", Db.Database), ("chosen", options.Choice switch { BackupChoice.Latest => "latest", BackupChoice.Listed => "listed", _ => "named" }));
    }

    /// <summary>A database's backup: under its lock, the globals first when asked, then staged or in place.</summary>
    private async Task<Restored> RestoreDatabaseAsync(string objectName, RestoreMode mode, CancellationToken ct)
    {
        // One backup, restore or test of a database at a time; under the lock, what killed restores left is ours to remove.
        await using var admin = await DatabaseLock.AcquireAsync(Db, Db.Database, DatabaseLock.Run.Restore, ct).ConfigureAwait(false);
        var psql = await SqlLoader.LocatePsqlAsync(settings, _log, admin.ServerVersion, ct).ConfigureAwait(false);
        var target = new RestoreTarget(settings, sink, _log, psql, NoOwner, NoTablespaces, IncludeGlobals);
        await target.RemoveLeftoversAsync(admin, ct).ConfigureAwait(false);
        using var store = BackupStore.Open(settings.Storage, _log, OpenStore);
        // the signature first: nothing is created, and no byte of the backup used, before it is settled
        var stored = await BackupSignature.CheckAsync(store, await store.RequireAsync(objectName, ct).ConfigureAwait(false), options.TrustedKeys, _log, ct).ConfigureAwait(false);
        await BackupReader.CheckIdentityAsync(store, stored, settings.Identities, ct).ConfigureAwait(false);
        // a staged restore streams the object into psql: it is proven whole first, then read again pinned to its ETag,
        // each chunk proven before psql is given it (in place, the download is proven as it is written)
        using var chunks = mode == RestoreMode.Staged && stored.ContentCheck is not null ? new ChunkDigests(settings.TempDirectory) : null;
        if (chunks is not null) stored = await BackupSignature.VerifyPassAsync(store, stored, chunks, sink.Progress, _log, ct).ConfigureAwait(false);
        // the roles first, so that the database's owners and grants have someone to name
        (string ObjectName, GlobalsOutcome Outcome)? globals = IncludeGlobals ? await RestoreGlobalsOfAsync(store, stored, ct).ConfigureAwait(false) : null;

        var (replaced, summary) = mode == RestoreMode.Staged
            ? await StagedRestore.RunAsync(target, admin, store, stored, _clock.GetUtcNow(), ct).ConfigureAwait(false)
            : await InPlaceRestore.RunAsync(target, admin, store, stored, ct).ConfigureAwait(false);
        return new Restored(replaced, stored.Size, summary.SqlSize, globals?.ObjectName, globals?.Outcome);
    }

    /// <summary>A globals backup on its own: the server's missing roles, memberships and tablespaces; no database is touched.</summary>
    private async Task<Restored> RestoreGlobalsAsync(string objectName, CancellationToken ct)
    {
        using var store = BackupStore.Open(settings.Storage, _log, OpenStore);
        var stored = await store.RequireAsync(objectName, ct).ConfigureAwait(false);
        var (size, sqlSize, outcome) = await ApplyGlobalsAsync(store, stored, ct).ConfigureAwait(false);
        return new Restored(false, size, sqlSize, objectName, outcome);
    }

    /// <summary>The newest globals backup taken at or before <paramref name="database"/>'s backup, restored.</summary>
    private async Task<(string ObjectName, GlobalsOutcome Outcome)> RestoreGlobalsOfAsync(BackupStore store, StoredBackup database, CancellationToken ct)
    {
        var catalog = new BackupCatalog(settings.Storage, _log) { OpenStore = OpenStore, LogsListing = false };
        var taken = database.Timestamp ?? database.LastModified;
        var globals = (await catalog.ListAsync(new BackupQuery { Database = BackupKey.Globals, Before = taken.AddSeconds(1) }, ct).ConfigureAwait(false)).FirstOrDefault(b => !b.Suspect)
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
        stored = await BackupSignature.CheckAsync(store, stored, options.TrustedKeys, _log, ct).ConfigureAwait(false);
        await BackupReader.CheckIdentityAsync(store, stored, settings.Identities, ct).ConfigureAwait(false);
        // small, and proven whole before a statement runs: nothing is changed by a damaged or crafted backup
        var summary = await BackupVerifier.VerifyStoredAsync(store, stored, settings.Identities, sink.Progress, _log, ct).ConfigureAwait(false);
        var outcome = await new GlobalsRestore(_log) { UpdateExistingRoles = UpdateExistingRoles, AllowPrivilegedRoles = AllowPrivilegedRoles, NoTablespaces = NoTablespaces }
            .ApplyAsync(admin, stored.ObjectName, summary.Globals!, ct).ConfigureAwait(false);
        _log.Info("globals_restored", ("object_name", stored.ObjectName), ("roles_created", outcome.RolesCreated.ToArray()),
            ("roles_left", outcome.RolesLeft.ToArray()), ("tablespaces_created", outcome.TablespacesCreated.ToArray()));
        return (stored.Size, summary.SqlSize, outcome);
    }

    private void Failed(string objectName, Exception ex)
    {
        var failure = EventLog.FailureFields(ex);
        _log.Error("restore_failed", ("object_name", objectName), ("database", Db.Database), failure[0]);
        _log.Error("restore_finished", [("status", "failed"), ("object_name", objectName), ("database", Db.Database), .. failure]);
    }
}
