using System.Text;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Restore;

/// <summary>
/// Loads pg_dump's plain SQL over several psql connections as it streams, where one psql runs it in
/// order, reading the dump's events (what the gate lets through). The statements before the data run
/// in order on one connection. Each COPY block's rows are dealt across N connections
/// (<see cref="RowDealer"/>), each running its own <c>COPY … FROM stdin</c> into the table. What
/// follows the data is held (it is DDL, small) and run in waves once the input ends
/// (<see cref="PostDataWaves"/>); a statement the load cannot place runs in order. Each phase has
/// connections of its own, and the next phase starts only when every one of them has exited 0:
/// nothing waits on what psql prints. Every connection starts with the dump's session settings (the
/// lines before its first entry, with the restore's <c>\restrict</c> line), and each entry dealt
/// carries the <c>SET</c> lines in force where pg_dump wrote it. The first connection to fail stops all.
/// </summary>
internal sealed class ParallelLoad(string psqlPath, DatabaseUrl database, int jobs, EventLog log, Action<TransferProgress>? progress)
{
    /// <summary>More held post-data SQL than this (no schema has it) is run in order as it comes instead.</summary>
    public const int MaxHeldBytes = 64 << 20;

    private const int PreludeLimit = 1 << 20;

    private enum Phase { Schema, Data, PostData }

    private readonly CancellationTokenSource _abort = new();
    private readonly List<PsqlWorker> _all = [];
    private PsqlWorker? _firstFailed;
    private CancellationToken _ct;

    // the connections of the phase running; in the data phase, the dealer's
    private readonly RowDealer _dealer = new();
    private PsqlWorker[] Workers { get => _dealer.Workers; set => _dealer.Workers = value; }

    // the dump as it is read
    private Phase _phase = Phase.Schema;
    private readonly MemoryStream _prelude = new();
    private bool _preludeDone;
    private bool _inOrder; // the rest of the dump goes to one connection, as it comes

    // the COPY block being dealt
    private string _copyTable = "";
    private long _copyRows;
    private readonly Dictionary<string, long> _rowsPerTable = new(StringComparer.Ordinal);

    // each partition's parent, from the schema: a foreign key on or to a partitioned table locks its whole tree
    private readonly Dictionary<string, string> _partitionParents = new(StringComparer.Ordinal);

    // the statements after the data, held
    private readonly List<HeldEntry> _held = [];
    private MemoryStream? _entry;
    private string _entryType = "";
    private long _heldBytes;
    private readonly SortedDictionary<string, string> _session = new(StringComparer.Ordinal);
    private string _sessionLines = "";

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
            return failed.Result is { ExitCode: not 0 } r ? r : (-1, "psql ended before its input did");
        }
        catch
        {
            await StopAllAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A new connection of the running phase, given the dump's session settings.</summary>
    private PsqlWorker Start()
    {
        var worker = new PsqlWorker(psqlPath, database, Ended, _ct, _prelude.ToArray());
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
        var results = await Task.WhenAll(workers.Select(w => w.Run)).ConfigureAwait(false);
        Workers = [];
        return results.FirstOrDefault(r => r.ExitCode != 0) is { ExitCode: not 0 } failed ? failed : null;
    }

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
                (Rows, _copyRows) = (Rows + e.Rows, _copyRows + e.Rows);
                await _dealer.DealAsync(e.Bytes, _ct).ConfigureAwait(false);
                break;
            case DumpEventKind.CopyEnd:
                _rowsPerTable[_copyTable] = _rowsPerTable.GetValueOrDefault(_copyTable) + _copyRows;
                await _dealer.FlushAsync(rotate: true, _ct).ConfigureAwait(false);
                foreach (var worker in Workers) await worker.WriteAsync(e.Bytes, _ct).ConfigureAwait(false);
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
            if (_phase == Phase.PostData && !_inOrder) NewEntry(type);
        }
        if (e.AtStatement) Session(line.Span);
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
            if (_heldBytes > MaxHeldBytes) await GoInOrderAsync().ConfigureAwait(false);
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
            Workers = [.. Enumerable.Range(0, jobs).Select(_ => Start())];
            log.Info("restore_phase", ("phase", "data"), ("connections", jobs));
        }
        _preludeDone = true;
        (_copyTable, _copyRows) = (copy.Table ?? "", 0);
        foreach (var worker in Workers) await worker.WriteAsync(copy.Bytes, _ct).ConfigureAwait(false);
    }

    /// <summary>Keeps the session settings the dump's SET lines give, for entries dealt to other connections.</summary>
    private void Session(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith("SET "u8) && !line.StartsWith("SELECT pg_catalog.set_config("u8)) return;
        var text = Encoding.UTF8.GetString(line);
        var key = text.StartsWith("SET ", StringComparison.Ordinal) ? text[4..].Split(' ', 2)[0] : text.Split(',', 2)[0];
        _session[key] = text.EndsWith('\n') ? text : text + "\n";
        _sessionLines = string.Concat(_session.Values);
    }

    /// <summary>The data are in: every connection that loaded rows has exited 0 before an index reads them.</summary>
    private async Task BeginPostDataAsync()
    {
        if (await EndPhaseAsync(Workers).ConfigureAwait(false) is { } failed) throw new PhaseFailed(failed);
        _phase = Phase.PostData;
        log.Info("restore_phase", ("phase", "data_loaded"), ("rows", Rows));
        _entry = new MemoryStream();
        _entryType = "";
    }

    private void NewEntry(string type)
    {
        EndEntry();
        _entry = new MemoryStream();
        _entryType = type;
        // the SET lines in force where the dump wrote the entry travel with it
        _entry.Write(Encoding.UTF8.GetBytes(_sessionLines));
    }

    private void EndEntry()
    {
        if (_entry is { Length: > 0 }) _held.Add(HeldEntry.Of(_entryType, _entry.ToArray()));
        _entry = null;
    }

    /// <summary>Runs what is held, and everything after, in order on one connection.</summary>
    private async Task GoInOrderAsync()
    {
        _inOrder = true;
        EndEntry();
        log.Info("restore_phase", ("phase", "in_order"), ("reason", "more post-data SQL than a parallel load holds, or data after it"));
        Workers = [Start()];
        foreach (var entry in _held) await Workers[0].WriteAsync(entry.Sql, _ct).ConfigureAwait(false);
        _held.Clear();
    }

    /// <summary>A phase's connection failed while the dump was being read: the load stops with its error.</summary>
    private sealed class PhaseFailed((int ExitCode, string StandardError) result) : Exception("A phase of the parallel load failed.")
    {
        public (int ExitCode, string StandardError) Result { get; } = result;
    }
}
