using ObservatoryBackup.Errors;
using ObservatoryBackup.Format;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Restore;

/// <summary>
/// Downloads a backup into its private temporary file and proves it whole before anything else happens
/// to it (an in-place restore, a test): every check a verification makes, and every statement passed
/// through the gate the load will pass it through, so that a statement the load would refuse is refused
/// before an in-place restore drops the target.
/// </summary>
internal static class VerifiedDownload
{
    public static async Task<DumpSummary> RunAsync(BackupStore store, StoredBackup stored, RestoreTempFile file, IReadOnlyList<Encryption.AgeIdentity>? identities,
        bool noOwner, bool noTablespaces, IBackupLog sink, EventLog log, CancellationToken ct)
    {
        await DownloadAsync(store, stored, file, sink, log, ct).ConfigureAwait(false);
        file.Stream.Position = 0;
        var summary = await VerifyAsync(file.Stream, stored, identities, noOwner, noTablespaces, ct).ConfigureAwait(false);
        summary.LogVerified(log, stored.ObjectName);
        return summary;
    }

    private static async Task<DumpSummary> VerifyAsync(Stream file, StoredBackup stored, IReadOnlyList<Encryption.AgeIdentity>? identities,
        bool noOwner, bool noTablespaces, CancellationToken ct)
    {
        await using var reader = new BackupReader(file, stored.ObjectName, identities);
        await reader.OpenAsync(ct).ConfigureAwait(false);
        var gate = new DumpGate(reader.Dump, noOwner, PsqlProcess.NewRestrictKey(), noTablespaces, holdBack: true);
        try
        {
            while (await gate.NextAsync(ct).ConfigureAwait(false) is not null) { }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // a damaged backup is told as such before a crafted line is: what the whole object is decides
        }
        return await reader.VerdictAsync(gate.Failure, stored.Size, ct).ConfigureAwait(false);
    }

    private static async Task DownloadAsync(BackupStore store, StoredBackup stored, RestoreTempFile file, IBackupLog sink, EventLog log, CancellationToken ct)
    {
        BackupReader.LogDownloadStart(log, stored);
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
