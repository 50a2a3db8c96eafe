using ObservatoryBackup.Streams;

namespace ObservatoryBackup.Compress;

/// <summary>
/// The data of a gzip stream, inflated by ISA-L (<see cref="IsalInflater"/>): every member in turn, each
/// member's trailer checked. Like .NET's GZipStream, an empty input is empty data and bytes after a
/// member that do not start another are left unread as data; unlike it, input that ends inside a
/// member is an <see cref="InvalidDataException"/> (GZipStream ends the data there, and the backup's
/// trailer check finds the cut: either way the reader calls the backup damaged).
/// </summary>
internal sealed class IsalGzipReadStream : ReadOnlyStream
{
    private const int InputSize = 128 << 10;
    private static readonly byte[] MemberStart = [0x1f, 0x8b, 8];

    private readonly Stream _input;
    private readonly bool _leaveOpen;
    private readonly IsalInflater _inflater;
    private readonly byte[] _buffer = new byte[InputSize];
    private int _start;
    private int _end;
    private bool _inputEnded;
    private bool _started;
    private bool _finished;

    public IsalGzipReadStream(IsalLibrary isal, Stream input, bool leaveOpen)
    {
        _input = input;
        _leaveOpen = leaveOpen;
        _inflater = new IsalInflater(isal);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (buffer.IsEmpty) return 0;
        while (!_finished)
        {
            if (_inflater.MemberFinished && !await NextMemberAsync(ct).ConfigureAwait(false)) break;
            if (_start == _end && !_inputEnded) await FillAsync(ct).ConfigureAwait(false);
            if (_start == _end && _inputEnded)
            {
                if (!_started) break; // no input at all: no data
                throw Truncated();
            }
            _started = true;
            var (consumed, written) = _inflater.Inflate(_buffer.AsSpan(_start, _end - _start), buffer.Span);
            _start += consumed;
            if (written > 0) return written;
            // no progress on the input in hand: ISA-L waits for more of it, and there is none
            if (consumed == 0 && !_inflater.MemberFinished && (_inputEnded || _end - _start == _buffer.Length))
                throw Truncated();
            if (consumed == 0 && !_inflater.MemberFinished) await FillAsync(ct).ConfigureAwait(false);
        }
        _finished = true;
        return 0;
    }

    private static InvalidDataException Truncated() => new("The gzip data ends inside a member: it is truncated.");

    /// <summary>After a member: whether another follows (it starts with gzip's magic and method); if so, the inflater is ready for it.</summary>
    private async ValueTask<bool> NextMemberAsync(CancellationToken ct)
    {
        while (_end - _start < MemberStart.Length && !_inputEnded) await FillAsync(ct).ConfigureAwait(false);
        var next = _buffer.AsSpan(_start, _end - _start);
        if (next.IsEmpty || !next.StartsWith(MemberStart)) return false;
        _inflater.Reset();
        return true;
    }

    /// <summary>Reads more input after what is left of the buffer.</summary>
    private async ValueTask FillAsync(CancellationToken ct)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            (_start, _end) = (0, _end - _start);
        }
        var n = await _input.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
        if (n == 0) _inputEnded = true;
        _end += n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inflater.Dispose();
            if (!_leaveOpen) _input.Dispose();
        }
        base.Dispose(disposing);
    }
}
