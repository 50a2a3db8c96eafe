using System.Buffers;
using System.Text;
using System.Threading.Channels;
using CliWrap;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// One psql of a parallel load, under ON_ERROR_STOP: SQL is handed to it in pooled buffers through a
/// small bounded queue (a connection that falls behind holds the writer back, so memory stays bounded),
/// and <see cref="SyncAsync"/> waits until it has run everything handed to it so far, by a marker row
/// only this run knows (a dump cannot fake it).
/// </summary>
internal sealed class PsqlWorker
{
    private readonly Channel<(byte[] Buffer, int Length)> _input =
        Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly string _marker;
    private readonly Dictionary<long, TaskCompletionSource> _syncs = [];
    private readonly Lock _lock = new();
    private long _nextSync;
    private bool _closed;

    /// <param name="marker">A text no backup can know: each sync row is this followed by a number.</param>
    /// <param name="ended">Called once psql has exited, however: a parallel load stops all its connections when one ends early.</param>
    public PsqlWorker(string psqlPath, DatabaseUrl database, int index, string marker, Action<PsqlWorker> ended, CancellationToken ct)
    {
        Index = index;
        _marker = marker;
        var input = PipeSource.Create(async (stdin, token) =>
        {
            await foreach (var (buffer, length) in _input.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                try { await stdin.WriteAsync(buffer.AsMemory(0, length), token).ConfigureAwait(false); }
                finally { ArrayPool<byte>.Shared.Return(buffer); }
            }
        });
        var output = PipeTarget.Create(async (stdout, token) =>
        {
            using var reader = new StreamReader(stdout, Encoding.UTF8);
            while (await reader.ReadLineAsync(token).ConfigureAwait(false) is { } line)
                if (line.StartsWith(_marker, StringComparison.Ordinal) && long.TryParse(line.AsSpan(_marker.Length), out var n)) Synced(n);
        });
        Run = Task.Run(async () =>
        {
            try
            {
                Result = await PgCommand.RunAsync(psqlPath, ["--no-psqlrc", "--quiet", "--no-password", "--set", "ON_ERROR_STOP=1", "--tuples-only", "--no-align"],
                    database, input, output, ct).ConfigureAwait(false);
                return Result.Value;
            }
            finally
            {
                FailSyncs();
                ended(this);
            }
        }, CancellationToken.None);
    }

    public int Index { get; }

    /// <summary>psql's exit code and the tail of its stderr, once it has exited (null while it runs, or when it was stopped).</summary>
    public (int ExitCode, string StandardError)? Result { get; private set; }

    /// <summary>psql's run: its exit code and the tail of its stderr.</summary>
    public Task<(int ExitCode, string StandardError)> Run { get; }

    /// <summary>Whether its input was closed by the load (an exit before that is a failure).</summary>
    public bool Closed => _closed;

    /// <summary>Hands <paramref name="sql"/> to psql (copied into a pooled buffer).</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> sql, CancellationToken ct)
    {
        if (sql.IsEmpty) return;
        var buffer = ArrayPool<byte>.Shared.Rent(sql.Length);
        sql.CopyTo(buffer);
        await SendAsync(buffer, sql.Length, ct).ConfigureAwait(false);
    }

    /// <summary>Hands a rented buffer to psql; the worker returns it to the pool.</summary>
    public async ValueTask SendAsync(byte[] rented, int length, CancellationToken ct)
    {
        try
        {
            await _input.Writer.WriteAsync((rented, length), ct).ConfigureAwait(false);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(rented);
            throw;
        }
    }

    /// <summary>Waits until psql has run everything handed to it so far.</summary>
    public async Task SyncAsync(CancellationToken ct)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long n;
        lock (_lock)
        {
            n = ++_nextSync;
            if (Result is not null) throw new OperationCanceledException("psql has ended.");
            _syncs[n] = done;
        }
        await WriteAsync(Encoding.ASCII.GetBytes($"SELECT '{_marker}{n}';\n"), ct).ConfigureAwait(false);
        await done.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    private void Synced(long n)
    {
        lock (_lock)
        {
            // the rows come in order: every sync up to n is done
            foreach (var key in _syncs.Keys.Where(k => k <= n).ToList())
            {
                _syncs[key].TrySetResult();
                _syncs.Remove(key);
            }
        }
    }

    private void FailSyncs()
    {
        lock (_lock)
        {
            foreach (var done in _syncs.Values) done.TrySetCanceled();
            _syncs.Clear();
        }
    }

    /// <summary>Ends psql's input: it runs what it has, then exits.</summary>
    public void Close()
    {
        _closed = true;
        _input.Writer.TryComplete();
    }
}
