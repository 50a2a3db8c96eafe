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
/// Loads a backup into a database: gunzip → <see cref="DumpGate"/> → psql with ON_ERROR_STOP, reporting
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

    /// <summary>How the backup is compressed (its name says: <see cref="BackupKey.CodecOf"/>).</summary>
    public BackupCodec Codec { get; init; }

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
        var counting = new CountingStream(backup, sink.Progress, Codecs.Decompressing(Codec) + " | psql", size);
        var compressed = new BackupVerifier.TrailerCapture(counting);
        var objectName = ObjectName ?? verifyAs?.ObjectName ?? database;
        var check = new DumpCheck(objectName);
        int exitCode;
        string stderr;
        DumpGate gate;
        await using (var gunzip = Codecs.Decompressor(Codec, compressed))
        {
            gate = new DumpGate(gunzip, check, NoOwner, PsqlProcess.NewRestrictKey(), NoTablespaces);
            try
            {
                (exitCode, stderr) = await new PsqlProcess(psqlPath, server.WithDatabase(database)).RunAsync(gate, ct).ConfigureAwait(false);
            }
            catch (Exception) when (gate.Failure is not null)
            {
                exitCode = -1;
                stderr = "";
            }
            // psql stops reading at a failing statement: the rest of the SQL still goes through the checks
            if (verifyAs is not null && gate.Failure is null)
            {
                try { await gate.CopyToAsync(Stream.Null, ct).ConfigureAwait(false); }
                catch (Exception) when (gate.Failure is not null) { /* reported below */ }
            }
            // a refused line may be garbage from a damaged stream: read the rest, without psql, for the checks to say which
            if (verifyAs is { } refusedObject && gate.Failure is BackupDataException { ErrorId: ErrorIds.BackupUnsafe } unsafeLine)
            {
                try
                {
                    var rest = new byte[1 << 16];
                    int n;
                    while ((n = await gunzip.ReadAsync(rest, ct).ConfigureAwait(false)) > 0) check.Sql(rest.AsSpan(0, n));
                    await compressed.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (Codecs.IsDamaged(ex))
                {
                    throw DumpCheck.NotAValidStream(objectName, Codec, ex);
                }
                check.Finish(compressed.Bytes, refusedObject.Size, compressed.Trailer, Codec); // a damaged backup throws BackupCorrupt here
                throw unsafeLine;
            }
        }
        // the gate closed first (a meta-command, a broken gzip stream): that, not psql's view of it, is the failure
        switch (gate.Failure)
        {
            case ObsBackupException refused: throw refused;
            case { } broken when Codecs.IsDamaged(broken):
                throw DumpCheck.NotAValidStream(objectName, Codec, broken);
            case { } other: throw other;
        }
        DumpSummary? summary = null;
        if (verifyAs is { } stored)
        {
            // a damaged backup explains whatever psql did with it: its checks come before psql's exit code
            await compressed.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
            summary = check.Finish(compressed.Bytes, stored.Size, compressed.Trailer, Codec);
            summary.LogVerified(log, stored.ObjectName);
        }
        if (exitCode != 0)
        {
            log.Error("psql_failed", ("database", database), ("exit_code", exitCode), ("stderr", stderr.Trim()));
            throw new RestoreFailedException(database, exitCode, stderr, targetUntouched, MissingRole().Match(stderr) is { Success: true } m ? m.Groups[1].Value : null, objectName)
            {
                MissingTablespace = MissingTablespace().Match(stderr) is { Success: true } t ? t.Groups[1].Value : null,
            };
        }
        counting.Complete();
        if (NoOwner || NoTablespaces) log.Info("ownership_left_out", ("database", database), ("statements", gate.Dropped), ("no_owner", NoOwner), ("no_tablespaces", NoTablespaces));
        log.Info("restore_complete", ("database", database));
        return summary;
    }
}
