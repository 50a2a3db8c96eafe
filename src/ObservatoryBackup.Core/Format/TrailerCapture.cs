using ObservatoryBackup.Streams;

namespace ObservatoryBackup.Format;

/// <summary>A read-only pass-through that counts bytes and keeps the last eight: the gzip trailer.</summary>
/// <remarks>A gzip member ends in the CRC-32 and length of its data; the reader checks them against the SQL it read.</remarks>
internal sealed class TrailerCapture(Stream inner) : ReadOnlyStream
{
    private readonly byte[] _last = new byte[8];

    public long Bytes { get; private set; }
    public ReadOnlySpan<byte> Trailer => _last;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var n = await inner.ReadAsync(buffer, ct).ConfigureAwait(false);
        Keep(buffer.Span[..n]);
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = inner.Read(buffer, offset, count);
        Keep(buffer.AsSpan(offset, n));
        return n;
    }

    private void Keep(ReadOnlySpan<byte> chunk)
    {
        Bytes += chunk.Length;
        if (chunk.Length >= 8)
        {
            chunk[^8..].CopyTo(_last);
            return;
        }
        Array.Copy(_last, chunk.Length, _last, 0, 8 - chunk.Length);
        chunk.CopyTo(_last.AsSpan(8 - chunk.Length));
    }

    public override long Position { get => Bytes; set => throw new NotSupportedException(); }
}
