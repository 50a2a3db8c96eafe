using System.Text;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// What pg_dump's plain format makes of each whole line, in order: psql's two readings of the quotes
/// (<see cref="PsqlLexer"/>), COPY blocks and their rows per table, meta-commands (pg_dump's own or
/// forbidden), and the closing line. <see cref="PlainDumpReader"/> splits the dump and feeds it lines.
/// </summary>
internal sealed class PlainDumpLines(string completionMarker)
{
    private readonly byte[] _markerBytes = Encoding.ASCII.GetBytes(completionMarker);

    /// <summary>One reading of the dump: a lexer, and the COPY blocks it sees begin and end.</summary>
    private sealed class Reading(bool backslashEscapesInStrings)
    {
        public readonly PsqlLexer Lexer = new(backslashEscapesInStrings);
        public bool InCopyData;
        public bool AtStatementStart => !InCopyData && Lexer.InStatementText && !Lexer.StatementOpen;
    }

    private readonly Reading _standard = new(backslashEscapesInStrings: false);
    private readonly Reading _escaping = new(backslashEscapesInStrings: true);
    private readonly Dictionary<string, long> _rows = new(StringComparer.Ordinal);
    private string? _copyTable;
    private long _copyRows;
    private bool _markerLast;

    /// <summary>Lines read so far.</summary>
    public long Lines { get; private set; }

    /// <summary>Where the first closing line read (outside COPY data) ends: the byte after its newline; null before one was read.</summary>
    public long? CompletionMarkerEnd { get; private set; }

    // the offset after the newline of the line being read
    private long _lineEnd;

    /// <summary>True when the last line read was the closing line (outside COPY data).</summary>
    public bool LineWasMarker { get; private set; }

    /// <summary>True when the closing line was read last, followed by nothing but comments, blank lines and <c>\\unrestrict</c>.</summary>
    public bool MarkerLast => _markerLast;

    /// <summary>True when the next line starts a statement in psql's primary reading.</summary>
    public bool AtStatementStart => _standard.AtStatementStart;

    /// <summary>The first meta-command line psql would run that is not pg_dump's own; null while there is none.</summary>
    public MetaCommandFinding? ForbiddenMetaCommand { get; private set; }

    /// <summary>True when the last whole line read was pg_dump's own <c>\restrict</c> or <c>\unrestrict</c> line.</summary>
    public bool LastLineWasOwnMetaCommand { get; private set; }

    /// <summary>
    /// Rows each COPY block carried, by table as pg_dump names it (schema-qualified, quoted where
    /// needed, so usable in SQL as it is). Tables dumped without data do not appear.
    /// </summary>
    public IReadOnlyDictionary<string, long> RowsPerTable => _rows;

    /// <summary>True while inside a COPY block's data.</summary>
    public bool InCopyData => _standard.InCopyData;

    /// <summary>True while inside COPY data as every reading of the quotes sees it: nothing up to the next newline can be a meta-command.</summary>
    public bool InCopyDataEveryReading => _standard.InCopyData && _escaping.InCopyData;

    /// <summary>The table whose COPY data is being read, or null outside COPY data.</summary>
    public string? OpenCopyTable => InCopyData ? _copyTable : null;

    /// <summary>Reads one whole line, without its newline; <paramref name="lineEnd"/> is the offset after it.</summary>
    public void Read(ReadOnlySpan<byte> line, long lineEnd)
    {
        Lines++;
        _lineEnd = lineEnd;
        LineWasMarker = false;
        if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
        LastLineWasOwnMetaCommand = false;
        if (InCopyDataEveryReading)
        {
            // the hot path: a row, or the end of the block (text format escapes newlines in values: a line is a row)
            CopyDataLine(line);
            _escaping.InCopyData = _standard.InCopyData;
            return;
        }

        var atStart = _standard.AtStatementStart;
        var wasMarkerLast = _markerLast;
        if (_standard.InCopyData)
            CopyDataLine(line);
        else
        {
            Statement(_standard, line, primary: true);
        }
        if (_escaping.InCopyData)
        {
            if (line.SequenceEqual(@"\."u8)) _escaping.InCopyData = false;
        }
        else
        {
            Statement(_escaping, line, primary: false);
        }

        // after pg_dump's closing line only comments, blank lines and its \unrestrict may follow
        if (atStart && line.SequenceEqual(_markerBytes))
        {
            _markerLast = true;
            LineWasMarker = true;
            CompletionMarkerEnd ??= _lineEnd;
        }
        else if (wasMarkerLast && !(LastLineWasOwnMetaCommand || IsBlankOrComment(line))) _markerLast = false;
    }

    private void Statement(Reading reading, ReadOnlySpan<byte> line, bool primary)
    {
        var atStart = reading.AtStatementStart;
        var backslash = reading.Lexer.Line(line);
        if (backslash >= 0)
        {
            if (atStart && backslash == 0 && IsOwnMetaCommand(line))
            {
                if (primary) LastLineWasOwnMetaCommand = true;
            }
            else
            {
                ForbiddenMetaCommand ??= new MetaCommandFinding(Lines, PsqlLexer.MetaCommandAt(line, backslash), StringsTakeBackslashEscapes: !primary);
            }
            return;
        }
        // pg_dump writes each COPY on one line of its own: COPY schema.table (columns) FROM stdin;
        if (atStart && reading.AtStatementStart && line.StartsWith("COPY "u8) && line.EndsWith(" FROM stdin;"u8))
        {
            reading.InCopyData = true;
            if (!primary) return;
            _copyTable = CopyTarget(line["COPY "u8.Length..]);
            _copyRows = 0;
            _rows.TryAdd(_copyTable, 0);
        }
    }

    /// <summary>A line of COPY data as pg_dump's format reads it: a row, or <c>\.</c>, the end of the block.</summary>
    private void CopyDataLine(ReadOnlySpan<byte> line)
    {
        if (!line.SequenceEqual(@"\."u8))
        {
            _copyRows++;
            return;
        }
        _standard.InCopyData = false;
        _rows[_copyTable!] += _copyRows;
        _copyRows = 0;
    }

    /// <summary>pg_dump's own line: <c>\restrict KEY</c> or <c>\unrestrict KEY</c>, the key letters and digits, nothing else.</summary>
    internal static bool IsOwnMetaCommand(ReadOnlySpan<byte> line)
    {
        ReadOnlySpan<byte> key;
        if (line.StartsWith(@"\restrict "u8)) key = line[@"\restrict "u8.Length..];
        else if (line.StartsWith(@"\unrestrict "u8)) key = line[@"\unrestrict "u8.Length..];
        else return false;
        if (key.IsEmpty) return false;
        foreach (var b in key)
            if (!char.IsAsciiLetterOrDigit((char)b)) return false;
        return true;
    }

    private static bool IsBlankOrComment(ReadOnlySpan<byte> line)
    {
        var trimmed = line.Trim(" \t"u8);
        return trimmed.IsEmpty || trimmed.StartsWith("--"u8);
    }

    /// <summary>The qualified table name at the start of <paramref name="rest"/>: up to the first space outside double quotes.</summary>
    private static string CopyTarget(ReadOnlySpan<byte> rest)
    {
        var quoted = false;
        var end = 0;
        for (; end < rest.Length; end++)
        {
            if (rest[end] == '"') quoted = !quoted;
            else if (rest[end] == ' ' && !quoted) break;
        }
        return Encoding.UTF8.GetString(rest[..end]);
    }
}
