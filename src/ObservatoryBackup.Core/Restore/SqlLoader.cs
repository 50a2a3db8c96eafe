using ObservatoryBackup.Compress;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Format;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Restore;

/// <summary>
/// Loads a backup into a database as a pipeline: decrypt and decompress (<see cref="BackupReader"/>, its SQL
/// read once as checked events) → check (<see cref="DumpGate"/>) → load (<see cref="PsqlProcess"/>, ON_ERROR_STOP;
/// or over several connections, <see cref="ParallelLoad"/>), reporting progress; then <see cref="LoadVerdict"/>
/// says which failure counts. A forbidden psql meta-command never reaches psql. <see cref="LoadVerifiedAsync"/>
/// verifies the backup on its way in (one pass instead of two). With <see cref="NoOwner"/>, ownership and
/// privileges are left out.
/// </summary>
public sealed class SqlLoader(string psqlPath, DatabaseUrl server, IBackupLog sink, EventLog log)
{
    /// <summary>
    /// The psql a restore runs, checked against the server (<see cref="PsqlProcess.CheckVersionAsync"/>);
    /// logs psql_not_found when there is none.
    /// </summary>
    public static async Task<string> LocatePsqlAsync(ObsSettings settings, EventLog log, PgVersion server, CancellationToken ct)
    {
        string psql;
        try
        {
            psql = PgToolLocator.Locate("psql", settings.PsqlPath, settings.ToolSearchPath);
        }
        catch (PgToolException ex)
        {
            log.Error("psql_not_found", ("error", ex.Message));
            throw;
        }
        try
        {
            await PsqlProcess.CheckVersionAsync(psql, server, ct).ConfigureAwait(false);
        }
        catch (PgToolException ex)
        {
            log.Error("psql_version_mismatch", ("psql", psql), ("server_version", server.ToString()), ("error", ex.Message));
            throw;
        }
        return psql;
    }

    /// <summary>Every object is owned by the connecting user: for a server that lacks the dump's roles.</summary>
    public bool NoOwner { get; init; }

    /// <summary>Every object lands in the database's default tablespace: for a server that lacks the dump's tablespaces.</summary>
    public bool NoTablespaces { get; init; }

    /// <summary>The age identities that open an encrypted backup (its name says: <see cref="BackupKey.IsEncrypted"/>); null when none were configured.</summary>
    public IReadOnlyList<Encryption.AgeIdentity>? Identities { get; init; }

    /// <summary>Connections to load over: 1 is one psql in dump order; more deal rows and build indexes in parallel (<see cref="ParallelLoad"/>).</summary>
    public int Jobs { get; init; } = 1;

    /// <summary>
    /// The role psql connects as (every connection of a parallel load too); with it, ownership and
    /// privilege statements are held back, checked, for <see cref="Held"/>. Null: psql connects as the URL's user.
    /// </summary>
    public LoadRole? LoadAs { get; init; }

    /// <summary>What the last load held back (with <see cref="LoadAs"/>): the connecting user applies it, <see cref="LoadRole.ApplyAsync"/>.</summary>
    public IReadOnlyList<(string Sql, long Line)> Held { get; private set; } = [];

    /// <summary>The part of the backup loaded (<see cref="PartFilter"/>); null: all of it.</summary>
    public RestorePart? Part { get; init; }

    /// <summary>With <see cref="Part"/>, the tables whose rows the last load was given (what it is proven against); null without.</summary>
    public IReadOnlySet<string>? Copied { get; private set; }

    /// <summary>The backup being loaded, for messages.</summary>
    public string? ObjectName { get; init; }

    /// <summary>
    /// Loads a backup that is verified on its way in, against what the store lists for it (a download
    /// in flight): a backup that fails a check throws after psql, so load only into a database that is
    /// thrown away then (a staging or scratch database).
    /// </summary>
    /// <returns>What the backup carried.</returns>
    public async Task<DumpSummary> LoadVerifiedAsync(Stream backup, StoredBackup stored, string database, bool targetUntouched, CancellationToken ct) =>
        await LoadAsync(backup, stored.Size, stored, database, targetUntouched, ct).ConfigureAwait(false)
        ?? throw new InvalidOperationException("A verified load returns what the backup carried.");

