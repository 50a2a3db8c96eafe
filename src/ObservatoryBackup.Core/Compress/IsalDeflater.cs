namespace ObservatoryBackup.Compress;

/// <summary>
/// One ISA-L deflate state and its level buffer, in one block of native memory (<see cref="NativeState"/>),
/// reused block after block: each call deflates a whole block in one stateless pass
/// (<c>isal_deflate_stateless</c>), the input and the output entirely in hand. Not thread-safe: one block
/// at a time; disposing it during a call frees the memory after the call.
/// </summary>
internal sealed unsafe class IsalDeflater : IDisposable
{
    /// <summary>ISAL_DEF_LVLx_DEFAULT of igzip_lib.h: the level buffer each ISA-L level wants (level 0 needs none).</summary>
    internal static readonly int[] LevelBufferSizes = [0, 282_624, 331_776, 348_160];

    /// <summary>Where the level buffer starts in the block: after the stream, 64-byte aligned.</summary>
    private const int LevelBufferAt = (IsalZStream.Size + 63) & ~63;

    private readonly IsalLibrary _isal;
    private readonly NativeState _memory;

    /// <param name="level">ISA-L's level, 0–3.</param>
    public IsalDeflater(IsalLibrary isal, int level)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, LevelBufferSizes.Length - 1);
        _isal = isal;
        Level = level;
        _memory = new NativeState(LevelBufferAt + LevelBufferSizes[level]);
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
        using var held = _memory.Hold();
        var stream = (IsalZStream*)held.Pointer;
        fixed (byte* inp = input)
        fixed (byte* outp = output)
        {
            _isal.DeflateStatelessInit(stream);
            stream->NextIn = inp;
            stream->AvailIn = (uint)input.Length;
            stream->NextOut = outp;
            stream->AvailOut = (uint)output.Length;
            stream->Level = (uint)Level;
            stream->LevelBuf = LevelBufferSizes[Level] > 0 ? held.Pointer + LevelBufferAt : null;
            stream->LevelBufSize = (uint)LevelBufferSizes[Level];
            stream->EndOfStream = final ? (ushort)1 : (ushort)0;
            stream->Flush = final ? IsalZStream.NoFlush : IsalZStream.FullFlush;
            stream->GzipFlag = IsalZStream.Deflate;
            var code = _isal.DeflateStateless(stream);
            if (code != IsalZStream.CompOk || stream->AvailIn != 0)
                throw new InvalidOperationException(code == IsalZStream.StatelessOverflow
                    ? $"ISA-L's deflate of {input.Length:N0} bytes overflowed its {output.Length:N0}-byte output."
                    : $"ISA-L's deflate failed with code {code} at level {Level}.");
            return output.Length - (int)stream->AvailOut;
        }
    }

    public void Dispose() => _memory.Dispose();
}
