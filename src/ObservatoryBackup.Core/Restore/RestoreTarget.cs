using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Format;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Verify;

namespace ObservatoryBackup.Restore;

/// <summary>
/// What a restore does to the server's databases, whichever way it goes (<see cref="StagedRestore"/>,
/// <see cref="InPlaceRestore"/>): load a backup into a database, prove it holds what the backup
/// carried, give it the properties the manifest recorded, and remove what killed restores left.
/// </summary>
internal sealed class RestoreTarget(ObsSettings settings, IBackupLog sink, EventLog log, string psql, bool noOwner, bool noTablespaces, bool includeGlobals)
{
    public DatabaseUrl Db { get; } = settings.Database ?? throw new InvalidOperationException("A restore needs a database URL.");
    public ObsSettings Settings => settings;
    public IBackupLog Sink => sink;
    public EventLog Log => log;
    public bool NoOwner => noOwner;
    public bool NoTablespaces => noTablespaces;

    /// <summary>The part of a backup loaded; null: all of it.</summary>
    public RestorePart? Part { get; init; }

    private SqlLoader Loader(string objectName, LoadRole role, int jobs) =>
        new(psql, Db, sink, log) { NoOwner = noOwner, NoTablespaces = noTablespaces, ObjectName = objectName, Identities = settings.Identities, Jobs = jobs, LoadAs = role, Part = Part };

    /// <summary>
    /// The restore's jobs; when no one asked for a number, no more than the server's free connection slots hold
    /// (<see cref="ConnectionSlots.JobsFitting"/>), where the default would have a connection refused mid-load.
    /// </summary>
    private async Task<int> JobsAsync(string database, CancellationToken ct)
    {
        var jobs = settings.RestoreJobs;
        if (!settings.RestoreJobsByDefault || jobs == 1) return jobs;
        var free = await ConnectionSlots.FreeAsync(Db, database, ct).ConfigureAwait(false);
        var fitting = ConnectionSlots.JobsFitting(jobs, free);
        if (fitting < jobs) log.Info("restore_jobs_fitted", ("jobs", fitting), ("default_jobs", jobs), ("free_connections", free));
        return fitting;
    }

    /// <summary>
    /// Loads a backup into <paramref name="database"/> (created, empty) contained: psql connects as a
    /// <see cref="LoadRole"/> made for this load, which can reach nothing outside the database; the
    /// loaded database is proven (<paramref name="prove"/>, given the role's connection: nothing of the
    /// dump runs as the connecting user); then the owners and privileges the dump holds, held back and
    /// checked, are applied by the connecting user. The role is dropped afterwards, whatever happened.
    /// </summary>
    /// <param name="restoring">The database the run restores (its lock's name): the role's name starts with it, for leftovers.</param>
    public async Task<DumpSummary> LoadContainedAsync(string restoring, string database, string objectName, bool targetUntouched,
        Func<SqlLoader, Task<DumpSummary>> load, Func<DatabaseUrl, DumpSummary, Task<bool>> prove, CancellationToken ct)
    {
        var jobs = await JobsAsync(database, ct).ConfigureAwait(false);
        var role = await LoadRole.CreateAsync(Db, restoring, database, jobs, ct).ConfigureAwait(false);
        log.Info("load_role_created", ("role", role.Name), ("database", database));
        try
        {
            var loader = Loader(objectName, role, jobs);
            var summary = await load(loader).ConfigureAwait(false);
            // what was not proven is not given owners (a test reports the mismatch instead of failing on a missing object);
            // a part is proven against the rows of its own tables, each whole, and nothing else
            if (!await prove(role.Url, loader.Copied is { } part ? summary.Only(part) : summary).ConfigureAwait(false)) return summary;
            await role.ApplyAsync(loader.Held, $"the owners and privileges backup '{objectName}' records", targetUntouched, ct).ConfigureAwait(false);
            log.Info("privileges_applied", ("database", database), ("statements", loader.Held.Count));
            return summary;
        }
        finally
        {
            try
            {
                await role.DropAsync().ConfigureAwait(false);
                log.Info("load_role_dropped", ("role", role.Name));
            }
            catch (ObsBackupException ex)
            {
                // the next restore of this target drops it (RemoveLeftoversAsync); the load's own outcome matters more
                log.Warning("cleanup_failed", ("role", role.Name), ("error", ex.Message));
            }
        }
    }

    /// <summary>
    /// A part of a backup goes only into a database that does not exist: a staged restore swaps whole
    /// databases, so into an existing one it would replace every other table with the part.
    /// </summary>
    public async Task RefuseExistingAsync(DatabaseAdmin admin, string database, CancellationToken ct)
    {
        if (Part is not null && await admin.DatabaseExistsAsync(database, ct).ConfigureAwait(false)) throw PartRefused(database);
    }

    public static OptionConflictException PartRefused(string database) =>
        new(OptionRule.PartIntoExistingDatabase,
            $"Database \"{database}\" exists; part of a backup is restored only into a database that does not, since the restore would replace all of \"{database}\" with the part. Nothing was changed.") { Facts = true };

