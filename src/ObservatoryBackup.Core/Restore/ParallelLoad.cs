using System.Buffers;
using System.Text;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Restore;

/// <summary>
/// Loads pg_dump's plain SQL over several psql connections as it streams, where one psql runs it in
/// order. The statements before the data run in order on one connection. Each COPY block's rows (a
/// line each in pg_dump's text format) are dealt across N connections in runs of
/// <see cref="BatchBytes"/>, each running its own <c>COPY … FROM stdin</c> into the table. What
/// follows the data is held (it is DDL, small) and run in waves once the input ends: indexes and
/// constraints in parallel, then foreign keys in parallel (those sharing a table on one connection),
/// then everything else in dump order on one connection; a statement the load cannot place runs in
/// order. Each phase has connections of its own, and the next phase starts only when every one of
/// them has exited 0: nothing waits on what psql prints. Every connection starts with the dump's
/// session settings (the lines before its first entry, with the restore's <c>\restrict</c> line),
/// and each entry dealt carries the <c>SET</c> lines in force where pg_dump wrote it. The first
/// connection to fail stops all.
/// </summary>
internal sealed class ParallelLoad(string psqlPath, DatabaseUrl database, int jobs, EventLog log, Action<TransferProgress>? progress)
{
    /// <summary>Rows go to one connection in runs of about this many bytes, then to the next.</summary>
    public const int BatchBytes = 256 << 10;

    /// <summary>More held post-data SQL than this (no schema has it) is run in order as it comes instead.</summary>
    public const int MaxHeldBytes = 64 << 20;

    private const int PreludeLimit = 1 << 20;

    private enum Phase { Schema, Data, PostData }

    /// <summary>A held entry, and the tables its statement names: the foreign key's two it locks, or the one an index reads (its cost).</summary>
    private sealed record Entry(string Type, byte[] Sql, (string Table, string Referenced)? ForeignKey, string[] Tables)
    {
        public static Entry Of(string type, byte[] sql)
        {
            var text = Encoding.UTF8.GetString(sql);
            var key = DumpEntry.ForeignKeyTables(text);
            return new(type, sql, key, key is { } fk ? [fk.Table, fk.Referenced] : [DumpEntry.TableOf(text) ?? ""]);
        }
    }

    private readonly CancellationTokenSource _abort = new();
    private readonly List<PsqlWorker> _all = [];
    private PsqlWorker? _firstFailed;
    private CancellationToken _ct;

    // the connections of the phase running
    private PsqlWorker[] _workers = [];

    // the dump as it is read
    private readonly PlainDumpReader _reader = new();
    private Phase _phase = Phase.Schema;
    private readonly MemoryStream _prelude = new();
    private bool _preludeDone;
    private bool _inOrder; // the rest of the dump goes to one connection, as it comes

    // the COPY block being dealt
    private byte[]? _batch;
    private int _batchLength;
    private int _target;
    private bool _rowOpen;
    private string _copyTable = "";
    private long _copyRows;
    private readonly Dictionary<string, long> _rowsPerTable = new(StringComparer.Ordinal);

    // the statements after the data, held
    private readonly List<Entry> _held = [];
    private MemoryStream? _entry;
    private string _entryType = "";
    private long _heldBytes;
    private readonly SortedDictionary<string, string> _session = new(StringComparer.Ordinal);
    private string _sessionLines = "";

    public long Rows { get; private set; }

