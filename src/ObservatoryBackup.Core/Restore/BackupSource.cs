using ObservatoryBackup.Compress;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Streams;
using ObservatoryBackup.Verify;

namespace ObservatoryBackup.Restore;

/// <summary>
/// The first stage of a load (decompress → check → load): the object's bytes, counted for progress,
/// their last eight kept (a gzip trailer), decompressed into <see cref="Sql"/>. It also finishes the
/// object once the load is done with it, and says when a failure was a damaged stream.
/// </summary>
internal sealed class BackupSource : IAsyncDisposable
{
    private readonly CountingStream _counting;
    private readonly BackupVerifier.TrailerCapture _compressed;
    private readonly BackupCodec _codec;
    private readonly string _objectName;

    /// <param name="backup">The backup, read from where it stands to its end: a file or a download in flight.</param>
    /// <param name="size">The backup's size, for progress.</param>
    public BackupSource(Stream backup, long size, BackupCodec codec, string objectName, Action<TransferProgress>? progress)
    {
        _counting = new CountingStream(backup, progress, Codecs.Decompressing(codec) + " | psql", size);
        _compressed = new BackupVerifier.TrailerCapture(_counting);
        (_codec, _objectName) = (codec, objectName);
        Sql = Codecs.Decompressor(codec, _compressed);
    }

    /// <summary>The backup's SQL.</summary>
    public Stream Sql { get; }

    /// <summary>Feeds the SQL nobody read into <paramref name="check"/>, then reads the object to its end: what a closed gate left.</summary>
    public async Task ReadRestIntoAsync(DumpCheck check, CancellationToken ct)
    {
        try
        {
            var rest = new byte[1 << 16];
            int n;
            while ((n = await Sql.ReadAsync(rest, ct).ConfigureAwait(false)) > 0) check.Sql(rest.AsSpan(0, n));
            await _compressed.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (Codecs.IsDamaged(ex))
        {
            throw DumpCheck.NotAValidStream(_objectName, _codec, ex);
        }
    }

    /// <summary>Reads whatever follows the compressed stream (a backup is exactly one member or frame), then every check against what the store lists.</summary>
    public async Task<DumpSummary> FinishAsync(DumpCheck check, long expectedSize, CancellationToken ct)
    {
        await _compressed.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
        return Finish(check, expectedSize);
    }

    /// <summary>Every check of the object read so far (a damaged backup is <c>BackupCorrupt</c> here).</summary>
    public DumpSummary Finish(DumpCheck check, long expectedSize) => check.Finish(_compressed.Bytes, expectedSize, _compressed.Trailer, _codec);

    /// <summary>A failure while reading the SQL: a damaged stream is <c>BackupCorrupt</c>, anything else itself.</summary>
    public Exception Explain(Exception failure) => Codecs.IsDamaged(failure) ? DumpCheck.NotAValidStream(_objectName, _codec, failure) : failure;

    /// <summary>The load took every byte: progress says done.</summary>
    public void Complete() => _counting.Complete();

    public ValueTask DisposeAsync() => Sql.DisposeAsync();
}
