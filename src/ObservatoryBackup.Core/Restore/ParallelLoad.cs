using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Restore;

/// <summary>
/// Loads pg_dump's plain SQL over several psql connections as it streams, where one psql runs it in
/// order. The statements before the data run in order on the first connection. Each COPY block's
/// rows (a line each in pg_dump's text format) are dealt across every connection in runs of
/// <see cref="BatchBytes"/>, each connection running its own <c>COPY … FROM stdin</c> into the table.
/// What follows the data is held (it is DDL, small) and run in waves once the input ends: indexes and
/// constraints in parallel, then foreign keys in parallel (those sharing a table on one connection),
/// then everything else in dump order on the first connection. A statement the load cannot place
/// runs in order. Every connection starts with the dump's own session settings (the lines before
/// its first entry, which hold the restore's <c>\restrict</c> line), and each dealt entry carries
/// the <c>SET</c> lines in force where the dump wrote it. The first connection to fail stops all.
/// </summary>
internal sealed class ParallelLoad(string psqlPath, DatabaseUrl database, int jobs, EventLog log, Action<TransferProgress>? progress)
{
    /// <summary>Rows go to one connection in runs of about this many bytes, then to the next.</summary>
    public const int BatchBytes = 256 << 10;

    /// <summary>More held post-data SQL than this (no schema has it) is run in order as it comes instead.</summary>
    public const int MaxHeldBytes = 64 << 20;

    private const int PreludeLimit = 1 << 20;

    private enum Phase { Schema, Data, PostData }

    private sealed record Entry(string Type, byte[] Sql);

    private PsqlWorker[] _workers = [];
    private readonly CancellationTokenSource _abort = new();
    private PsqlWorker? _firstFailed;

    // the dump as it is read
    private readonly PlainDumpReader _reader = new();
    private Phase _phase = Phase.Schema;
    private readonly MemoryStream _prelude = new();
    private bool _preludeDone;
    private readonly bool[] _started = new bool[64];
    private bool _inOrder; // the rest of the dump goes to the first connection, as it comes
    private bool _firstDirty; // statements sent to the first connection since it last synced