    /// <summary>Fails, logging each table, unless <paramref name="database"/> holds what the backup carried; counted as <paramref name="connectAs"/>.</summary>
    /// <returns>True: it does.</returns>
    public async Task<bool> ProveLoadedAsync(DatabaseUrl connectAs, string database, string objectName, DumpSummary summary, string outcome, CancellationToken ct)
    {
        var mismatches = await LoadedDatabaseCheck.CompareAsync(connectAs, database, summary.RowsPerTable, log, ct).ConfigureAwait(false);
        if (mismatches.Count > 0) throw LoadedDatabaseCheck.Mismatch(objectName, database, mismatches, outcome);
        log.Info("restore_proven", ("database", database), ("tables", summary.RowsPerTable.Count), ("rows", summary.Rows));
        return true;
    }

    /// <summary>
    /// With globals included: gives <paramref name="database"/> the owner, settings, roles' settings
    /// and privileges the backup's manifest recorded (a plain dump carries none of them); with ownership
    /// left out, its settings alone. In one transaction, before the database is swapped in.
    /// </summary>
    public async Task ApplyPropertiesAsync(DatabaseAdmin admin, string database, string objectName, DumpSummary summary, CancellationToken ct)
    {
        if (!includeGlobals) return;
        if (summary.Manifest?.Database is not { } properties)
        {
            log.Warning("database_properties_absent", ("object_name", objectName),
                ("detail", "the backup records no database owner, settings or privileges (taken by an older version); the database is owned by the restoring user"));
            return;
        }
        var statements = properties.Statements(database, withOwnership: !noOwner, out var why)
            ?? throw new BackupDataException(ObsErrorKind.InvalidData, ErrorIds.BackupUnsafe, objectName,
                $"Backup '{objectName}' records database properties that cannot be restored: {why}. Nothing was changed.");
        await admin.RunStatementsAsync([.. statements.Select(s => (s, 0L))], atomic: true, $"the database properties backup '{objectName}' records", ct).ConfigureAwait(false);
        log.Info("database_properties_restored", ("database", database), ("owner", noOwner ? null : properties.Owner),
            ("settings", properties.Settings.Count), ("role_settings", noOwner ? 0 : properties.RoleSettings.Count), ("grants", noOwner ? null : properties.Grants?.Count));
    }

    /// <summary>
    /// Removes what restores killed before they could clean up left behind: their temporary files, and
    /// staging databases of this target. A database moved aside during a swap still holds the replaced
    /// data: it is reported, never dropped, unless an interrupted DROP left it invalid (nobody can
    /// connect to it, and it holds nothing whole).
    /// </summary>
    public async Task RemoveLeftoversAsync(DatabaseAdmin admin, CancellationToken ct)
    {
        await RemoveLeftoverRolesAsync(admin, Db, Db.Database, log, ct).ConfigureAwait(false);
        foreach (var path in RestoreTempFile.RemoveLeftovers(settings.TempDirectory))
            log.Warning("removed_leftover", ("kind", "temp_file"), ("path", path));
        foreach (var name in await admin.DatabaseNamesAsync(ct).ConfigureAwait(false))
        {
            if (StagingNames.IsOwnName(Db.Database, name, StagingNames.StagingSuffix))
            {
                await admin.DropDatabaseAsync(name, ct).ConfigureAwait(false);
                log.Warning("removed_leftover", ("kind", "staging_database"), ("database", name));
            }
            else if (StagingNames.IsOwnName(Db.Database, name, StagingNames.ReplacedSuffix) && await admin.IsInvalidDatabaseAsync(name, ct).ConfigureAwait(false))
            {
                await admin.DropDatabaseAsync(name, CancellationToken.None).ConfigureAwait(false);
                log.Warning("removed_leftover", ("kind", "invalid_database"), ("database", name));
            }
            else if (StagingNames.IsOwnName(Db.Database, name, StagingNames.ReplacedSuffix))
            {
                log.Warning("replaced_database_found", ("database", name), ("target", Db.Database),
                    ("detail", "an interrupted restore moved the previous database aside under this name; it was kept"));
            }
        }
    }

    /// <summary>Drops the load roles killed restores (or tests) of <paramref name="restoring"/> left behind.</summary>
    public static async Task RemoveLeftoverRolesAsync(DatabaseAdmin admin, DatabaseUrl server, string restoring, EventLog log, CancellationToken ct)
    {
        foreach (var role in await LoadRole.RemoveLeftoversAsync(server, admin.Database, restoring, ct).ConfigureAwait(false))
            log.Warning("removed_leftover", ("kind", "load_role"), ("role", role));
    }

    public static async Task DropQuietlyAsync(DatabaseAdmin admin, string database)
    {
        try { await admin.DropDatabaseAsync(database, CancellationToken.None).ConfigureAwait(false); }
        catch (ObsBackupException) { /* the original failure matters more than a leftover staging database */ }
    }
}
