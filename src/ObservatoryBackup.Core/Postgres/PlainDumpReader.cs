using System.Text;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// A small parser of pg_dump's plain format, fed as the dump streams past: statements, and the data
/// lines of <c>COPY … FROM stdin;</c> blocks up to their <c>\.</c>. It finds every psql meta-command
/// (a backslash outside quotes, comments and COPY data, read as psql reads it: <see cref="PsqlLexer"/>)
/// and allows only the two lines pg_dump writes, <c>\restrict KEY</c> and <c>\unrestrict KEY</c> with
/// a key of letters and digits and nothing else; anything else is in <see cref="ForbiddenMetaCommand"/>.
/// It counts each COPY block's data lines (the rows the dump carries per table) and knows whether the
/// dump ran to its end: pg_dump's closing line outside COPY data, then nothing but comments and
/// <c>\unrestrict</c>. Memory is one line and one count per table.
/// </summary>
/// <param name="completionMarker">The closing line to expect: pg_dump's, or pg_dumpall's (<see cref="ClusterCompletionMarker"/>).</param>
public sealed class PlainDumpReader(string completionMarker = PlainDumpReader.CompletionMarker)
{
    /// <summary>The comment line pg_dump writes when it has written everything.</summary>
    public const string CompletionMarker = "-- PostgreSQL database dump complete";

    /// <summary>The comment line pg_dumpall writes when it has written everything (the globals backup's end).</summary>
    public const string ClusterCompletionMarker = "-- PostgreSQL database cluster dump complete";

    /// <summary>The closing line this reader expects.</summary>
    public string Marker { get; } = completionMarker;

    private readonly PlainDumpLines _lines = new(completionMarker);

    // The line being read: held whole (outside COPY data), or a row of COPY data that streams past.
    private enum LineMode { Start, Held, RowHead, Row }

    private LineMode _mode = LineMode.Start;

    // the offset after the newline of the line being read
    private long _lineEnd;
    private bool _lineAtStatement;
    private readonly List<byte> _partial = [];

    // Inside COPY data only "\." matters of a line: a row split across reads keeps its first bytes, not
    // all of them, so memory stays small whatever the size of a row (a bytea value can be a gigabyte).
    private const int CopyLinePrefix = 4;
    private DumpEntryHeader? _entry;

    // what a read gives its caller: the events, and the rows of the chunk not given yet (one event for many)
    private List<DumpEvent>? _events;
    private ReadOnlyMemory<byte> _chunk;
    private int _rowsFrom = -1;
    private int _rowsTo;
    private int _rowsEnded;

    /// <summary>
    /// Gives each line its own event, rows too (they are otherwise given a chunk of many at a time): for
    /// a reader that reads every line (the globals'). After the closing line every line is its own event.
    /// </summary>
    public bool EventPerLine { get; init; }

    /// <summary>Lines read so far.</summary>
    public long Lines => _lines.Lines;

    /// <summary>Where the first closing line read (outside COPY data) ends: the byte after its newline; null before one was read.</summary>
    public long? CompletionMarkerEnd => _lines.CompletionMarkerEnd;

    /// <summary>The first meta-command line psql would run that is not pg_dump's own; null while there is none.</summary>
    public MetaCommandFinding? ForbiddenMetaCommand => _lines.ForbiddenMetaCommand;

    /// <summary>True when the last whole line read was pg_dump's own <c>\restrict</c> or <c>\unrestrict</c> line.</summary>
    public bool LastLineWasOwnMetaCommand => _lines.LastLineWasOwnMetaCommand;

    /// <summary>
    /// Rows each COPY block carried, by table as pg_dump names it (schema-qualified, quoted where
    /// needed, so usable in SQL as it is). Tables dumped without data do not appear.
    /// </summary>
    public IReadOnlyDictionary<string, long> RowsPerTable => _lines.RowsPerTable;

    /// <summary>True while inside a COPY block's data.</summary>
    public bool InCopyData => _lines.InCopyData;

    /// <summary>True while inside COPY data as every reading of the quotes sees it: nothing up to the next newline can be a meta-command.</summary>
    public bool InCopyDataEveryReading => _lines.InCopyDataEveryReading;

    /// <summary>The table whose COPY data is being read, or null outside COPY data.</summary>
    public string? OpenCopyTable => _lines.OpenCopyTable;

    /// <summary>pg_dump's own line: <c>\restrict KEY</c> or <c>\unrestrict KEY</c>, the key letters and digits, nothing else.</summary>
    internal static bool IsOwnMetaCommand(ReadOnlySpan<byte> line) => PlainDumpLines.IsOwnMetaCommand(line);

    /// <summary>Bytes read so far.</summary>
    public long Bytes { get; private set; }

