using System.IO.Compression;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Streams;

namespace ObservatoryBackup.Restore;

/// <summary>
/// Loads a verified backup into a database: gunzip → psql with ON_ERROR_STOP, reporting progress;
/// with <see cref="NoOwner"/>, ownership and privileges are left out (<see cref="OwnershipFilter"/>).
/// </summary>
public sealed partial class SqlLoader(string psqlPath, DatabaseUrl server, IBackupLog sink, EventLog log)
{
    [System.Text.RegularExpressions.GeneratedRegex("role \"([^\"]+)\" does not exist")]
    private static partial System.Text.RegularExpressions.Regex MissingRole();

    /// <summary>Every object is owned by the connecting user: for a server that lacks the dump's roles.</summary>
    public bool NoOwner { get; init; }

    /// <param name="gzipFile">The verified backup, seekable; read from its start.</param>
    /// <param name="targetUntouched">Whether a failure leaves the database users see as it was (staged), for the error.</param>
    public async Task LoadAsync(Stream gzipFile, string database, bool targetUntouched, CancellationToken ct)
    {
        log.Info("restore_start", ("database", database));
        gzipFile.Position = 0;
        var counting = new CountingStream(gzipFile, sink.Progress, "gunzip | psql", gzipFile.Length);
        await using var gunzip = new GZipStream(counting, CompressionMode.Decompress, leaveOpen: true);
        var filter = NoOwner ? new OwnershipFilter(gunzip) : null;
        var (exitCode, stderr) = await new PsqlProcess(psqlPath, server.WithDatabase(database)).RunAsync(filter ?? (Stream)gunzip, ct).ConfigureAwait(false);
        if (exitCode != 0)
            throw new RestoreFailedException(database, exitCode, stderr, targetUntouched, MissingRole().Match(stderr) is { Success: true } m ? m.Groups[1].Value : null);
        counting.Complete();
        if (filter is not null) log.Info("ownership_left_out", ("database", database), ("statements", filter.Dropped));
        log.Info("restore_complete", ("database", database));
    }
}
