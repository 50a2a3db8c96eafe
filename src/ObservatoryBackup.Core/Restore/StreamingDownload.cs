using System.IO.Pipelines;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Restore;

/// <summary>
/// A backup streamed from the store straight into a staged restore, with no copy on disk: the load
/// verifies it on its way in and the swap happens only after every check passed, so nothing needs the
/// whole file first. The download runs at most a few MiB ahead of psql; a dropped connection resumes
/// at the next byte (<see cref="BackupStore.CopyOnceAsync"/>). A failed download fails the reader.
/// </summary>
internal sealed class StreamingDownload : IAsyncDisposable
{
    private const long PauseAt = 4L << 20;
    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: PauseAt, resumeWriterThreshold: PauseAt / 2));
    private readonly CancellationTokenSource _stop;
    private readonly Task _copy;

    public StreamingDownload(BackupStore store, StoredBackup stored, EventLog log, Action<TransferProgress>? progress, CancellationToken ct)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Content = _pipe.Reader.AsStream();
        log.Info("download_start", ("object_name", stored.ObjectName), ("size", stored.Size), ("streamed", true));
        _copy = Task.Run(async () =>
        {
            try
            {
                await store.CopyOnceAsync(stored, _pipe.Writer.AsStream(leaveOpen: true), progress, _stop.Token).ConfigureAwait(false);
                log.Info("download_complete", ("object_name", stored.ObjectName), ("size", stored.Size), ("streamed", true));
                await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                if (ex is ObsBackupException) log.Error("download_failed", ("object_name", stored.ObjectName), ("error", ex.Message));
                await _pipe.Writer.CompleteAsync(ex).ConfigureAwait(false);
            }
        }, CancellationToken.None);
    }

    /// <summary>The backup's bytes, in order; reading throws what failed the download.</summary>
    public Stream Content { get; }

    /// <summary>Stops a download the load no longer reads (psql failed, a check failed) and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _pipe.Reader.CompleteAsync().ConfigureAwait(false);
        await _copy.ConfigureAwait(false);
        _stop.Dispose();
    }
}