    /// <summary>True when the next line starts a statement: not inside COPY data, a quoted string, a dollar quote or a comment.</summary>
    public bool AtStatement => _lines.AtStatementStart && _mode == LineMode.Start;

    /// <summary>
    /// True when what was read ends as pg_dump ends a dump: its closing line outside COPY data, quotes
    /// and comments, followed by nothing but comments, blank lines and <c>\unrestrict</c>. A dump cut
    /// inside a COPY block is not complete, whatever its last lines say.
    /// </summary>
    public bool IsComplete => _lines.MarkerLast && _lines.AtStatementStart && _mode == LineMode.Start;

    /// <summary>Reads the next bytes of the dump.</summary>
    public void Read(ReadOnlySpan<byte> chunk) => Parse(chunk);

    /// <summary>Reads the next bytes of the dump, adding what they are to <paramref name="events"/> (whose bytes are valid while <paramref name="chunk"/> is).</summary>
    public void Read(ReadOnlyMemory<byte> chunk, List<DumpEvent> events)
    {
        (_events, _chunk) = (events, chunk);
        try { Parse(chunk.Span); }
        finally { (_events, _chunk) = (null, default); }
    }

    /// <summary>Reads the last line when the dump does not end with a newline.</summary>
    public void Complete() => End();

    /// <summary>Reads the last line when the dump does not end with a newline, adding its event.</summary>
    public void Complete(List<DumpEvent> events)
    {
        _events = events;
        try { End(); }
        finally { _events = null; }
    }

    private void End()
    {
        switch (_mode)
        {
            case LineMode.Held or LineMode.RowHead:
                var line = _partial.ToArray();
                var kind = Line(line);
                Emit(kind, line);
                break;
            case LineMode.Row:
                Line(_partial.ToArray());
                break;
        }
        _partial.Clear();
        _mode = LineMode.Start;
    }

    private void Parse(ReadOnlySpan<byte> chunk)
    {
        var at = 0;
        while (at < chunk.Length)
        {
            if (_mode == LineMode.Start)
            {
                _lineAtStatement = _lines.AtStatementStart;
                _mode = InCopyDataEveryReading ? LineMode.RowHead : LineMode.Held;
            }
            var rest = chunk[at..];
            var newline = rest.IndexOf((byte)'\n');
            var end = newline < 0 ? rest.Length : newline + 1;
            Bytes += end;
            if (newline >= 0) _lineEnd = Bytes;
            at += _mode switch
            {
                LineMode.Held => HeldLine(rest, at, newline),
                LineMode.RowHead => RowHead(rest, at, newline),
                _ => RowPart(rest, at, newline),
            };
        }
        FlushRows();
    }

    /// <summary>A line outside COPY data: held until its newline, then one event.</summary>
    private int HeldLine(ReadOnlySpan<byte> rest, int at, int newline)
    {
        if (newline < 0)
        {
            _partial.AddRange(rest);
            return rest.Length;
        }
        FlushRows();
        if (_partial.Count == 0)
        {
            var kind = Line(rest[..newline]);
            Emit(kind, at, newline + 1);
        }
        else
        {
            _partial.AddRange(rest[..(newline + 1)]);
            var whole = _partial.ToArray();
            _partial.Clear();
            var kind = Line(whole.AsSpan(0, whole.Length - 1));
            Emit(kind, whole);
        }
        _mode = LineMode.Start;
        return newline + 1;
    }

    /// <summary>The start of a line of COPY data: held while it may still be the block's end, <c>\.</c>.</summary>
    private int RowHead(ReadOnlySpan<byte> rest, int at, int newline)
    {
        if (_partial.Count == 0 && newline >= 0)
        {
            // the hot path: a whole row (or the end) in the chunk
            var line = rest[..newline];
            if (IsCopyEnd(line))
            {
                FlushRows();
                Emit(Line(line), at, newline + 1);
            }
            else
            {
                Line(line);
                AddRows(at, at + newline + 1, 1);
            }
            _mode = LineMode.Start;
            return newline + 1;
        }
        var take = newline < 0 ? rest.Length : newline + 1;
        if (newline < 0 && MayEndCopy(rest))
        {
            _partial.AddRange(rest);
            return rest.Length;
        }
        if (_partial.Count == 0)
        {
            // a row longer than this read: its start goes now, and only its first bytes are kept
            _partial.AddRange(rest[..Math.Min(rest.Length, CopyLinePrefix)]);
            AddRows(at, at + take, 0);
            _mode = LineMode.Row;
            return take;
        }
        // a row that starts as the end would, its start held over a read
        var head = (byte[])[.. _partial, .. rest[..take]];
        _partial.Clear();
        FlushRows();
        if (newline >= 0)
        {
            Emit(Line(head.AsSpan(0, head.Length - 1)), head);
            _mode = LineMode.Start;
            return take;
        }
        _partial.AddRange(head.AsSpan(0, Math.Min(head.Length, CopyLinePrefix)));
        Emit(DumpEventKind.CopyRows, head);
        _mode = LineMode.Row;
        return take;
    }

