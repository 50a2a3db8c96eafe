using System.IO.Compression;
using System.IO.Pipelines;
using ObservatoryBackup.Dump;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;

namespace ObservatoryBackup.Compress;

/// <summary>
/// pg_dump → gzip → an in-memory pipe, read by the uploader through <see cref="Output"/>.
/// The pipe holds at most a few MiB (back-pressure pauses pg_dump), and its end is signalled only
/// after pg_dump's exit status is known: a failed dump makes the reader throw instead of reaching
/// end of stream, so an upload can never complete on a failed dump.
/// </summary>
public sealed class CompressedDump
{
    private const long PauseAt = 4L << 20;
    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: PauseAt, resumeWriterThreshold: PauseAt / 2));

    public CompressedDump(PgDumpProcess pgDump, int compressionLevel, Action<TransferProgress>? progress, CancellationToken ct)
    {
        Output = _pipe.Reader.AsStream();
        Completion = Task.Run(() => RunAsync(pgDump, compressionLevel, progress, ct), ct);
    }

    /// <summary>The gzip bytes; reading fails with <see cref="PgDumpFailedException"/> if pg_dump fails.</summary>
    public Stream Output { get; }

    /// <summary>Uncompressed bytes pg_dump wrote, once complete.</summary>
    public long DumpBytes { get; private set; }

    /// <summary>Compressed bytes handed to the reader, once complete.</summary>
    public long CompressedBytes { get; private set; }

    /// <summary>Completes when pg_dump has exited and all output is in the pipe; faults as the reader does.</summary>
    public Task Completion { get; }

    private async Task RunAsync(PgDumpProcess pgDump, int level, Action<TransferProgress>? progress, CancellationToken ct)
    {
        try
        {
            var compressed = new CountingStream(_pipe.Writer.AsStream(leaveOpen: true));
            int exitCode;
            string stderr;
            await using (compressed)
            {
                var gzip = new GZipStream(compressed, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true);
                var raw = new CountingStream(gzip, progress, "pg_dump | gzip");
                await using (gzip)
                await using (raw)
                {
                    (exitCode, stderr) = await pgDump.RunAsync(raw, ct).ConfigureAwait(false);
                    raw.Complete();
                }
                DumpBytes = raw.Bytes;
            }
            CompressedBytes = compressed.Bytes;
            if (exitCode != 0) throw new PgDumpFailedException(exitCode, stderr);
            await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await _pipe.Writer.CompleteAsync(ex).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops feeding the pipe, e.g. after the upload failed, so pg_dump is not left blocked.</summary>
    public void Abandon() => _pipe.Reader.Complete();
}
