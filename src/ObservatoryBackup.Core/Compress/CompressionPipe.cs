using ObservatoryBackup.Configuration;
using System.IO.Pipelines;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Streams;

namespace ObservatoryBackup.Compress;

/// <summary>
/// A producer's bytes → gzip or zstd on every core (<see cref="Codecs"/>) → the seal the caller puts
/// on the compressed bytes, if any (a backup's age encryption) → an in-memory pipe, read by the uploader through <see cref="Output"/>.
/// The pipe holds at most a few MiB (back-pressure pauses the producer), and its end is signalled
/// only after the producer has returned: a producer that throws (a failed pg_dump) makes the reader
/// throw instead of reaching end of stream, so an upload can never complete on a failed dump.
/// </summary>
public sealed class CompressionPipe
{
    private const long PauseAt = 4L << 20;
    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: PauseAt, resumeWriterThreshold: PauseAt / 2));

    /// <param name="produce">Writes the uncompressed bytes into the stream it is given; throws to fail the pipe.</param>
    /// <param name="activity">Names the step in progress reports.</param>
    /// <param name="seal">Wraps the compressed bytes' way into the pipe (a write-only stream, leaving the pipe open; disposing it ends its data); null for none.</param>
    public CompressionPipe(Func<Stream, CancellationToken, Task> produce, BackupCodec codec, int compressionLevel, string activity,
        Action<TransferProgress>? progress, CancellationToken ct, Func<Stream, Stream>? seal = null)
    {
        Output = _pipe.Reader.AsStream();
        _seal = seal;
        Completion = Task.Run(() => RunAsync(produce, codec, compressionLevel, activity, progress, ct), ct);
    }

    private readonly Func<Stream, Stream>? _seal;

    /// <summary>The compressed bytes; reading fails with the producer's exception if it fails.</summary>
    public Stream Output { get; }

    /// <summary>Uncompressed bytes the producer wrote, once complete.</summary>
    public long UncompressedBytes { get; private set; }

    /// <summary>Compressed bytes handed to the reader, once complete.</summary>
    public long CompressedBytes { get; private set; }

    /// <summary>Completes when the producer has returned and all output is in the pipe; faults as the reader does.</summary>
    public Task Completion { get; }

    private async Task RunAsync(Func<Stream, CancellationToken, Task> produce, BackupCodec codec, int level, string activity,
        Action<TransferProgress>? progress, CancellationToken ct)
    {
        try
        {
            var compressed = new CountingStream(_pipe.Writer.AsStream(leaveOpen: true));
            await using (compressed)
            {
                // disposing the seal writes its end (age's final chunk): after the compressor's end, before the pipe's
                var sealedOutput = _seal?.Invoke(compressed) ?? Stream.Null;
                var compressor = Codecs.Compressor(codec, _seal is null ? compressed : sealedOutput, level);
                var raw = new CountingStream(compressor, progress, activity);
                await using (sealedOutput)
                {
                    await using (compressor)
                    await using (raw)
                    {
                        await produce(raw, ct).ConfigureAwait(false);
                        raw.Complete();
                    }
                }
                UncompressedBytes = raw.Bytes;
            }
            CompressedBytes = compressed.Bytes;
            await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await _pipe.Writer.CompleteAsync(ex).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops feeding the pipe, e.g. after the upload failed, so the producer is not left blocked.</summary>
    public void Abandon() => _pipe.Reader.Complete();
}
