using System.Security.Cryptography;

namespace ObservatoryBackup.Encryption;

/// <summary>
/// A read-only stream of the plaintext of the age v1 file in <paramref name="input"/>, opened by one of
/// <paramref name="identities"/>. A chunk's bytes are handed out only after the chunk authenticated, so
/// a changed byte fails the read of its chunk (<see cref="AgeException"/>, <see cref="AgeFailure.Payload"/>)
/// before any of that chunk is seen; a file cut short, or running on after its final chunk, fails at its end.
/// Holds one chunk in memory.
/// </summary>
public sealed class AgeDecryptingStream(Stream input, IReadOnlyList<AgeIdentity> identities, bool leaveOpen = false) : Stream
{
    private readonly byte[] _chunk = new byte[AgePayload.EncryptedChunkSize];
    private readonly byte[] _plain = new byte[AgePayload.ChunkSize];
    private AgePayload? _payload;
    private byte[] _rest = [];
    private int _restAt;
    private int _lookahead = -1;
    private int _plainAt, _plainLength;
    private bool _done;

    /// <summary>The file's header, once read (the first read, or <see cref="ReadHeaderAsync"/>, reads it).</summary>
    public AgeHeader? Header { get; private set; }

    /// <summary>Reads the header and unwraps the file key now: a file no identity opens fails here, before any payload is read.</summary>
    public async Task ReadHeaderAsync(CancellationToken ct) => await OpenAsync(useAsync: true, ct).ConfigureAwait(false);

    private async ValueTask OpenAsync(bool useAsync, CancellationToken ct)
    {
        if (_payload is not null) return;
        var (header, rest) = await AgeHeader.ReadAsync(input, useAsync, ct).ConfigureAwait(false);
        Header = header;
        (_rest, _restAt) = (rest, 0);
        var fileKey = header.Unwrap(identities);
        try
        {
            var nonce = new byte[AgePayload.NonceSize];
            if (await FillAsync(nonce, useAsync, ct).ConfigureAwait(false) < nonce.Length)
                throw new AgeException(AgeFailure.Header, "the file ends inside the payload's 16-byte nonce, after its header");
            _payload = new AgePayload(fileKey, nonce);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(fileKey);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_plainAt == _plainLength && !_done) NextChunkAsync(useAsync: false, default).AsTask().GetAwaiter().GetResult();
        return CopyOut(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_plainAt == _plainLength && !_done) await NextChunkAsync(useAsync: true, ct).ConfigureAwait(false);
        return CopyOut(buffer.Span);
    }

    private int CopyOut(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _plainLength - _plainAt);
        _plain.AsSpan(_plainAt, n).CopyTo(buffer);
        _plainAt += n;
        return n;
    }

    private async ValueTask NextChunkAsync(bool useAsync, CancellationToken ct)
    {
        await OpenAsync(useAsync, ct).ConfigureAwait(false);
        var payload = _payload!;
        var n = 0;
        if (_lookahead >= 0)
        {
            _chunk[n++] = (byte)_lookahead;
            _lookahead = -1;
        }
        n += await FillAsync(_chunk.AsMemory(n), useAsync, ct).ConfigureAwait(false);
        // a full chunk is the last one only if nothing follows it
        var last = n < _chunk.Length;
        if (!last)
        {
            var one = new byte[1];
            if (await FillAsync(one, useAsync, ct).ConfigureAwait(false) == 1) _lookahead = one[0];
            else last = true;
        }
        var chunkNumber = payload.Chunks + 1;
        if (n == 0)
            throw Payload(chunkNumber == 1 ? "the payload has no chunk" : $"the file ends after chunk {chunkNumber - 1} without a final chunk");
        if (n < AgePayload.TagSize)
            throw Payload($"chunk {chunkNumber} is {n} bytes, shorter than its 16-byte tag: the file is cut short");
        if (last && n == AgePayload.TagSize && chunkNumber > 1)
            throw Payload($"the final chunk ({chunkNumber}) is empty, which only an empty file may have");
        if (!payload.TryOpen(_chunk.AsSpan(0, n), _plain, last))
            throw Payload(last
                ? $"chunk {chunkNumber}, the last in the file, does not authenticate as its final chunk: the file was changed or cut short"
                : $"chunk {chunkNumber} does not authenticate: the file was changed there");
        (_plainAt, _plainLength, _done) = (0, n - AgePayload.TagSize, last);
    }

    /// <summary>Reads into <paramref name="buffer"/> until it is full or the input ends; returns how much was read.</summary>
    private async ValueTask<int> FillAsync(Memory<byte> buffer, bool useAsync, CancellationToken ct)
    {
        var total = 0;
        if (_restAt < _rest.Length)
        {
            total = Math.Min(buffer.Length, _rest.Length - _restAt);
            _rest.AsSpan(_restAt, total).CopyTo(buffer.Span);
            _restAt += total;
        }
        while (total < buffer.Length)
        {
            var n = useAsync
                ? await input.ReadAsync(buffer[total..], ct).ConfigureAwait(false)
                : input.Read(buffer.Span[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private static AgeException Payload(string why) => new(AgeFailure.Payload, $"the age payload is not intact: {why}");

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _payload?.Dispose();
            CryptographicOperations.ZeroMemory(_plain);
            if (!leaveOpen) input.Dispose();
        }
        base.Dispose(disposing);
    }
}
