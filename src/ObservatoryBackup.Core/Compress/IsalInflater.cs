namespace ObservatoryBackup.Compress;

/// <summary>
/// One ISA-L inflate state in native memory (<see cref="NativeState"/>), reading gzip members after their
/// header: it checks each member's trailer (CRC-32 and length) itself. Not thread-safe; disposing it
/// from another thread during a call frees the state after the call.
/// </summary>
internal sealed unsafe class IsalInflater : IDisposable
{
    private readonly IsalLibrary _isal;
    private readonly NativeState _state = new(IsalInflateState.Size);

    public IsalInflater(IsalLibrary isal)
    {
        _isal = isal;
        Reset();
    }

    /// <summary>Whether the member in hand is read to its end, trailer checked.</summary>
    public bool MemberFinished
    {
        get
        {
            using var state = _state.Hold();
            return ((IsalInflateState*)state.Pointer)->BlockState == IsalInflateState.BlockFinish;
        }
    }

    /// <summary>Starts reading the next member.</summary>
    public void Reset()
    {
        using var held = _state.Hold();
        var state = (IsalInflateState*)held.Pointer;
        _isal.InflateInit(state);
        state->CrcFlag = IsalInflateState.GzipNoHeaderVerify;
    }

    /// <summary>
    /// Inflates from <paramref name="input"/> into <paramref name="output"/> until either runs out or the
    /// member ends. ISA-L hands back the input it buffered past a member's end, so <c>Consumed</c> stops at it.
    /// </summary>
    /// <exception cref="InvalidDataException">The data is not a valid gzip member, or its trailer does not match it.</exception>
    public (int Consumed, int Written) Inflate(ReadOnlySpan<byte> input, Span<byte> output)
    {
        using var held = _state.Hold();
        var state = (IsalInflateState*)held.Pointer;
        fixed (byte* inp = input)
        fixed (byte* outp = output)
        {
            state->NextIn = inp;
            state->AvailIn = (uint)input.Length;
            state->NextOut = outp;
            state->AvailOut = (uint)output.Length;
            var code = _isal.Inflate(state);
            if (code < 0) throw new InvalidDataException($"The gzip data is damaged: {IsalInflateState.Failure(code)}.");
            return (input.Length - (int)state->AvailIn, output.Length - (int)state->AvailOut);
        }
    }

    public void Dispose() => _state.Dispose();
}
