using ObservatoryBackup.Compress;
using ObservatoryBackup.Encryption;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Verify;

namespace ObservatoryBackup.Restore;

/// <summary>
/// The first stage of a load (decrypt and decompress → check → load): the object's <see cref="BackupLayers"/>,
/// counted for progress, unwrapped into <see cref="Sql"/>. It also finishes the object once the load
/// is done with it, and says when a failure was a damaged stream.
/// </summary>
internal sealed class BackupSource : IAsyncDisposable
{
    private readonly BackupLayers _layers;

    /// <param name="backup">The backup, read from where it stands to its end: a file or a download in flight.</param>
    /// <param name="size">The backup's size, for progress.</param>
    public BackupSource(Stream backup, long size, string objectName, IReadOnlyList<AgeIdentity>? identities, Action<TransferProgress>? progress)
    {
        var codec = Naming.BackupKey.CodecOf(objectName);
        _layers = new BackupLayers(backup, objectName, identities, progress, Codecs.Decompressing(codec) + " | psql", size);
    }

    /// <summary>The backup's SQL.</summary>
    public Stream Sql => _layers.Sql;

    /// <summary>Reads an encrypted backup's header and unwraps its key: fails before psql is started when no identity opens it.</summary>
    public Task OpenAsync(CancellationToken ct) => _layers.OpenAsync(ct);

    /// <summary>Feeds the SQL nobody read into <paramref name="check"/>, then reads the object to its end: what a closed gate left.</summary>
    public Task ReadRestIntoAsync(DumpCheck check, CancellationToken ct) => _layers.FeedRestAsync(check, ct);

    /// <summary>Reads whatever follows the compressed stream (a backup is exactly one member or frame), then every check against what the store lists.</summary>
    public async Task<DumpSummary> FinishAsync(DumpCheck check, long expectedSize, CancellationToken ct)
    {
        await _layers.ReadToEndAsync(ct).ConfigureAwait(false);
        return Finish(check, expectedSize);
    }

    /// <summary>Every check of the object read so far (a damaged backup is <c>BackupCorrupt</c> here).</summary>
    public DumpSummary Finish(DumpCheck check, long expectedSize) => _layers.Finish(check, expectedSize);

    /// <summary>A failure while reading the SQL: a damaged stream is <c>BackupCorrupt</c>, anything else itself.</summary>
    public Exception Explain(Exception failure) => _layers.Explain(failure);

    /// <summary>The load took every byte: progress says done.</summary>
    public void Complete() => _layers.Complete();

    public ValueTask DisposeAsync() => _layers.DisposeAsync();
}
