using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;

namespace ObservatoryBackup.Compress;

/// <summary>
/// gzip on every core, as one standard gzip member that gunzip, Python's gzip and the verifier read
/// unchanged (the pigz design): the input is cut into blocks, each deflated on its own thread and,
/// except the last, ended byte-aligned by a flush so that the blocks join into one deflate stream; one
/// header, and a trailer with the running CRC-32 and length. The blocks are deflated by the host's
/// <see cref="GzipCodec"/> (ISA-L where present). Blocks are written in order, and at most
/// a few are in flight: a slow reader holds the writer back, and memory stays a few blocks whatever
/// the input's size. Write-only; disposing writes the last block and the trailer.
/// </summary>
public sealed class ParallelGzipStream : Stream
{
    /// <summary>About 1 MiB: a little under, so that a block's worst-case deflate output still fits the pool's 1 MiB arrays.</summary>
    public const int DefaultBlockSize = (1 << 20) - 4096;

    private static readonly byte[] Header = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]; // deflate, no name, no time, Unix
    private readonly Stream _output;
    private readonly GzipCodec _codec;
    private readonly int _level;
    private readonly int _blockSize;
    private readonly int _maxInFlight;
    private readonly bool _leaveOpen;
    private readonly Queue<Task<(byte[] Buffer, int Length)>> _inFlight = new();
    private readonly Crc32 _crc = new();
    // Blocks and their outputs come from a pool of the codec's own, as large as one stream's blocks in
    // flight and kept for the process: a pwsh session that backs up again reuses them (the shared pool
    // could keep an array for every thread and core that returned one). Bigger blocks are not pooled.
    private static readonly ArrayPool<byte> Buffers = ArrayPool<byte>.Create(OutputCapacity(DefaultBlockSize), 2 * (Environment.ProcessorCount + 1) + 1);
    private readonly WorkerThreads _workers;
    private byte[] _block;
    private int _filled;
    private long _length;
    private bool _headerWritten;
    private bool _disposed;

    /// <param name="level">gzip's level, 1–9.</param>
    /// <param name="codec">The library that deflates; null: <see cref="GzipCodec.Current"/>.</param>
    public ParallelGzipStream(Stream output, int level, bool leaveOpen = false, int blockSize = DefaultBlockSize, int? threads = null, GzipCodec? codec = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        _output = output;
        _codec = codec ?? GzipCodec.Current;
        _level = level;
        _blockSize = blockSize;
        _leaveOpen = leaveOpen;
        var workers = Math.Max(1, threads ?? Environment.ProcessorCount);
        _maxInFlight = workers + 1;
        _block = Buffers.Rent(blockSize);
        _workers = new WorkerThreads(workers, "obs-gzip");
    }

    /// <summary>deflate never grows data by more than 5 bytes per 16 KiB stored block, plus the flush markers.</summary>
    private static int OutputCapacity(int length) => length + length / 1000 + 64;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_disposed;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _crc.Append(buffer.Span);
        _length += buffer.Length;
        while (buffer.Length > 0)
        {
            var n = Math.Min(buffer.Length, _blockSize - _filled);
            buffer[..n].CopyTo(_block.AsMemory(_filled));
            _filled += n;
            buffer = buffer[n..];
            if (_filled == _blockSize) await DispatchAsync(final: false, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Compressed blocks are written as they complete; the data still being gathered stays until a block fills or the stream ends.</summary>
    public override void Flush() { }

    public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;

    private async ValueTask DispatchAsync(bool final, CancellationToken ct)
    {
        if (!_headerWritten)
        {
            await _output.WriteAsync(Header, ct).ConfigureAwait(false);
            _headerWritten = true;
        }
        var (block, length, level, codec) = (_block, _filled, _level, _codec);
        _inFlight.Enqueue(_workers.Run(() => Deflate(codec, Buffers, block, length, level, final)));
        _block = final ? [] : Buffers.Rent(_blockSize);
        _filled = 0;
        while (_inFlight.Count >= _maxInFlight || (final && _inFlight.Count > 0))
            await WriteOldestAsync(ct).ConfigureAwait(false);
    }

    private async ValueTask WriteOldestAsync(CancellationToken ct)
    {
        var (buffer, length) = await _inFlight.Dequeue().ConfigureAwait(false);
        try
        {
            await _output.WriteAsync(buffer.AsMemory(0, length), ct).ConfigureAwait(false);
        }
        finally
        {
            Buffers.Return(buffer);
        }
    }

    /// <summary>Raw deflate of one block by the codec: ended byte-aligned (not final) or, for the last, by a final block.</summary>
    /// <returns>A pooled buffer holding the compressed bytes, and their length.</returns>
    private static (byte[] Buffer, int Length) Deflate(GzipCodec codec, ArrayPool<byte> buffers, byte[] block, int length, int level, bool final)
    {
        var buffer = buffers.Rent(OutputCapacity(length));
        try
        {
            return (buffer, codec.DeflateBlock(block.AsSpan(0, length), buffer, level, final));
        }
        catch
        {
            buffers.Return(buffer);
            throw;
        }
        finally
        {
            buffers.Return(block);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            await DispatchAsync(final: true, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _workers.Dispose();
        }
        var trailer = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, _crc.GetCurrentHashAsUInt32());
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(4), unchecked((uint)_length));
        await _output.WriteAsync(trailer).ConfigureAwait(false);
        await _output.FlushAsync().ConfigureAwait(false);
        if (!_leaveOpen) await _output.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed) DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.Dispose(disposing);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
