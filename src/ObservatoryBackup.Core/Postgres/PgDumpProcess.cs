using System.Buffers;
using CliWrap;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Postgres;

/// <summary>pg_dump in plain SQL format, writing into a stream. CliWrap runs it: async pipes, cancellation kills it.</summary>
public sealed class PgDumpProcess(string pgDumpPath, DatabaseUrl database)
{
    /// <summary>
    /// Streams the dump into <paramref name="output"/> and returns once pg_dump has exited
    /// successfully and its output ended with the completion line (checked in passing).
    /// </summary>
    /// <exception cref="PgDumpFailedException">pg_dump exited non-zero, or its output is incomplete.</exception>
    public async Task DumpAsync(Stream output, CancellationToken ct)
    {
        var completion = new DumpCompletion();
        long bytes = 0;
        var target = PipeTarget.Create(async (source, token) =>
        {
            var buffer = ArrayPool<byte>.Shared.Rent(1 << 17);
            try
            {
                int n;
                while ((n = await source.ReadAsync(buffer, token).ConfigureAwait(false)) > 0)
                {
                    completion.Append(buffer.AsSpan(0, n));
                    bytes += n;
                    await output.WriteAsync(buffer.AsMemory(0, n), token).ConfigureAwait(false);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        });
        var (exitCode, stderr) = await PgCommand.RunAsync(pgDumpPath, ["--format=plain", "--no-password"], database,
            PipeSource.Null, target, ct).ConfigureAwait(false);
        if (exitCode != 0) throw new PgDumpFailedException(exitCode, stderr);
        if (!completion.IsComplete) throw PgDumpFailedException.Incomplete(bytes, stderr);
    }
}
