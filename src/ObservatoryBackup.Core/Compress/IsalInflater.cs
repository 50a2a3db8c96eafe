using System.Runtime.InteropServices;

namespace ObservatoryBackup.Compress;

/// <summary>
/// One ISA-L inflate state in native memory, reading gzip members: it parses each member's header and
/// checks its trailer (CRC-32 and length) itself. Not thread-safe.
/// </summary>
internal sealed unsafe class IsalInflater : IDisposable
{
    private readonly IsalLibrary _isal;
    private readonly IsalInflateState* _state;
    private bool _disposed;

    public IsalInflater(IsalLibrary isal)
    {
        _isal = isal;
        _state = (IsalInflateState*)NativeMemory.AlignedAlloc(IsalInflateState.Size, 64);
        NativeMemory.Clear(_state, IsalInflateState.Size);
        Reset();
    }

    /// <summary>Whether the member in hand is read to its end, trailer checked.</summary>
    public bool MemberFinished => _state->BlockState == IsalInflateState.BlockFinish;

    /// <summary>Starts reading the next member.</summary>
    public void Reset()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _isal.InflateInit(_state);
        _state->CrcFlag = IsalInflateState.Gzip;
    }

    /// <summary>
    /// Inflates from <paramref name="input"/> into <paramref name="output"/> until either runs out or the
    /// member ends. ISA-L hands back the input it buffered past a member's end, so <c>Consumed</c> stops at it.
    /// </summary>
    /// <exception cref="InvalidDataException">The data is not a valid gzip member, or its trailer does not match it.</exception>
    public (int Consumed, int Written) Inflate(ReadOnlySpan<byte> input, Span<byte> output)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        fixed (byte* inp = input)
        fixed (byte* outp = output)
        {
            _state->NextIn = inp;
            _state->AvailIn = (uint)input.Length;
            _state->NextOut = outp;
            _state->AvailOut = (uint)output.Length;
            var code = _isal.Inflate(_state);
            if (code < 0) throw new InvalidDataException($"The gzip data is damaged: {IsalInflateState.Failure(code)}.");
            return (input.Length - (int)_state->AvailIn, output.Length - (int)_state->AvailOut);
        }
    }

    private void Free()
    {
        if (_disposed) return;
        _disposed = true;
        NativeMemory.AlignedFree(_state);
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    ~IsalInflater() => Free();
}