    /// <summary>Whether the line's start held so far, then <paramref name="more"/>, may still be <c>\.</c> (or <c>\.\r</c>).</summary>
    private bool MayEndCopy(ReadOnlySpan<byte> more)
    {
        if (_partial.Count + more.Length >= 4) return false;
        Span<byte> head = stackalloc byte[3];
        for (var i = 0; i < _partial.Count; i++) head[i] = _partial[i];
        more.CopyTo(head[_partial.Count..]);
        return @"\.\r"u8.StartsWith(head[..(_partial.Count + more.Length)]);
    }

    /// <summary>More of a row whose start went before.</summary>
    private int RowPart(ReadOnlySpan<byte> rest, int at, int newline)
    {
        var take = newline < 0 ? rest.Length : newline + 1;
        if (_partial.Count < CopyLinePrefix) _partial.AddRange(rest[..Math.Min(CopyLinePrefix - _partial.Count, newline < 0 ? rest.Length : newline)]);
        if (newline >= 0)
        {
            Line(_partial.ToArray());
            _partial.Clear();
            _mode = LineMode.Start;
        }
        AddRows(at, at + take, newline >= 0 ? 1 : 0);
        return take;
    }

    private static bool IsCopyEnd(ReadOnlySpan<byte> line) => line.SequenceEqual(@"\."u8) || line.SequenceEqual(@"\.\r"u8);

    private bool OnePerLine => EventPerLine || CompletionMarkerEnd is not null;

    /// <summary>Rows of the chunk at [from, to): joined to the rows before them into one event, unless every line is its own.</summary>
    private void AddRows(int from, int to, int rowsEnded)
    {
        if (_events is null) return;
        if (_rowsFrom < 0) _rowsFrom = from;
        (_rowsTo, _rowsEnded) = (to, _rowsEnded + rowsEnded);
        if (OnePerLine) FlushRows();
    }

    private void FlushRows()
    {
        if (_rowsFrom < 0) return;
        _events?.Add(new DumpEvent(DumpEventKind.CopyRows, _chunk[_rowsFrom.._rowsTo], Entry: _entry, Rows: _rowsEnded));
        (_rowsFrom, _rowsEnded) = (-1, 0);
    }

    private void Emit(DumpEventKind kind, int from, int length)
    {
        if (_events is not null) Emit(kind, _chunk.Slice(from, length));
    }

    private void Emit(DumpEventKind kind, ReadOnlyMemory<byte> bytes) =>
        _events?.Add(new DumpEvent(kind, bytes, _lineAtStatement, _entry, kind == DumpEventKind.CopyRows && bytes.Span.EndsWith("\n"u8) ? 1 : 0,
            kind == DumpEventKind.CopyStart ? OpenCopyTable : null, EndsStatement: kind != DumpEventKind.CopyRows && _lines.AtStatementStart));

    /// <summary>Reads one whole line (without its newline) and says what it was.</summary>
    private DumpEventKind Line(ReadOnlySpan<byte> line)
    {
        var wasInCopy = InCopyData;
        var afterMarker = CompletionMarkerEnd is not null;
        _lines.Read(line, _lineEnd);
        if (wasInCopy) return InCopyData ? DumpEventKind.CopyRows : DumpEventKind.CopyEnd;
        if (InCopyData) return DumpEventKind.CopyStart;
        if (LastLineWasOwnMetaCommand) return DumpEventKind.MetaCommand;
        if (_lines.LineWasMarker) return DumpEventKind.CompletionMarker;
        if (afterMarker && DumpManifest.IsManifestLine(line)) return DumpEventKind.Manifest;
        if (_lineAtStatement && DumpEntry.HeaderOf(line) is { } header)
        {
            _entry = header;
            return DumpEventKind.EntryHeader;
        }
        return DumpEventKind.Statement;
    }
}

/// <summary>A psql meta-command line that pg_dump does not write.</summary>
/// <param name="Line">Its line number in the SQL.</param>
/// <param name="Command">The command as psql would take it: <c>\!</c>, <c>\connect</c>, or <c>\restrict</c> in a form pg_dump never writes.</param>
/// <param name="StringsTakeBackslashEscapes">Found only by reading <c>'…'</c> strings as psql does when <c>standard_conforming_strings</c> is off.</param>
public sealed record MetaCommandFinding(long Line, string Command, bool StringsTakeBackslashEscapes);
