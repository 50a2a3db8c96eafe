namespace ObservatoryBackup.Store;

/// <summary>
/// A seekable pass-through that reports the start and the end of every read, so an
/// <see cref="IdleTimeout"/> sees a transfer move (and, for a download, counts only the time a read waits).
/// </summary>
internal sealed class ActivityStream(Stream inner, Action beforeRead, Action afterRead) : Stream
{
    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => inner.Position = value; }

    public override int Read(byte[] buffer, int offset, int count)
    {
        beforeRead();
        var n = inner.Read(buffer, offset, count);
        afterRead();
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        beforeRead();
        var n = await inner.ReadAsync(buffer, ct).ConfigureAwait(false);
        afterRead();
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
