using System.Diagnostics;
using ObservatoryBackup.Logging;

namespace ObservatoryBackup.Streams;

/// <summary>A pass-through stream that counts the bytes going through it and reports progress now and then.</summary>
public sealed class CountingStream(Stream inner, Action<TransferProgress>? report = null, string activity = "", long? total = null, bool leaveOpen = true) : Stream
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(500);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastReport;

    public long Bytes { get; private set; }

    public override bool CanRead => inner.CanRead;
    public override bool CanWrite => inner.CanWrite;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Bytes; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
        Count(await inner.ReadAsync(buffer, ct).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        inner.Write(buffer, offset, count);
        Count(count);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        await inner.WriteAsync(buffer, ct).ConfigureAwait(false);
        Count(buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken ct) => inner.FlushAsync(ct);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Reports the final count.</summary>
    public void Complete() => report?.Invoke(new TransferProgress(activity, Bytes, total ?? Bytes, _clock.Elapsed, Completed: true));

    private int Count(int n)
    {
        Bytes += n;
        if (report is not null && _clock.Elapsed - _lastReport >= ReportEvery)
        {
            _lastReport = _clock.Elapsed;
            report(new TransferProgress(activity, Bytes, total, _clock.Elapsed));
        }
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !leaveOpen) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!leaveOpen) await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
