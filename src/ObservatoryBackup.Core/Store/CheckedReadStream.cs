using ObservatoryBackup.Streams;

namespace ObservatoryBackup.Store;

/// <summary>
/// A read-only stream over an object's body that feeds every byte read to an <see cref="IContentCheck"/>
/// and, at the body's end, asks it: a reader that reads to the end gets the check's failure in place of
/// the end. <see cref="DrainAsync"/> reads what a consumer left unread, so a check always sees it all.
/// </summary>
internal sealed class CheckedReadStream(Stream inner, IContentCheck check) : ReadOnlyStream
{
    private bool _finished;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Fed(buffer[..n], buffer.Length);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var n = await inner.ReadAsync(buffer, ct).ConfigureAwait(false);
        Fed(buffer.Span[..n], buffer.Length);
        return n;
    }

    private void Fed(ReadOnlySpan<byte> data, int asked)
    {
        if (_finished) return;
        if (data.Length > 0)
        {
            check.Append(data);
            return;
        }
        // a read that asked for nothing got nothing: only an empty answer to a real read is the end
        if (asked == 0) return;
        _finished = true;
        check.Finish();
    }

    /// <summary>Reads the rest of the body (feeding the check) and asks the check, if the consumer stopped short of the end.</summary>
    public async Task DrainAsync(CancellationToken ct)
    {
        var buffer = new byte[1 << 16];
        while (!_finished && await ReadAsync(buffer, ct).ConfigureAwait(false) > 0) { }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
