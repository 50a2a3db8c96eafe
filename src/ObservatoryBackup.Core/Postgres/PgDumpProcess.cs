using System.Buffers;
using System.Security.Cryptography;
using CliWrap;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// pg_dump in plain SQL format, writing into a stream; or, made by <see cref="Globals"/>, pg_dumpall of the
/// server's globals (roles, memberships, tablespaces). CliWrap runs it: async pipes, cancellation kills it.
/// </summary>
public sealed class PgDumpProcess(string pgDumpPath, DatabaseUrl database)
{
    private string Tool => _globals is null ? "pg_dump" : "pg_dumpall";

    // null for pg_dump; for pg_dumpall --globals-only, whether role passwords (hashes of real logins) are kept
    private bool? _globals;

    /// <summary>
    /// pg_dumpall --globals-only: the roles, their settings and memberships, privileges on parameters and
    /// the tablespaces of <paramref name="server"/>, in UTF-8. Role passwords are left out unless <paramref name="includeRolePasswords"/>.
    /// </summary>
    public static PgDumpProcess Globals(string pgDumpAllPath, DatabaseUrl server, bool includeRolePasswords) =>
        new(pgDumpAllPath, server) { _globals = includeRolePasswords };

    /// <summary>pg_dump's --exclude-table patterns: those tables are left out whole.</summary>
    public IReadOnlyList<string> ExcludeTables { get; init; } = [];

    /// <summary>pg_dump's --exclude-table-data patterns: those tables' definitions are kept, their rows left out.</summary>
    public IReadOnlyList<string> ExcludeTableData { get; init; } = [];

    /// <summary>pg_dump's arguments: each pattern its own argument, never through a shell.</summary>
    internal IReadOnlyList<string> Arguments => _globals is { } passwords
        ? ["--globals-only", "--no-password", .. passwords ? Array.Empty<string>() : ["--no-role-passwords"]]
        : [
        "--format=plain", "--no-password",
        .. ExcludeTables.Select(p => "--exclude-table=" + p),
        .. ExcludeTableData.Select(p => "--exclude-table-data=" + p),
    ];

    /// <summary>
    /// Streams the dump into <paramref name="output"/> and returns once pg_dump has exited
    /// successfully and its output ended with the completion line (checked in passing), with what it
    /// carried: rows per table and the SHA-256 of every byte (the backup's manifest).
    /// </summary>
    /// <exception cref="PgDumpFailedException">pg_dump exited non-zero, or its output is incomplete.</exception>
    public async Task<DumpManifest> DumpAsync(Stream output, CancellationToken ct)
    {
        // pg_dump's format, parsed as it passes: the closing line counts only outside COPY data
        var reader = new PlainDumpReader(_globals is null ? PlainDumpReader.CompletionMarker : PlainDumpReader.ClusterCompletionMarker);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long bytes = 0;
        // pg_dump writes 4 KiB at a time. Read asynchronously, each write woke a pool thread and queued
        // the next read to another: ~500,000 context switches per 1 GB dump. One thread of its own, in
        // blocking reads, wakes once per write and hands each chunk straight to the compressor.
        var target = PipeTarget.Create((source, token) => Task.Factory.StartNew(() =>
        {
            var buffer = ArrayPool<byte>.Shared.Rent(1 << 17);
            try
            {
                int n;
                while ((n = source.Read(buffer)) > 0)
                {
                    token.ThrowIfCancellationRequested();
                    reader.Read(buffer.AsSpan(0, n));
                    sha.AppendData(buffer, 0, n);
                    bytes += n;
                    output.Write(buffer, 0, n);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }, token, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        // the globals are read back by a restore that takes UTF-8 only
        var (exitCode, stderr) = await PgCommand.RunAsync(pgDumpPath, [.. Arguments], database,
            PipeSource.Null, target, ct, _globals is null ? null : new Dictionary<string, string?> { ["PGCLIENTENCODING"] = "UTF8" }).ConfigureAwait(false);
        if (exitCode != 0) throw new PgDumpFailedException(exitCode, stderr, Tool);
        reader.Complete();
        if (!reader.IsComplete) throw PgDumpFailedException.Incomplete(bytes, reader.OpenCopyTable, stderr, Tool);
        return new DumpManifest(bytes, sha.GetHashAndReset(), reader.RowsPerTable);
    }
}
