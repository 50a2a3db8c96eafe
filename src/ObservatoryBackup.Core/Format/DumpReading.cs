using ObservatoryBackup.Configuration;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Format;

/// <summary>
/// A backup's SQL read once, as a stream of typed events (<see cref="DumpEvent"/>: statements with the
/// pg_dump entry they belong to, COPY blocks and their rows, meta-commands, the closing line, the
/// manifest), each checked by <see cref="Check"/> before anyone is given it. Whoever reads the SQL
/// (the gate, the loaders, a verification pass, the globals reader) reads these events; nothing else
/// splits a dump into lines. Memory is a line outside COPY data and one read.
/// </summary>
public sealed class DumpReading : IDumpEvents
{
    private readonly Stream _sql;
    private readonly PlainDumpReader _reader;
    private readonly byte[] _buffer = new byte[1 << 16];
    private readonly List<DumpEvent> _events = [];
    private int _next;
    private bool _ended;

    /// <param name="sql">The SQL, read from where it stands to its end.</param>
    /// <param name="objectName">The backup's name: a globals backup ends with pg_dumpall's closing line, and its every line is read.</param>
    public DumpReading(Stream sql, string objectName)
    {
        _sql = sql;
        var globals = BackupKey.KindOf(objectName) == BackupKind.Globals;
        _reader = new PlainDumpReader(globals ? PlainDumpReader.ClusterCompletionMarker : PlainDumpReader.CompletionMarker) { EventPerLine = globals };
        Check = new DumpCheck(objectName, _reader);
    }

    /// <summary>The checks of everything read so far.</summary>
    public DumpCheck Check { get; }

    /// <summary>Whether the next event is at hand without reading the stream.</summary>
    public bool HasBuffered => _next < _events.Count;

    /// <summary>The next event, already checked; null at the end. Its bytes are valid until the next call.</summary>
    public async ValueTask<DumpEvent?> NextAsync(CancellationToken ct)
    {
        while (_next == _events.Count)
        {
            if (_ended) return null;
            _events.Clear();
            _next = 0;
            var n = await _sql.ReadAsync(_buffer, ct).ConfigureAwait(false);
            if (n == 0)
            {
                _ended = true;
                _reader.Complete(_events);
            }
            else
            {
                _reader.Read(_buffer.AsMemory(0, n), _events);
            }
        }
        var e = _events[_next++];
        Check.Add(e);
        return e;
    }

    /// <summary>Reads the rest: every event checked, none given to anyone (a verification pass, or what a load left).</summary>
    public async Task ReadToEndAsync(CancellationToken ct)
    {
        while (await NextAsync(ct).ConfigureAwait(false) is not null) { }
    }
}
