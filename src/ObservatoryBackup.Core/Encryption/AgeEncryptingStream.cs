using System.Security.Cryptography;

namespace ObservatoryBackup.Encryption;

/// <summary>
/// A write-only stream that encrypts what is written to it as an age v1 file for the given recipients,
/// into the output stream: the header and payload nonce at once, then one 64 KiB chunk at a
/// time. Disposing it writes the final chunk; an age file is not complete without it.
/// </summary>
public sealed class AgeEncryptingStream : Stream
{
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly AgePayload _payload;
    private readonly byte[] _plain = new byte[AgePayload.ChunkSize];
    private readonly byte[] _sealed = new byte[AgePayload.EncryptedChunkSize];
    private byte[]? _pending;
    private int _filled;
    private bool _finished;

    public AgeEncryptingStream(Stream output, IReadOnlyList<AgeRecipient> recipients, bool leaveOpen = false)
    {
        if (recipients.Count == 0) throw new ArgumentException("An age file needs at least one recipient.", nameof(recipients));
        (_output, _leaveOpen) = (output, leaveOpen);
        var fileKey = RandomNumberGenerator.GetBytes(16);
        var nonce = RandomNumberGenerator.GetBytes(AgePayload.NonceSize);
        _pending = [.. AgeHeader.Write(fileKey, recipients), .. nonce];
        _payload = new AgePayload(fileKey, nonce);
        CryptographicOperations.ZeroMemory(fileKey);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_finished;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        while (buffer.Length > 0)
        {
            if (_filled == _plain.Length) WriteOut(Seal(last: false));
            buffer = buffer[Take(buffer)..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        while (buffer.Length > 0)
        {
            if (_filled == _plain.Length) await WriteOutAsync(Seal(last: false), ct).ConfigureAwait(false);
            buffer = buffer[Take(buffer.Span)..];
        }
    }

    /// <summary>Copies what fits of <paramref name="data"/> into the chunk being filled; returns how much.</summary>
    private int Take(ReadOnlySpan<byte> data)
    {
        var n = Math.Min(data.Length, _plain.Length - _filled);
        data[..n].CopyTo(_plain.AsSpan(_filled));
        _filled += n;
        return n;
    }

    /// <summary>
    /// Seals the chunk filled so far. A full chunk is sealed only once more data follows it, since the
    /// last chunk carries the final flag; before the first chunk go the header and payload nonce.
    /// </summary>
    private (byte[]? Header, ReadOnlyMemory<byte> Chunk) Seal(bool last)
    {
        var header = _pending;
        _pending = null;
        _payload.Seal(_plain.AsSpan(0, _filled), _sealed, last);
        var length = _filled + AgePayload.TagSize;
        _filled = 0;
        return (header, _sealed.AsMemory(0, length));
    }

    private void WriteOut((byte[]? Header, ReadOnlyMemory<byte> Chunk) sealedChunk)
    {
        if (sealedChunk.Header is { } header) _output.Write(header);
        _output.Write(sealedChunk.Chunk.Span);
    }

    private async ValueTask WriteOutAsync((byte[]? Header, ReadOnlyMemory<byte> Chunk) sealedChunk, CancellationToken ct)
    {
        if (sealedChunk.Header is { } header) await _output.WriteAsync(header, ct).ConfigureAwait(false);
        await _output.WriteAsync(sealedChunk.Chunk, ct).ConfigureAwait(false);
    }

    public override void Flush() { }

    public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_finished)
        {
            _finished = true;
            try { WriteOut(Seal(last: true)); }
            finally { Release(); }
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            _finished = true;
            try { await WriteOutAsync(Seal(last: true), default).ConfigureAwait(false); }
            finally { Release(); }
        }
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void Release()
    {
        _payload.Dispose();
        CryptographicOperations.ZeroMemory(_plain);
        if (!_leaveOpen) _output.Dispose();
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
