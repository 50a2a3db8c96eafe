using System.Runtime.InteropServices;

namespace ObservatoryBackup.Compress;

/// <summary>
/// One ISA-L deflate state and its level buffer, in native memory, reused block after block: each call
/// deflates a whole block in one stateless pass (<c>isal_deflate_stateless</c>), the input and the
/// output entirely in hand. Not thread-safe: one block at a time.
/// </summary>
internal sealed unsafe class IsalDeflater : IDisposable
{
    /// <summary>ISAL_DEF_LVLx_DEFAULT of igzip_lib.h: the level buffer each ISA-L level wants (level 0 needs none).</summary>
    internal static readonly int[] LevelBufferSizes = [0, 282_624, 331_776, 348_160];

    private readonly IsalLibrary _isal;
    private readonly IsalZStream* _stream;
    private readonly byte* _levelBuffer;
    private bool _disposed;

    /// <param name="level">ISA-L's level, 0–3.</param>
    public IsalDeflater(IsalLibrary isal, int level)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, LevelBufferSizes.Length - 1);
        _isal = isal;
        Level = level;
        _stream = (IsalZStream*)NativeMemory.AlignedAlloc(IsalZStream.Size, 64);
        NativeMemory.Clear(_stream, IsalZStream.Size);
        if (LevelBufferSizes[level] > 0) _levelBuffer = (byte*)NativeMemory.AlignedAlloc((nuint)LevelBufferSizes[level], 64);
    }

    public int Level { get; }

    /// <summary>
    /// Raw deflate of <paramref name="input"/> into <paramref name="output"/>: the last block of a stream
    /// ends with a final block; any other ends byte-aligned with an empty stored block (a full flush), not
    /// final, so the next block's deflate follows it in the same stream.
    /// </summary>
    /// <returns>The bytes written.</returns>
    public int Deflate(ReadOnlySpan<byte> input, Span<byte> output, bool final)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        fixed (byte* inp = input)
        fixed (byte* outp = output)
        {
            _isal.DeflateStatelessInit(_stream);
            _stream->NextIn = inp;
            _stream->AvailIn = (uint)input.Length;
            _stream->NextOut = outp;
            _stream->AvailOut = (uint)output.Length;
            _stream->Level = (uint)Level;
            _stream->LevelBuf = _levelBuffer;
            _stream->LevelBufSize = (uint)LevelBufferSizes[Level];
            _stream->EndOfStream = final ? (ushort)1 : (ushort)0;
            _stream->Flush = final ? IsalZStream.NoFlush : IsalZStream.FullFlush;
            _stream->GzipFlag = IsalZStream.Deflate;
            var code = _isal.DeflateStateless(_stream);
            if (code != IsalZStream.CompOk || _stream->AvailIn != 0)
                throw new InvalidOperationException(code == IsalZStream.StatelessOverflow
                    ? $"ISA-L's deflate of {input.Length:N0} bytes overflowed its {output.Length:N0}-byte output."
                    : $"ISA-L's deflate failed with code {code} at level {Level}.");
            return output.Length - (int)_stream->AvailOut;
        }
    }

    private void Free()
    {
        if (_disposed) return;
        _disposed = true;
        NativeMemory.AlignedFree(_stream);
        if (_levelBuffer is not null) NativeMemory.AlignedFree(_levelBuffer);
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    ~IsalDeflater() => Free();
}
