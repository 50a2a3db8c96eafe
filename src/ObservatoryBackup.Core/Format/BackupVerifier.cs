using ObservatoryBackup.Compress;
using ObservatoryBackup.Encryption;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Format;

/// <summary>
/// Proves a backup whole as it streams past, in one pass and without a temporary copy: it has the size
/// the store lists, every age chunk authenticates (where encrypted), the gzip (or zstd) stream decompresses to its end, a gzip trailer's CRC-32 and length match the
/// data, the SQL ends with pg_dump's "dump complete" line (so a dump cut short before compression is
/// refused too), and it holds no psql meta-command but pg_dump's own (read by <see cref="PlainDumpReader"/>),
/// so that a restore stays inside its target database. Returns the rows each table's COPY block carried.
/// </summary>
public static class BackupVerifier
{
    /// <param name="backup">The object's bytes from the start; read to its end.</param>
    /// <param name="expectedSize">The size the store lists for the object.</param>
    /// <param name="identities">The age identities that open an encrypted backup; null when none were configured.</param>
    public static async Task<DumpSummary> VerifyAsync(Stream backup, string objectName, long expectedSize, IReadOnlyList<AgeIdentity>? identities, CancellationToken ct)
    {
        await using var reader = new BackupReader(backup, objectName, identities);
        await reader.OpenAsync(ct).ConfigureAwait(false);
        // whatever follows the first gzip member or zstd frame counts too: a backup is exactly one
        await reader.ReadRestAsync(ct).ConfigureAwait(false);
        return reader.Finish(expectedSize);
    }

    /// <summary>
    /// Reads <paramref name="stored"/> from the store and proves it whole as it streams (logged as
    /// download_start, backup_verified), its signature too when it carries a check (<see cref="BackupSignature.CheckAsync"/>).
    /// </summary>
    public static async Task<DumpSummary> VerifyStoredAsync(BackupStore store, StoredBackup stored, IReadOnlyList<AgeIdentity>? identities,
        Action<TransferProgress>? progress, EventLog log, CancellationToken ct)
    {
        BackupReader.LogDownloadStart(log, stored);
        var summary = await store.ReadAsync(stored, progress,
            (stream, token) => VerifyAsync(stream, stored.ObjectName, stored.Size, identities, token), ct).ConfigureAwait(false);
        summary.LogVerified(log, stored.ObjectName);
        return summary;
    }
}
