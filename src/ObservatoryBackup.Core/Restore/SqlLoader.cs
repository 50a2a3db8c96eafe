using ObservatoryBackup.Compress;
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
/// Loads a backup into a database as a pipeline: decompress (<see cref="BackupSource"/>) → check
/// (<see cref="DumpGate"/>) → load (<see cref="PsqlProcess"/>, ON_ERROR_STOP; or over several connections, <see cref="ParallelLoad"/>), reporting
/// progress. A forbidden psql meta-command never reaches psql. <see cref="LoadVerifiedAsync"/> verifies the
/// backup on its way in (one pass instead of two). With
/// <see cref="NoOwner"/>, ownership and privileges are left out.
/// </summary>
public sealed partial class SqlLoader(string psqlPath, DatabaseUrl server, IBackupLog sink, EventLog log)
{
    [System.Text.RegularExpressions.GeneratedRegex("role \"([^\"]+)\" does not exist")]
    private static partial System.Text.RegularExpressions.Regex MissingRole();

    [System.Text.RegularExpressions.GeneratedRegex("tablespace \"([^\"]+)\" does not exist", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex MissingTablespace();

    /// <summary>
    /// The psql a restore runs, checked against the server (<see cref="PsqlProcess.CheckVersionAsync"/>);
    /// logs psql_not_found, as the replaced script did, when there is none.
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
        log.Info("restore_start", ("database", database));
        var objectName = ObjectName ?? verifyAs?.ObjectName ?? database;
        var check = new DumpCheck(objectName);
        await using var source = new BackupSource(backup, size, objectName, Identities, sink.Progress);
        await source.OpenAsync(ct).ConfigureAwait(false);
        var gate = new DumpGate(source.Sql, check, NoOwner, PsqlProcess.NewRestrictKey(), NoTablespaces);
        var (exitCode, stderr) = await LoadIntoPsqlAsync(gate, database, ct).ConfigureAwait(false);

        // what the backup is decides before what psql made of it: a damaged or crafted backup explains a failed psql
        var summary = verifyAs is { } stored ? await SettleVerifiedAsync(source, gate, check, stored, ct).ConfigureAwait(false) : null;
        if (gate.Failure is { } failure) throw source.Explain(failure);
        if (exitCode != 0)
        {
            log.Error("psql_failed", ("database", database), ("exit_code", exitCode), ("stderr", stderr.Trim()));
            throw new RestoreFailedException(database, exitCode, stderr, targetUntouched, MissingRole().Match(stderr) is { Success: true } m ? m.Groups[1].Value : null, objectName)
            {
                MissingTablespace = MissingTablespace().Match(stderr) is { Success: true } t ? t.Groups[1].Value : null,
            };
        }
        source.Complete();
        if (NoOwner || NoTablespaces) log.Info("ownership_left_out", ("database", database), ("statements", gate.Dropped), ("no_owner", NoOwner), ("no_tablespaces", NoTablespaces));
        log.Info("restore_complete", ("database", database));
        return summary;
    }

    /// <summary>The load stage: psql on what the gate lets through; when the gate closed, psql's own view of it does not count.</summary>
    private async Task<(int ExitCode, string StandardError)> LoadIntoPsqlAsync(DumpGate gate, string database, CancellationToken ct)
    {
        try
        {
            return Jobs > 1
                ? await new ParallelLoad(psqlPath, server.WithDatabase(database), Jobs, log, sink.Progress).RunAsync(gate, ct).ConfigureAwait(false)
                : await new PsqlProcess(psqlPath, server.WithDatabase(database)).RunAsync(gate, ct).ConfigureAwait(false);
        }
        catch (Exception) when (gate.Failure is not null)
        {
            return (-1, "");
        }
    }

    /// <summary>
    /// The rest of a verified load's checks, whatever psql did: the SQL psql did not read (it stops at a
    /// failing statement) still goes through the gate; after a refused line the rest is read without
    /// psql, so that a damaged backup (<c>BackupCorrupt</c>) is told from a crafted one (<c>BackupUnsafe</c>).
    /// </summary>
    private async Task<DumpSummary> SettleVerifiedAsync(BackupSource source, DumpGate gate, DumpCheck check, StoredBackup stored, CancellationToken ct)
    {
        if (gate.Failure is null)
        {
            try { await gate.CopyToAsync(Stream.Null, ct).ConfigureAwait(false); }
            catch (Exception) when (gate.Failure is not null) { /* settled below */ }
        }
        if (gate.Failure is BackupDataException { ErrorId: ErrorIds.BackupUnsafe } unsafeLine)
        {
            await source.ReadRestIntoAsync(check, ct).ConfigureAwait(false);
            source.Finish(check, stored.Size); // a damaged backup throws BackupCorrupt here
            throw unsafeLine;
        }
        if (gate.Failure is { } failure) throw source.Explain(failure);
        var summary = await source.FinishAsync(check, stored.Size, ct).ConfigureAwait(false);
        summary.LogVerified(log, stored.ObjectName);
        return summary;
    }
}
