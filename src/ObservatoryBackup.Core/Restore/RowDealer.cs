using System.Buffers;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Restore;

/// <summary>
/// Deals a COPY block's rows across the connections of a parallel load's data phase: rows go to one
/// connection in runs of about <see cref="BatchBytes"/>, cut at a row's end, then to the next.
/// </summary>
internal sealed class RowDealer
{
    /// <summary>Rows go to one connection in runs of about this many bytes, then to the next.</summary>
    public const int BatchBytes = 256 << 10;

    private PsqlWorker[] _workers = [];
    private byte[]? _batch;
    private int _batchLength;
    private int _target;

    /// <summary>The connections rows are dealt to, from the first; empty between blocks.</summary>
    public PsqlWorker[] Workers { get => _workers; set => (_workers, _target) = (value, 0); }

    /// <summary>Appends rows to the current connection's run; a run ends at a row's end once it is <see cref="BatchBytes"/> long.</summary>
    public async Task DealAsync(ReadOnlyMemory<byte> rows, CancellationToken ct)
    {
        while (!rows.IsEmpty)
        {
            _batch ??= ArrayPool<byte>.Shared.Rent(BatchBytes + (1 << 16));
            var part = rows[..Math.Min(_batch.Length - _batchLength, rows.Length)];
            part.CopyTo(_batch.AsMemory(_batchLength));
            _batchLength += part.Length;
            rows = rows[part.Length..];
            if (_batchLength >= BatchBytes) await CutAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends the run's whole rows to its connection and moves on to the next, the start of a row
    /// still open carried into the next run (its rest goes where its start goes). A run without a
    /// row's end (one huge row) goes as it is, and the row stays with its connection.
    /// </summary>
    private async Task CutAsync(CancellationToken ct)
    {
        var end = _batch.AsSpan(0, _batchLength).LastIndexOf((byte)'\n') + 1;
        if (end == 0)
        {
            await FlushAsync(rotate: false, ct).ConfigureAwait(false);
            return;
        }
        var (full, length) = (_batch!, _batchLength);
        _batch = ArrayPool<byte>.Shared.Rent(BatchBytes + (1 << 16));
        _batchLength = length - end;
        full.AsSpan(end, _batchLength).CopyTo(_batch);
        await _workers[_target].SendAsync(full, end, ct).ConfigureAwait(false);
        _target = (_target + 1) % _workers.Length;
    }

    /// <summary>Sends what the run holds; with <paramref name="rotate"/>, the next block starts on the next connection.</summary>
    public async Task FlushAsync(bool rotate, CancellationToken ct)
    {
        if (_batch is not null && _batchLength > 0)
        {
            var (batch, length) = (_batch, _batchLength);
            (_batch, _batchLength) = (null, 0);
            await _workers[_target].SendAsync(batch, length, ct).ConfigureAwait(false);
        }
        if (rotate && _workers.Length > 0) _target = (_target + 1) % _workers.Length;
    }
}