    /// <summary>Loads a backup proven whole before (a verified temporary file).</summary>
    public Task LoadAsync(Stream backup, long size, string database, bool targetUntouched, CancellationToken ct) =>
        LoadAsync(backup, size, verifyAs: null, database, targetUntouched, ct);

    /// <param name="backup">The backup, read from where it stands to its end: a file or a download in flight.</param>
    /// <param name="size">The backup's size, for progress.</param>
    /// <param name="verifyAs">What the store lists for the backup, to verify against as it loads; null when it was verified before.</param>
    /// <param name="targetUntouched">Whether a failure leaves the database users see as it was (staged), for the error.</param>
    /// <returns>What the backup carried, when verified here.</returns>
    private async Task<DumpSummary?> LoadAsync(Stream backup, long size, StoredBackup? verifyAs, string database, bool targetUntouched, CancellationToken ct)
    {
        var objectName = ObjectName ?? verifyAs?.ObjectName ?? database;
        var codec = BackupLayout.Of(objectName).Codec;
        log.Info("restore_start", ("database", database), ("codec_implementation", Codecs.Implementation(codec)));
        // a backup proven before the load (VerifiedDownload) was warned for where it was first read
        if (verifyAs is not null) Codecs.WarnFallback(log, codec);
        // decrypt and decompress → check → load
        await using var source = BackupReader.ForLoad(backup, size, objectName, Identities, sink.Progress);
        await source.OpenAsync(ct).ConfigureAwait(false);
        var gate = new DumpGate(source.Dump, NoOwner, PsqlProcess.NewRestrictKey(), NoTablespaces, holdBack: LoadAs is not null, applyPrefix: LoadAs is { } role ? role.ApplyPrefixAsync : null, part: Part);
        var psql = await LoadIntoPsqlAsync(gate, database, ct).ConfigureAwait(false);

        var summary = await new LoadVerdict(log, objectName, database, targetUntouched).DecideAsync(source, gate.Failure, psql, verifyAs, ct).ConfigureAwait(false);
        source.Complete();
        if (gate.Part is { } part) Copied = PartLoaded(part, objectName, database);
        Held = gate.Held;
        if (NoOwner || NoTablespaces) log.Info("ownership_left_out", ("database", database), ("statements", gate.Dropped), ("no_owner", NoOwner), ("no_tablespaces", NoTablespaces));
        log.Info("restore_complete", ("database", database));
        return summary;
    }

    /// <summary>The tables the part gave psql rows for; fails when a name of the part matched nothing in the backup (a typo must not pass as an empty restore).</summary>
    private IReadOnlySet<string> PartLoaded(PartFilter part, string objectName, string database)
    {
        if (part.Unmatched is { Count: > 0 } unmatched)
            throw new BackupDataException(ObsErrorKind.NotFound, ErrorIds.NotInBackup, objectName,
                $"Backup '{objectName}' holds nothing that {string.Join(", ", unmatched.Select(u => $"'{u}'"))} names, so the part restored into database \"{database}\" would lack it. " +
                "Names are matched as pg_dump matches table and schema names: unquoted letters in lower case, a table without a schema in every schema.");
        log.Info("part_loaded", ("database", database), ("tables", part.Copied.Order(StringComparer.Ordinal).ToArray()));
        if (part.PartitionsLeftOut is { Count: > 0 } partitions)
            log.Warning("partitions_left_out", ("database", database), ("partitions", partitions.ToArray()),
                ("detail", "a partitioned table was restored without these partitions, which hold its rows: as with pg_dump's -t, a partition comes only when a name selects it too"));
        return part.Copied;
    }

    /// <summary>The load stage: psql, or several, on what the gate lets through; what stopped it, when something did.</summary>
    private async Task<PsqlOutcome> LoadIntoPsqlAsync(DumpGate gate, string database, CancellationToken ct)
    {
        var url = LoadAs?.Url ?? server.WithDatabase(database);
        try
        {
            var (exitCode, stderr) = Jobs > 1
                ? await new ParallelLoad(psqlPath, url, Jobs, log, sink.Progress).RunAsync(gate.NextAsync, ct).ConfigureAwait(false)
                : await new PsqlProcess(psqlPath, url).RunAsync(gate.Sql(new FreshTables().InOrder), ct).ConfigureAwait(false);
            return new PsqlOutcome(exitCode, stderr);
        }
        catch (Exception ex)
        {
            return new PsqlOutcome(-1, "", ex);
        }
    }
}