    public async Task<(int ExitCode, string StandardError)> RunAsync(Stream sql, CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _abort.Token);
        _ct = linked.Token;
        log.Info("restore_phase", ("phase", "schema"), ("connections", jobs));
        try
        {
            _workers = [Start()];
            await ReadAsync(sql, _ct).ConfigureAwait(false);
            if (await EndPhaseAsync().ConfigureAwait(false) is { } failed) return failed;
            return await RunHeldAsync().ConfigureAwait(false) ?? (0, "");
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

    /// <summary>Closes the running phase's connections and waits for each to exit; the first failure, or null when all exited 0.</summary>
    private async Task<(int ExitCode, string StandardError)?> EndPhaseAsync()
    {
        await FlushBatchAsync(rotate: false).ConfigureAwait(false);
        foreach (var worker in _workers) worker.Close();
        var results = await Task.WhenAll(_workers.Select(w => w.Run)).ConfigureAwait(false);
        _workers = [];
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

    private async Task ReadAsync(Stream sql, CancellationToken ct)
    {
        var buffer = new byte[1 << 16];
        var carry = new List<byte>(); // a line's start held over a read: a statement line, or the first bytes of a COPY line
        int n;
        while ((n = await sql.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            var chunk = carry.Count == 0 ? buffer.AsMemory(0, n) : (byte[])[.. carry, .. buffer.AsSpan(0, n)];
            carry.Clear();
            var at = 0;
            while (at < chunk.Length)
            {
                if (_reader.InCopyData && !_inOrder)
                {
                    at += await CopyDataAsync(chunk[at..], carry).ConfigureAwait(false);
                    if (carry.Count > 0) break;
                    continue;
                }
                var newline = chunk.Span[at..].IndexOf((byte)'\n');
                if (newline < 0)
                {
                    carry.AddRange(chunk.Span[at..]);
                    break;
                }
                await LineAsync(chunk.Slice(at, newline + 1)).ConfigureAwait(false);
                at += newline + 1;
            }
        }
        if (carry.Count > 0) await LineAsync(carry.ToArray()).ConfigureAwait(false);
        _reader.Complete();
    }

    /// <summary>Rows of the open COPY block, dealt; returns how much of <paramref name="data"/> was used (up to the block's end).</summary>
    private async Task<int> CopyDataAsync(ReadOnlyMemory<byte> data, List<byte> carry)
    {
        var span = data.Span;
        if (!_rowOpen)
        {
            // a row never starts with "\." (a backslash in data is written "\\"): that is the block's end
            if (span.Length < 4 && @"\.\r"u8.StartsWith(span[..Math.Min(span.Length, 3)]) && !span.EndsWith("\n"u8))
            {
                carry.AddRange(span);
                return data.Length;
            }
            if (span.StartsWith(@"\."u8))
            {
                var end = span.IndexOf((byte)'\n');
                if (end < 0) { carry.AddRange(span); return data.Length; }
                await EndCopyAsync(data[..(end + 1)]).ConfigureAwait(false);
                return end + 1;
            }
        }
        var marker = span.IndexOf("\n\\."u8);
        var rows = marker < 0 ? span.Length : marker + 1;
        var take = rows;
        if (marker < 0)
        {
            // hold back the start of a last line that may be the end marker split by the read
            var last = span.LastIndexOf((byte)'\n');
            var tail = span[(last + 1)..];
            if (last >= 0 && tail.Length is > 0 and < 3 && @"\."u8.StartsWith(tail)) take = last + 1;
        }
        if (take < rows) carry.AddRange(span[take..rows]);
        await DealAsync(data[..take]).ConfigureAwait(false);
        return rows;
    }

    /// <summary>Appends rows to the current connection's run; a run ends at a row's end once it is <see cref="BatchBytes"/> long.</summary>
    private async Task DealAsync(ReadOnlyMemory<byte> rows)
    {
        while (!rows.IsEmpty)
        {
            _batch ??= ArrayPool<byte>.Shared.Rent(BatchBytes + (1 << 16));
            var part = rows[..Math.Min(_batch.Length - _batchLength, rows.Length)];
            part.CopyTo(_batch.AsMemory(_batchLength));
            _batchLength += part.Length;
            rows = rows[part.Length..];
            var lines = part.Span.Count((byte)'\n');
            (Rows, _copyRows) = (Rows + lines, _copyRows + lines);
            _rowOpen = part.Span[^1] != '\n';
            if (_batchLength >= BatchBytes) await CutBatchAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends the run's whole rows to its connection and moves on to the next, the start of a row
    /// still open carried into the next run (its rest goes where its start goes). A run without a
    /// row's end (one huge row) goes as it is, and the row stays with its connection.
    /// </summary>
    private async Task CutBatchAsync()
    {
        var end = _batch.AsSpan(0, _batchLength).LastIndexOf((byte)'\n') + 1;
        if (end == 0)
        {
            await FlushBatchAsync(rotate: false).ConfigureAwait(false);
            return;
        }
        var (full, length) = (_batch!, _batchLength);
        _batch = ArrayPool<byte>.Shared.Rent(BatchBytes + (1 << 16));
        _batchLength = length - end;
        full.AsSpan(end, _batchLength).CopyTo(_batch);
        await _workers[_target].SendAsync(full, end, _ct).ConfigureAwait(false);
        _target = (_target + 1) % _workers.Length;
    }

    private async Task FlushBatchAsync(bool rotate)
    {
        if (_batch is not null && _batchLength > 0)
        {
            var (batch, length) = (_batch, _batchLength);
            (_batch, _batchLength) = (null, 0);
            await _workers[_target].SendAsync(batch, length, _ct).ConfigureAwait(false);
        }
        if (rotate && _workers.Length > 0) _target = (_target + 1) % _workers.Length;
    }

    private async Task StartCopyAsync(ReadOnlyMemory<byte> copyLine)
    {
        if (_phase == Phase.Schema)
        {
            // every table exists before any row is loaded: the schema's connection has exited 0
            if (await EndPhaseAsync().ConfigureAwait(false) is { } failed) throw new PhaseFailed(failed);
            _phase = Phase.Data;
            _workers = [.. Enumerable.Range(0, jobs).Select(_ => Start())];
            log.Info("restore_phase", ("phase", "data"), ("connections", jobs));
        }
        _preludeDone = true;
        (_copyTable, _copyRows, _rowOpen) = (_reader.OpenCopyTable ?? "", 0, false);
        foreach (var worker in _workers) await worker.WriteAsync(copyLine, _ct).ConfigureAwait(false);
    }

    private async Task EndCopyAsync(ReadOnlyMemory<byte> endLine)
    {
        _reader.Read(endLine.Span);
        _rowsPerTable[_copyTable] = _rowsPerTable.GetValueOrDefault(_copyTable) + _copyRows;
        await FlushBatchAsync(rotate: true).ConfigureAwait(false);
        foreach (var worker in _workers) await worker.WriteAsync(endLine, _ct).ConfigureAwait(false);
    }

    /// <summary>A whole line outside COPY data (with its newline, but for a last line without one).</summary>
    private async Task LineAsync(ReadOnlyMemory<byte> line)
    {
        var atStatement = _reader.AtStatement;
        var wasInCopy = _reader.InCopyData;
        _reader.Read(line.Span);
        if (wasInCopy)
        {
            // in order from here: COPY data goes with its statement to the one connection
            await _workers[0].WriteAsync(line, _ct).ConfigureAwait(false);
            return;
        }
        var type = atStatement ? DumpEntry.TypeOf(line.Span) : null;
        if (type is not null)
        {
            _preludeDone = true;
            if (_phase == Phase.Data && !DumpEntry.IsData(type) && !_inOrder) await BeginPostDataAsync().ConfigureAwait(false);
            if (_phase == Phase.PostData && !_inOrder) NewEntry(type);
        }
        if (atStatement) Session(line.Span);

        if (_reader.InCopyData && !_inOrder && _phase == Phase.PostData)
        {
            // data after the indexes is not how pg_dump writes: everything from here runs in order
            await GoInOrderAsync().ConfigureAwait(false);
            await _workers[0].WriteAsync(line, _ct).ConfigureAwait(false);
            return;
        }
        if (_reader.InCopyData && !_inOrder)
        {
            await StartCopyAsync(line).ConfigureAwait(false);
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
        await _workers[0].WriteAsync(line, _ct).ConfigureAwait(false);
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
        if (await EndPhaseAsync().ConfigureAwait(false) is { } failed) throw new PhaseFailed(failed);
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
        if (_entry is { Length: > 0 }) _held.Add(Entry.Of(_entryType, _entry.ToArray()));
        _entry = null;
    }

    /// <summary>Runs what is held, and everything after, in order on one connection.</summary>
    private async Task GoInOrderAsync()
    {
        _inOrder = true;
        EndEntry();
        log.Info("restore_phase", ("phase", "in_order"), ("reason", "more post-data SQL than a parallel load holds, or data after it"));
        _workers = [Start()];
        foreach (var entry in _held) await _workers[0].WriteAsync(entry.Sql, _ct).ConfigureAwait(false);
        _held.Clear();
    }

    /// <summary>The statements after the data: indexes and constraints in parallel, then foreign keys, then the rest in order.</summary>
    private async Task<(int ExitCode, string StandardError)?> RunHeldAsync()
    {
        if (_phase != Phase.PostData || _inOrder) return null;
        EndEntry();
        var indexes = _held.Where(e => DumpEntry.WaveOf(e.Type) == PostDataWave.Indexes).Select(e => new[] { e }).ToList();
        if (await WaveAsync("indexes", indexes).ConfigureAwait(false) is { } failed) return failed;

        // foreign keys sharing a table go to one connection, one after another: two locking the same tables in turn could deadlock
        var keys = _held.Where(e => DumpEntry.WaveOf(e.Type) == PostDataWave.ForeignKeys).ToList();
        var unplaced = keys.Where(k => k.ForeignKey is null).ToHashSet();
        if (await WaveAsync("foreign_keys", GroupByTables([.. keys.Except(unplaced)])).ConfigureAwait(false) is { } keyFailed) return keyFailed;

        var rest = _held.Where(e => DumpEntry.WaveOf(e.Type) == PostDataWave.InOrder || unplaced.Contains(e)).ToList();
        log.Info("restore_phase", ("phase", "in_order"), ("statements", rest.Count));
        _workers = [Start()];
        foreach (var entry in rest) await _workers[0].WriteAsync(entry.Sql, _ct).ConfigureAwait(false);
        return await EndPhaseAsync().ConfigureAwait(false);
    }

    private static List<Entry[]> GroupByTables(List<Entry> keys)
    {
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        var parent = Enumerable.Range(0, keys.Count).ToArray();
        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);
        for (var i = 0; i < keys.Count; i++)
        {
            var (table, referenced) = keys[i].ForeignKey!.Value;
            foreach (var name in new[] { table, referenced })
            {
                if (first.TryGetValue(name, out var other)) parent[Find(i)] = Find(other);
                else first[name] = i;
            }
        }
        return [.. Enumerable.Range(0, keys.Count).GroupBy(Find).Select(g => g.Select(i => keys[i]).ToArray())];
    }

    /// <summary>What a unit costs, for sharing a wave out: the rows of the tables it reads, as the dump carried them.</summary>
    private long Cost(Entry[] unit) => unit.Sum(e => 1 + e.Tables.Sum(t => _rowsPerTable.GetValueOrDefault(t)));

    /// <summary>
    /// Runs <paramref name="units"/> on connections of their own, each unit's entries in order on one:
    /// the costliest first, each to the connection with the least so far, then waits for every one to exit.
    /// </summary>
    private async Task<(int ExitCode, string StandardError)?> WaveAsync(string phase, List<Entry[]> units)
    {
        if (units.Count == 0) return null;
        var statements = units.Sum(u => u.Length);
        log.Info("restore_phase", ("phase", phase), ("statements", statements), ("connections", Math.Min(jobs, units.Count)));
        progress?.Invoke(new TransferProgress($"restore: {phase.Replace('_', ' ')} ({statements} statements on {Math.Min(jobs, units.Count)} connections)", 0, statements, TimeSpan.Zero));
        var shares = new List<Entry[]>[Math.Min(jobs, units.Count)];
        var load = new long[shares.Length];
        for (var i = 0; i < shares.Length; i++) shares[i] = [];
        foreach (var (unit, cost) in units.Select(u => (u, Cost(u))).OrderByDescending(x => x.Item2))
        {
            var least = Array.IndexOf(load, load.Min());
            shares[least].Add(unit);
            load[least] += cost;
        }
        _workers = [.. shares.Select(_ => Start())];
        for (var i = 0; i < shares.Length; i++)
            foreach (var entry in shares[i].SelectMany(u => u)) await _workers[i].WriteAsync(entry.Sql, _ct).ConfigureAwait(false);
        var failed = await EndPhaseAsync().ConfigureAwait(false);
        progress?.Invoke(new TransferProgress($"restore: {phase.Replace('_', ' ')}", statements, statements, TimeSpan.Zero, Completed: true));
        return failed;
    }

    /// <summary>A phase's connection failed while the dump was being read: the load stops with its error.</summary>
    private sealed class PhaseFailed((int ExitCode, string StandardError) result) : Exception("A phase of the parallel load failed.")
    {
        public (int ExitCode, string StandardError) Result { get; } = result;
    }
}
