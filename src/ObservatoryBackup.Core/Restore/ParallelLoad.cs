using System.Text;
using System.Text.RegularExpressions;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Restore;

/// <summary>
/// Loads pg_dump's plain SQL over several psql connections as it streams, where one psql runs it in
/// order, reading the dump's events (what the gate lets through). The statements before the data run
/// in order on one connection. Each COPY block goes whole to the next connection of the data phase, as
/// pg_restore gives each table's data to one worker: its queue lets the reader move on to the next
/// table while the connection still loads the last one, and a table the load created goes in truncated
/// and frozen in one transaction (<see cref="FreshTables"/>). Only a block larger than
/// <see cref="DealAfterBytes"/> (a table much larger than the rest) has the rest of its rows dealt
/// across all N connections (<see cref="RowDealer"/>), each running its own <c>COPY … FROM stdin</c>.
/// What follows the data is held (it is DDL, small) and run in waves once the input ends
/// (<see cref="PostDataWaves"/>), on connections given more memory for sorting
/// (<see cref="IndexBuildMemory"/>); a statement the load cannot place runs in order. Each phase has
/// connections of its own, and the next phase starts only when every one of them has exited 0:
/// nothing waits on what psql prints. Every connection starts with the dump's session settings (the
/// lines before its first entry, with the restore's <c>\restrict</c> line), and each entry dealt
/// carries the <c>SET</c> lines in force where pg_dump wrote it. The first connection to fail stops all.
/// </summary>
/// <param name="dealAfterBytes">A COPY block's bytes on one connection before the rest of its rows are dealt to all.</param>
internal sealed partial class ParallelLoad(string psqlPath, DatabaseUrl database, int jobs, EventLog log, Action<TransferProgress>? progress,
    long dealAfterBytes = ParallelLoad.DealAfterBytes)
{
    /// <summary>
    /// A table's rows go to one connection up to this many bytes (32 times its queue); the rest is dealt
    /// to all. A table that small loads frozen on one connection; a larger one loads sooner over several
    /// COPY streams where the reader leaves a core idle, which more than pays for the frozen part it
    /// gives up (bench/README.md: 32 MiB against 256 MiB).
    /// </summary>
    public const long DealAfterBytes = 32L << 20;

    /// <summary>More held post-data SQL than this (no schema has it), the SET lines each entry carries counted, is run in order as it comes instead.</summary>
    public const int MaxHeldBytes = 64 << 20;

    private const int PreludeLimit = 1 << 20;

    /// <summary>
    /// How long a data connection waits for a lock before it fails the load. A dump pg_dump wrote takes no
    /// lock in its data that another holds (its tables have no index yet), but one that makes a table unique
    /// before its rows (or locks it between them) has a connection wait for another's COPY, which waits for
    /// rows the dealer cannot give while it waits on the first: PostgreSQL sees no deadlock, the load would hang.
    /// </summary>
    internal TimeSpan DataLockTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>What the held entries may take (<see cref="MaxHeldBytes"/>; tests give less).</summary>
    internal long HeldLimit { get; init; } = MaxHeldBytes;

    /// <summary>
    /// The SET lines kept for the entries dealt out may take this much (pg_dump writes a dozen short ones);
    /// a dump that sets more runs in order from there, or, in its data, fails.
    /// </summary>
    internal int SessionLimit { get; init; } = PreludeLimit;

    private enum Phase { Schema, Data, PostData }

    private readonly CancellationTokenSource _abort = new();
    private readonly List<PsqlWorker> _all = [];
    private PsqlWorker? _firstFailed;
    private CancellationToken _ct;

    // the connections of the phase running; the dealer's are the COPY block's
    private readonly RowDealer _dealer = new();
    private PsqlWorker[] Workers { get; set; } = [];

    // the dump as it is read
    private Phase _phase = Phase.Schema;
    private readonly MemoryStream _prelude = new();
    private bool _preludeDone;
    private bool _inOrder; // the rest of the dump goes to one connection, as it comes

    // the COPY block being loaded: on one connection (frozen when the load created its table), then perhaps dealt
    private readonly FreshTables _fresh = new();
    private string _copyTable = "";
    private long _copyRows;
    private long _copyBytes;
    private byte[] _copyLine = [];
    private int _next;
    private bool _frozen, _dealt;
    private readonly Dictionary<string, long> _rowsPerTable = new(StringComparer.Ordinal);

    // each partition's parent, from the schema: a foreign key on or to a partitioned table locks its whole tree
    private readonly Dictionary<string, string> _partitionParents = new(StringComparer.Ordinal);

    // the statements after the data, held
    private readonly List<HeldEntry> _held = [];
    private MemoryStream? _entry;
    private DumpEntryHeader? _entryHeader; // null: what follows the data before the first header
    private long _heldBytes;
    private readonly SortedDictionary<string, string> _session = new(StringComparer.Ordinal);
    private long _sessionBytes;
    private byte[]? _sessionLines = []; // null when the SET lines changed since they were last joined

    public long Rows { get; private set; }

    /// <param name="next">The dump's next event; null at its end.</param>
    public async Task<(int ExitCode, string StandardError)> RunAsync(Func<CancellationToken, ValueTask<DumpEvent?>> next, CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _abort.Token);
        _ct = linked.Token;
        log.Info("restore_phase", ("phase", "schema"), ("connections", jobs));
        try
        {
            Workers = [Start()];
            while (await next(_ct).ConfigureAwait(false) is { } e) await EventAsync(e).ConfigureAwait(false);
            if (await EndPhaseAsync(Workers).ConfigureAwait(false) is { } failed) return failed;
            if (_phase != Phase.PostData || _inOrder) return (0, "");
            EndEntry();
            var waves = new PostDataWaves(jobs, log, progress, _rowsPerTable, _partitionParents, Start, EndPhaseAsync);
            return await waves.RunAsync(_held, _ct).ConfigureAwait(false) ?? (0, "");
        }
        catch (PhaseFailed phase)
        {
            await StopAllAsync().ConfigureAwait(false);
            return phase.Result;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested && _firstFailed is { } failed)
        {
            // a connection ended early: its error is the load's, the others were stopped by it
            await StopAllAsync().ConfigureAwait(false);
            return failed.Result is { ExitCode: not 0 } ? Explained(failed) : (-1, "psql ended before its input did");
        }
        catch
        {
            await StopAllAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A new connection of the running phase, given the dump's session settings (and after the data, the memory to build indexes with).</summary>
    private PsqlWorker Start() => Start("");

    /// <summary>A new connection of the running phase, given the dump's session settings (after the data, the memory to build indexes with), then <paramref name="then"/>.</summary>
    private PsqlWorker Start(string then)
    {
        var first = _prelude.ToArray();
        if (_phase == Phase.PostData) first = [.. first, .. IndexBuildMemory.Sql(_inOrder ? 1 : jobs)];
        var worker = new PsqlWorker(psqlPath, database, Ended, _ct, [.. first, .. Encoding.UTF8.GetBytes(then)]);
        _all.Add(worker);
        return worker;
    }

    private void Ended(PsqlWorker worker)
    {
        if (worker.Closed && worker.Result is { ExitCode: 0 }) return;
        Interlocked.CompareExchange(ref _firstFailed, worker, null);
        _abort.Cancel();
    }

    /// <summary>Closes a phase's connections and waits for each to exit; the first failure, or null when all exited 0.</summary>
    private async Task<(int ExitCode, string StandardError)?> EndPhaseAsync(PsqlWorker[] workers)
    {
        await _dealer.FlushAsync(rotate: false, _ct).ConfigureAwait(false);
        foreach (var worker in workers) worker.Close();
        await Task.WhenAll(workers.Select(w => w.Run)).ConfigureAwait(false);
        Workers = _dealer.Workers = [];
        return workers.FirstOrDefault(w => w.Result is { ExitCode: not 0 }) is { } failed ? Explained(failed) : null;
    }

    /// <summary>A failed connection's exit code and stderr, psql's lines of its own input named for what they were.</summary>
    private (int ExitCode, string StandardError) Explained(PsqlWorker worker)
    {
        var (exitCode, stderr) = worker.Result!.Value;
        stderr = worker.Explain(stderr);
        // the server turned a connection away: one psql (the load at one job) might have fitted
        if (NoSlot().IsMatch(stderr))
            stderr = stderr.TrimEnd() + $"\nThe load opens {jobs} connections at once (the restore's jobs) and the server refused one: " +
                "restore with fewer jobs (the jobs option, or OBS_RESTORE_JOBS; 1 loads over one connection), or give the server more connection slots (max_connections: the load connects as a role of its own, which the slots reserved for superusers do not serve).";
        return (exitCode, stderr);
    }

    [GeneratedRegex("too many clients already|too many connections for (role|database)|remaining connection slots are reserved")]
    private static partial Regex NoSlot();

    private async Task StopAllAsync()
    {
        await _abort.CancelAsync().ConfigureAwait(false);
        foreach (var worker in _all)
        {
            worker.Close();
            try { await worker.Run.ConfigureAwait(false); }
            catch (Exception) { /* stopped: the first failure is the one reported */ }
        }
    }

    private async Task EventAsync(DumpEvent e)
    {
        switch (e.Kind)
        {
            case DumpEventKind.CopyRows or DumpEventKind.CopyEnd when _inOrder:
                // in order from here: COPY data goes with its statement to the one connection
                await Workers[0].WriteAsync(e.Bytes, _ct).ConfigureAwait(false);
                break;
            case DumpEventKind.CopyRows:
                (Rows, _copyRows, _copyBytes) = (Rows + e.Rows, _copyRows + e.Rows, _copyBytes + e.Bytes.Length);
                await _dealer.DealAsync(e.Bytes, _ct).ConfigureAwait(false);
                if (!_dealt && _copyBytes > dealAfterBytes && Workers.Length > 1 && e.Bytes.Span.EndsWith("\n"u8)) await DealRestAsync().ConfigureAwait(false);
                break;
            case DumpEventKind.CopyEnd:
                _rowsPerTable[_copyTable] = _rowsPerTable.GetValueOrDefault(_copyTable) + _copyRows;
                await EndBlockAsync(e.Bytes).ConfigureAwait(false);
                _dealer.Workers = [];
                break;
            default:
                await LineAsync(e).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>A whole line outside COPY data (with its newline, but for a last line without one).</summary>
    private async Task LineAsync(DumpEvent e)
    {
        var line = e.Bytes;
        if (e.Kind == DumpEventKind.EntryHeader && e.Entry is { Type: var type })
        {
            _preludeDone = true;
            if (_phase == Phase.Data && !DumpEntry.IsData(type) && !_inOrder) await BeginPostDataAsync().ConfigureAwait(false);
            if (_phase == Phase.PostData && !_inOrder) NewEntry(e.Entry);
            else Workers[0].Mark(e.Entry.ToString());
        }
        if (e.AtStatement && !_inOrder && !Session(line.Span))
        {
            // more settings than a dump sets: one connection from here has them all, as it comes
            if (_phase == Phase.Schema) _inOrder = _preludeDone = true;
            else if (_phase == Phase.PostData) await GoInOrderAsync().ConfigureAwait(false);
            else throw new PhaseFailed((-1, $"the dump sets more than {SessionLimit} bytes of session settings between its data, which a parallel load cannot carry to its other connections: restore it with one job"));
        }
        if (_phase == Phase.Schema) _fresh.See(e);
        if (e.AtStatement && e.Entry?.Type is "TABLE ATTACH" or "TABLE" or "FOREIGN TABLE" && DumpEntry.PartitionOf(Encoding.UTF8.GetString(e.Line)) is { } partition)
            _partitionParents[partition.Partition] = partition.Parent;

        if (e.Kind == DumpEventKind.CopyStart && !_inOrder && _phase == Phase.PostData)
        {
            // data after the indexes is not how pg_dump writes: everything from here runs in order
            await GoInOrderAsync().ConfigureAwait(false);
            await Workers[0].WriteAsync(line, _ct).ConfigureAwait(false);
            return;
        }
        if (e.Kind == DumpEventKind.CopyStart && !_inOrder)
        {
            await StartCopyAsync(e).ConfigureAwait(false);
            return;
        }
        if (_phase == Phase.PostData && !_inOrder)
        {
            _entry!.Write(line.Span);
            _heldBytes += line.Length;
            if (_heldBytes > HeldLimit) await GoInOrderAsync().ConfigureAwait(false);
            return;
        }
        if (!_preludeDone)
        {
            if (_prelude.Length + line.Length > PreludeLimit) _inOrder = _preludeDone = true;
            else _prelude.Write(line.Span);
        }
        // the schema, and the statements between COPY blocks, in order on one connection
        await Workers[0].WriteAsync(line, _ct).ConfigureAwait(false);
    }

    private async Task StartCopyAsync(DumpEvent copy)
    {
        if (_phase == Phase.Schema)
        {
            // every table exists before any row is loaded: the schema's connection has exited 0
            if (await EndPhaseAsync(Workers).ConfigureAwait(false) is { } failed) throw new PhaseFailed(failed);
            _phase = Phase.Data;
            var lockTimeout = $"SET lock_timeout = '{(long)DataLockTimeout.TotalMilliseconds}ms';\n";
            Workers = [.. Enumerable.Range(0, jobs).Select(_ => Start(lockTimeout))];
            log.Info("restore_phase", ("phase", "data"), ("connections", jobs));
        }
        _preludeDone = true;
        (_copyTable, _copyRows, _copyBytes, _copyLine, _dealt) = (copy.Table ?? "", 0, 0, copy.Bytes.ToArray(), false);
        // the block's rows go whole to the next connection, after what it was given before
        var worker = Workers[_next];
        _next = (_next + 1) % Workers.Length;
        _dealer.Workers = [worker];
        worker.Mark($"the rows of {_copyTable}");
        var frozen = _fresh.FrozenStart(_copyTable, copy.Bytes.Span);
        _frozen = frozen is not null;
        await worker.WriteAsync(frozen ?? copy.Bytes, _ct).ConfigureAwait(false);
    }

    /// <summary>Ends the block on its connections: the <c>\.</c> line, and the frozen block's commit.</summary>
    private async Task EndBlockAsync(ReadOnlyMemory<byte> end)
    {
        await _dealer.FlushAsync(rotate: false, _ct).ConfigureAwait(false);
        foreach (var worker in _dealer.Workers)
        {
            await worker.WriteAsync(end, _ct).ConfigureAwait(false);
            if (_frozen) await worker.WriteAsync(FreshTables.FrozenEnd, _ct).ConfigureAwait(false);
        }
        _frozen = false;
    }

    /// <summary>
    /// A block larger than a connection should load alone: what it has loaded ends there (committed, so
    /// the other connections' COPY into the table need not wait for more than its queue), and the rest
    /// of its rows are dealt to every connection, each running the block's COPY line as the dump wrote it.
    /// </summary>
    private async Task DealRestAsync()
    {
        await EndBlockAsync("\\.\n"u8.ToArray()).ConfigureAwait(false);
        _dealt = true;
        log.Info("restore_phase", ("phase", "data_dealt"), ("table", _copyTable), ("connections", Workers.Length));
        _dealer.Workers = Workers;
        foreach (var worker in Workers)
        {
            // COPY's own line numbers count only this connection's share of the rows
            worker.Mark($"the rows of {_copyTable} past its first {dealAfterBytes >> 20} MiB, dealt across {Workers.Length} connections (COPY's line numbers count this connection's share)");
            await worker.WriteAsync(_copyLine, _ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Keeps the session settings the dump's SET lines give, for entries dealt to other connections;
    /// false when they would take more than <see cref="SessionLimit"/> (then none is kept any more).
    /// </summary>
    private bool Session(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith("SET "u8) && !line.StartsWith("SELECT pg_catalog.set_config("u8)) return true;
        var text = Encoding.UTF8.GetString(line);
        var key = text.StartsWith("SET ", StringComparison.Ordinal) ? text[4..].Split(' ', 2)[0] : text.Split(',', 2)[0];
        var value = text.EndsWith('\n') ? text : text + "\n";
        var bytes = _sessionBytes - (_session.TryGetValue(key, out var old) ? Encoding.UTF8.GetByteCount(old) : 0) + Encoding.UTF8.GetByteCount(value);
        if (bytes > SessionLimit) return false;
        (_session[key], _sessionBytes, _sessionLines) = (value, bytes, null);
        return true;
    }

    /// <summary>The data are in: every connection that loaded rows has exited 0 before an index reads them.</summary>
    private async Task BeginPostDataAsync()
    {
        if (await EndPhaseAsync(Workers).ConfigureAwait(false) is { } failed) throw new PhaseFailed(failed);
        _phase = Phase.PostData;
        log.Info("restore_phase", ("phase", "data_loaded"), ("rows", Rows));
        _entry = new MemoryStream();
        _entryHeader = null;
    }

    private void NewEntry(DumpEntryHeader header)
    {
        EndEntry();
        _entry = new MemoryStream();
        _entryHeader = header;
        // the SET lines in force where the dump wrote the entry travel with it, and count as held
        _sessionLines ??= Encoding.UTF8.GetBytes(string.Concat(_session.Values));
        _entry.Write(_sessionLines);
        _heldBytes += _sessionLines.Length;
    }

    private void EndEntry()
    {
        if (_entry is { Length: > 0 })
        {
            var held = HeldEntry.Of(_entryHeader?.Type ?? "", _entry.ToArray());
            _held.Add(_entryHeader is { } header ? held with { What = header.ToString() } : held);
        }
        _entry = null;
    }

    /// <summary>Runs what is held, and everything after, in order on one connection.</summary>
    private async Task GoInOrderAsync()
    {
        _inOrder = true;
        EndEntry();
        log.Info("restore_phase", ("phase", "in_order"), ("reason", "more post-data SQL than a parallel load holds, or data after it"));
        Workers = [Start()];
        foreach (var entry in _held)
        {
            Workers[0].Mark(entry.What);
            await Workers[0].WriteAsync(entry.Sql, _ct).ConfigureAwait(false);
        }
        _held.Clear();
    }

    /// <summary>A phase's connection failed while the dump was being read: the load stops with its error.</summary>
    private sealed class PhaseFailed((int ExitCode, string StandardError) result) : Exception("A phase of the parallel load failed.")
    {
        public (int ExitCode, string StandardError) Result { get; } = result;
    }
}
