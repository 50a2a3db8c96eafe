using System.IO.Compression;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Streams;

namespace ObservatoryBackup.Restore;

/// <summary>Loads a verified backup into a database: gunzip → psql with ON_ERROR_STOP, reporting progress.</summary>
public sealed class SqlLoader(string psqlPath, DatabaseUrl server, IBackupLog sink, EventLog log)
{
    /// <param name="gzipFile">The verified backup, seekable; read from its start.</param>
    /// <param name="targetUntouched">Whether a failure leaves the database users see as it was (staged), for the error.</param>
    public async Task LoadAsync(Stream gzipFile, string database, bool targetUntouched, CancellationToken ct)
    {
        log.Info("restore_start", ("database", database));
        gzipFile.Position = 0;
        var counting = new CountingStream(gzipFile, sink.Progress, "gunzip | psql", gzipFile.Length);
        await using var gunzip = new GZipStream(counting, CompressionMode.Decompress, leaveOpen: true);
        var (exitCode, stderr) = await new PsqlProcess(psqlPath, server.WithDatabase(database)).RunAsync(gunzip, ct).ConfigureAwait(false);
        if (exitCode != 0)
            throw new RestoreFailedException(database, exitCode, stderr, targetUntouched);
        counting.Complete();
        log.Info("restore_complete", ("database", database));
    }
}