    // the COPY block being dealt
    private byte[]? _batch;
    private int _batchLength;
    private int _target;
    private bool _rowOpen;

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
        var marker = "obs-sync-" + RandomNumberGenerator.GetHexString(16, lowercase: true) + "-";
        _workers = [.. Enumerable.Range(0, jobs).Select(i => new PsqlWorker(psqlPath, database, i, marker, Ended, linked.Token))];
        _started[0] = true;
        log.Info("restore_phase", ("phase", "schema"), ("connections", jobs));
        try
        {
            await ReadAsync(sql, linked.Token).ConfigureAwait(false);
            await RunHeldAsync(linked.Token).ConfigureAwait(false);
            foreach (var worker in _workers) worker.Close();
            var results = await Task.WhenAll(_workers.Select(w => w.Run)).ConfigureAwait(false);
            return results.FirstOrDefault(r => r.ExitCode != 0) is { ExitCode: not 0 } failed ? failed : (0, "");
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

    private void Ended(PsqlWorker worker)
    {
        if (worker.Closed && worker.Result is { ExitCode: 0 }) return;
        Interlocked.CompareExchange(ref _firstFailed, worker, null);
        _abort.Cancel();
    }

    private async Task StopAllAsync()
    {
        await _abort.CancelAsync().ConfigureAwait(false);
        foreach (var worker in _workers)
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
                    var used = await CopyDataAsync(chunk[at..], carry, ct).ConfigureAwait(false);
                    at += used;
                    if (carry.Count > 0) break;
                    continue;
                }
                var newline = chunk.Span[at..].IndexOf((byte)'\n');
                if (newline < 0)
                {
                    carry.AddRange(chunk.Span[at..]);
                    break;
                }
                await LineAsync(chunk.Slice(at, newline + 1), ct).ConfigureAwait(false);
                at += newline + 1;
            }
        }
        if (carry.Count > 0) await LineAsync(carry.ToArray(), ct).ConfigureAwait(false);
        _reader.Complete();
    }

    /// <summary>Rows of the open COPY block, dealt; returns how much of <paramref name="data"/> was used (up to the block's end).</summary>
    private async Task<int> CopyDataAsync(ReadOnlyMemory<byte> data, List<byte> carry, CancellationToken ct)
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
                await EndCopyAsync(data[..(end + 1)], ct).ConfigureAwait(false);
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
        await DealAsync(data[..take], ct).ConfigureAwait(false);
        return rows;
    }

    /// <summary>Appends rows to the current connection's run; a run ends at a row's end once it is <see cref="BatchBytes"/> long.</summary>
    private async Task DealAsync(ReadOnlyMemory<byte> rows, CancellationToken ct)
    {
        while (!rows.IsEmpty)
        {
            _batch ??= ArrayPool<byte>.Shared.Rent(BatchBytes + (1 << 16));
            var room = _batch.Length - _batchLength;
            var part = rows[..Math.Min(room, rows.Length)];
            part.CopyTo(_batch.AsMemory(_batchLength));
            _batchLength += part.Length;
            rows = rows[part.Length..];
            var span = part.Span;
            Rows += span.Count((byte)'\n');
            _rowOpen = span[^1] != '\n';
            if (_batchLength >= BatchBytes || _batchLength == _batch.Length)
                await FlushBatchAsync(rotate: !_rowOpen, ct).ConfigureAwait(false);
        }
    }

    private async Task FlushBatchAsync(bool rotate, CancellationToken ct)
    {
        if (_batch is not null && _batchLength > 0)
        {
            await StartAsync(_target, ct).ConfigureAwait(false);
            var (batch, length) = (_batch, _batchLength);
            (_batch, _batchLength) = (null, 0);
            await _workers[_target].SendAsync(batch, length, ct).ConfigureAwait(false);
        }
        if (rotate) _target = (_target + 1) % _workers.Length;
    }

    private async Task StartCopyAsync(ReadOnlyMemory<byte> copyLine, CancellationToken ct)
    {
        if (_phase == Phase.Schema)
        {
            _phase = Phase.Data;
            log.Info("restore_phase", ("phase", "data"), ("connections", _workers.Length));
        }
        // the table must exist for every connection: what the first one was given has run
        if (_firstDirty)
        {
            await _workers[0].SyncAsync(ct).ConfigureAwait(false);
            _firstDirty = false;
        }
        for (var i = 0; i < _workers.Length; i++)
        {
            await StartAsync(i, ct).ConfigureAwait(false);
            await _workers[i].WriteAsync(copyLine, ct).ConfigureAwait(false);
        }
        _rowOpen = false;
    }

    private async Task EndCopyAsync(ReadOnlyMemory<byte> endLine, CancellationToken ct)
    {
        _reader.Read(endLine.Span);
        await FlushBatchAsync(rotate: true, ct).ConfigureAwait(false);
        foreach (var worker in _workers) await worker.WriteAsync(endLine, ct).ConfigureAwait(false);
    }

    /// <summary>A whole line outside COPY data (with its newline, but for a last line without one).</summary>
    private async Task LineAsync(ReadOnlyMemory<byte> line, CancellationToken ct)
    {
        var atStatement = _reader.AtStatement;
        var wasInCopy = _reader.InCopyData;
        _reader.Read(line.Span);
        if (wasInCopy)
        {
            // in order from here (a held-back dump): COPY data goes with its statement to the first connection
            await ToFirstAsync(line, ct).ConfigureAwait(false);
            return;
        }
        var type = atStatement ? DumpEntry.TypeOf(line.Span) : null;
        if (type is not null)
        {
            _preludeDone = true;
            if (_phase == Phase.Data && !DumpEntry.IsData(type) && !_inOrder) await BeginPostDataAsync(ct).ConfigureAwait(false);
            if (_phase == Phase.PostData && !_inOrder) NewEntry(type);
        }
        if (atStatement) Session(line.Span);

        if (_reader.InCopyData && !_inOrder)
        {
            await StartCopyAsync(line, ct).ConfigureAwait(false);
            return;
        }
        if (_phase == Phase.PostData && !_inOrder)
        {
            _entry!.Write(line.Span);
            _heldBytes += line.Length;
            if (_heldBytes > MaxHeldBytes) await GoInOrderAsync(ct).ConfigureAwait(false);
            return;
        }
        if (!_preludeDone)
        {
            if (_prelude.Length + line.Length > PreludeLimit) await GoInOrderAsync(ct).ConfigureAwait(false);
            else _prelude.Write(line.Span);
        }
        await ToFirstAsync(line, ct).ConfigureAwait(false);
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

    private async Task ToFirstAsync(ReadOnlyMemory<byte> line, CancellationToken ct)
    {
        _firstDirty = true;
        await _workers[0].WriteAsync(line, ct).ConfigureAwait(false);
    }

    /// <summary>Gives connection <paramref name="i"/> the dump's session settings before its first statement.</summary>
    private async Task StartAsync(int i, CancellationToken ct)
    {
        if (_started[i]) return;
        _started[i] = true;
        await _workers[i].WriteAsync(_prelude.ToArray(), ct).ConfigureAwait(false);
    }

    /// <summary>The data are in: every connection has loaded its rows before an index reads them.</summary>
    private async Task BeginPostDataAsync(CancellationToken ct)
    {
        _phase = Phase.PostData;
        await FlushBatchAsync(rotate: false, ct).ConfigureAwait(false);
        await SyncAllAsync(ct).ConfigureAwait(false);
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
        if (_entry is { Length: > 0 }) _held.Add(new Entry(_entryType, _entry.ToArray()));
        _entry = null;
    }

    /// <summary>Runs what is held, and everything after, in order on the first connection.</summary>
    private async Task GoInOrderAsync(CancellationToken ct)
    {
        if (_inOrder) return;
        _inOrder = true;
        _preludeDone = true;
        EndEntry();
        log.Info("restore_phase", ("phase", "in_order"), ("reason", "more post-data SQL than a parallel load holds, or an unusually long prelude"));
        foreach (var entry in _held) await ToFirstAsync(entry.Sql, ct).ConfigureAwait(false);
        _held.Clear();
    }

    private async Task SyncAllAsync(CancellationToken ct)
    {
        await Task.WhenAll(_workers.Where((_, i) => _started[i]).Select(w => w.SyncAsync(ct))).ConfigureAwait(false);
        _firstDirty = false;
    }

    /// <summary>The statements after the data: indexes and constraints in parallel, then foreign keys, then the rest in order.</summary>
    private async Task RunHeldAsync(CancellationToken ct)
    {
        if (_phase != Phase.PostData || _inOrder) return;
        EndEntry();
        var indexes = _held.Where(e => DumpEntry.WaveOf(e.Type) == PostDataWave.Indexes).ToList();
        await WaveAsync("indexes", [.. indexes.Select(e => new[] { e })], ct).ConfigureAwait(false);

        // foreign keys sharing a table go to one connection, one after another: two locking the same tables in turn could deadlock
        var keys = _held.Where(e => DumpEntry.WaveOf(e.Type) == PostDataWave.ForeignKeys).ToList();
        var unplaced = keys.Where(k => DumpEntry.ForeignKeyTables(Encoding.UTF8.GetString(k.Sql)) is null).ToHashSet();
        await WaveAsync("foreign_keys", GroupByTables(keys.Except(unplaced).ToList()), ct).ConfigureAwait(false);

        var rest = _held.Where(e => DumpEntry.WaveOf(e.Type) == PostDataWave.InOrder || unplaced.Contains(e)).ToList();
        log.Info("restore_phase", ("phase", "in_order"), ("statements", rest.Count));
        foreach (var entry in rest) await ToFirstAsync(entry.Sql, ct).ConfigureAwait(false);
    }

    private static List<Entry[]> GroupByTables(List<Entry> keys)
    {
        var group = new Dictionary<string, int>(StringComparer.Ordinal);
        var parent = Enumerable.Range(0, keys.Count).ToArray();
        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);
        for (var i = 0; i < keys.Count; i++)
        {
            var (table, referenced) = DumpEntry.ForeignKeyTables(Encoding.UTF8.GetString(keys[i].Sql))!.Value;
            foreach (var name in new[] { table, referenced })
            {
                if (group.TryGetValue(name, out var other)) parent[Find(i)] = Find(other);
                else group[name] = i;
            }
        }
        return [.. Enumerable.Range(0, keys.Count).GroupBy(Find).Select(g => g.Select(i => keys[i]).ToArray())];
    }

    /// <summary>Runs <paramref name="units"/> across every connection, each unit's entries in order on one; a connection takes the next unit when it is idle.</summary>
    private async Task WaveAsync(string phase, List<Entry[]> units, CancellationToken ct)
    {
        if (units.Count == 0) return;
        log.Info("restore_phase", ("phase", phase), ("statements", units.Sum(u => u.Length)));
        var next = -1;
        var done = 0;
        var total = units.Sum(u => u.Length);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(_workers.Select(async (worker, i) =>
        {
            int unit;
            while ((unit = Interlocked.Increment(ref next)) < units.Count)
            {
                await StartAsync(i, ct).ConfigureAwait(false);
                foreach (var entry in units[unit]) await worker.WriteAsync(entry.Sql, ct).ConfigureAwait(false);
                await worker.SyncAsync(ct).ConfigureAwait(false);
                var finished = Interlocked.Add(ref done, units[unit].Length);
                progress?.Invoke(new TransferProgress($"restore: {phase.Replace('_', ' ')} ({finished} of {total} statements)", finished, total, clock.Elapsed, finished == total));
            }
        })).ConfigureAwait(false);
    }
}
