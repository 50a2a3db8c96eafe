using System.Buffers;
using System.Threading.Channels;
using CliWrap;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// One psql of a parallel load, under ON_ERROR_STOP: SQL is handed to it in pooled buffers through a
/// small bounded queue, so a connection that falls behind holds the writer back and memory stays
/// bounded. A load waits for a worker only by closing its input and awaiting its exit: nothing
/// depends on what psql prints, so no psql (or program posing as one) can make a load wait forever.
/// </summary>
internal sealed class PsqlWorker
{
    private readonly Channel<(byte[] Buffer, int Length)> _input =
        Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    /// <param name="ended">Called once psql has exited, however: a parallel load stops all its connections when one ends early.</param>
    /// <param name="first">What psql gets before anything else (the dump's session settings).</param>
    public PsqlWorker(string psqlPath, DatabaseUrl database, Action<PsqlWorker> ended, CancellationToken ct, byte[] first)
    {
        Mark("the session settings each connection of the load starts with");
        if (first.Length > 0) _input.Writer.TryWrite((CopyToRented(first), first.Length)); // the queue is empty: it fits
        _map.Given(first);
        var input = PipeSource.Create(async (stdin, token) =>
        {
            await foreach (var (buffer, length) in _input.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                try { await stdin.WriteAsync(buffer.AsMemory(0, length), token).ConfigureAwait(false); }
                finally { ArrayPool<byte>.Shared.Return(buffer); }
            }
        });
        Run = Task.Run(async () =>
        {
            try
            {
                // stdout is drained: psql dies of a broken pipe if nobody reads the results of the dump's SELECTs
                // --file=- has psql say which line of its input failed (psql:<stdin>:N:), which Explain names
                Result = await PgCommand.RunAsync(psqlPath, [.. PsqlProcess.Options, "--file=-"],
                    database, input, PipeTarget.ToStream(Stream.Null), ct).ConfigureAwait(false);
                return Result.Value;
            }
            finally
            {
                ended(this);
            }
        }, CancellationToken.None);
    }

    /// <summary>psql's exit code and the tail of its stderr, once it has exited (null while it runs, or when it was stopped).</summary>
    public (int ExitCode, string StandardError)? Result { get; private set; }

    /// <summary>psql's run.</summary>
    public Task<(int ExitCode, string StandardError)> Run { get; }

    /// <summary>Whether the load closed its input (an exit before that is a failure).</summary>
    public bool Closed { get; private set; }

    /// <summary>Hands <paramref name="sql"/> to psql (copied into a pooled buffer).</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> sql, CancellationToken ct)
    {
        if (sql.IsEmpty) return;
        await SendAsync(CopyToRented(sql.Span), sql.Length, ct).ConfigureAwait(false);
    }

    private static byte[] CopyToRented(ReadOnlySpan<byte> sql)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(sql.Length);
        sql.CopyTo(buffer);
        return buffer;
    }

    /// <summary>Hands a rented buffer to psql; the worker returns it to the pool.</summary>
    public async ValueTask SendAsync(byte[] rented, int length, CancellationToken ct)
    {
        try
        {
            _map.Given(rented.AsSpan(0, length));
            await _input.Writer.WriteAsync((rented, length), ct).ConfigureAwait(false);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(rented);
            throw;
        }
    }

    private readonly PsqlInputMap _map = new();

    /// <summary>Says what the SQL handed over next is (a dump entry, a table's rows), for <see cref="Explain"/>.</summary>
    public void Mark(string what) => _map.Mark(what);

    /// <summary>psql's stderr with each line of this connection's input it names (no line of the dump) named for what it was.</summary>
    public string Explain(string standardError) => _map.Explain(standardError);

    /// <summary>Ends psql's input: it runs what it has, then exits.</summary>
    public void Close()
    {
        Closed = true;
        _input.Writer.TryComplete();
    }
}
