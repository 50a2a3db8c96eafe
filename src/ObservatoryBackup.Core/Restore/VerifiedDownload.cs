using ObservatoryBackup.Errors;
using ObservatoryBackup.Format;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Restore;

/// <summary>Downloads a backup into its private temporary file and proves it whole before anything else happens to it (an in-place restore, a test).</summary>
internal static class VerifiedDownload
{
    public static async Task<DumpSummary> RunAsync(BackupStore store, StoredBackup stored, RestoreTempFile file, IReadOnlyList<Encryption.AgeIdentity>? identities, IBackupLog sink, EventLog log, CancellationToken ct)
    {
        await DownloadAsync(store, stored, file, sink, log, ct).ConfigureAwait(false);
        file.Stream.Position = 0;
        var summary = await BackupVerifier.VerifyAsync(file.Stream, stored.ObjectName, stored.Size, identities, ct).ConfigureAwait(false);
        summary.LogVerified(log, stored.ObjectName);
        return summary;
    }

    private static async Task DownloadAsync(BackupStore store, StoredBackup stored, RestoreTempFile file, IBackupLog sink, EventLog log, CancellationToken ct)
    {
        log.Info("download_start", ("object_name", stored.ObjectName), ("size", stored.Size));
        try
        {
            // proven against its signature as it is written, when it carries one to prove
            await store.DownloadAsync(stored, file.Stream, sink.Progress, ct).ConfigureAwait(false);
        }
        catch (ObsBackupException ex)
        {
            log.Error("download_failed", ("object_name", stored.ObjectName), ("path", file.Path), ("error", ex.Message));
            throw;
        }
        await file.Stream.FlushAsync(ct).ConfigureAwait(false);
        log.Info("download_complete", ("object_name", stored.ObjectName), ("size", file.Stream.Length));
    }
}
