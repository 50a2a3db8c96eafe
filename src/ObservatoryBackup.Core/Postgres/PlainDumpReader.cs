using System.Text;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// Reads pg_dump's plain format as it streams past, line by line: SQL statements, and the data lines
/// of <c>COPY … FROM stdin;</c> blocks up to their <c>\.</c>. In statement text it follows what psql
/// follows (quoted strings, E'' escapes, quoted identifiers, dollar quoting, comments), so that a
/// backslash outside them, which psql would run as a meta-command (<c>\connect</c>, <c>\!</c>), is seen.
/// Only pg_dump's own <c>\restrict</c> and <c>\unrestrict</c> are expected; anything else is reported
/// in <see cref="ForbiddenMetaCommand"/>. It counts the data lines of each COPY block: the rows the dump
/// carries for each table (<see cref="RowsPerTable"/>). Memory is one line and one count per table.
/// </summary>
public sealed class PlainDumpReader
{
    private static readonly string[] AllowedMetaCommands = [@"\restrict", @"\unrestrict"];

    private enum State { Statement, SingleQuote, EscapeQuote, DoubleQuote, DollarQuote, BlockComment, CopyData }

    private readonly List<byte> _partial = [];
    private State _state = State.Statement;
    private byte[] _dollarTag = [];
    private int _commentDepth;
    private bool _statementOpen;
    private readonly Dictionary<string, long> _rows = new(StringComparer.Ordinal);
    private string? _copyTable;

    /// <summary>Lines read so far.</summary>
    public long Lines { get; private set; }

    /// <summary>The first psql meta-command other than pg_dump's own, with its line number; null while there is none.</summary>
    public (long Line, string Command)? ForbiddenMetaCommand { get; private set; }

    /// <summary>
    /// Rows each COPY block carried, by table as pg_dump names it (schema-qualified, quoted where
    /// needed, so usable in SQL as it is). Tables dumped without data do not appear.
    /// </summary>
    public IReadOnlyDictionary<string, long> RowsPerTable => _rows;

    /// <summary>True when the next line starts a statement: not inside COPY data, a quoted string, a dollar quote or a comment.</summary>
    public bool AtStatement => _state == State.Statement && !_statementOpen && _partial.Count == 0;

    /// <summary>True while inside a COPY block's data.</summary>
    public bool InCopyData => _state == State.CopyData;

    /// <summary>Reads the next bytes of the dump.</summary>
    public void Read(ReadOnlySpan<byte> chunk)
    {
        while (chunk.Length > 0)
        {
            var newline = chunk.IndexOf((byte)'\n');
            if (newline < 0)
            {
                foreach (var b in chunk) _partial.Add(b);
                return;
            }
            if (_partial.Count == 0)
            {
                Line(chunk[..newline]);
            }
            else
            {
                foreach (var b in chunk[..newline]) _partial.Add(b);
                Line(_partial.ToArray());
                _partial.Clear();
            }
            chunk = chunk[(newline + 1)..];
        }
    }

    /// <summary>Reads the last line when the dump does not end with a newline.</summary>
    public void Complete()
    {
        if (_partial.Count == 0) return;
        Line(_partial.ToArray());
        _partial.Clear();
    }

    private void Line(ReadOnlySpan<byte> line)
    {
        Lines++;
        if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
        if (_state == State.CopyData)
        {
            if (line.SequenceEqual(@"\."u8)) _state = State.Statement;
            else _rows[_copyTable!]++; // text format escapes newlines in values: a line is a row
            return;
        }

        var startsInStatement = _state == State.Statement;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            var next = i + 1 < line.Length ? line[i + 1] : (byte)0;
            switch (_state)
            {
                case State.Statement:
                    if (c == '-' && next == '-') { i = line.Length; break; }
                    if (c == '/' && next == '*') { _state = State.BlockComment; _commentDepth = 1; i++; break; }
                    if (c == ';') { _statementOpen = false; break; }
                    if (c == '\\')
                    {
                        var command = MetaCommandAt(line, i);
                        if (!(startsInStatement && i == 0 && AllowedMetaCommands.Contains(command)))
                            ForbiddenMetaCommand ??= (Lines, command);
                        i = line.Length; // psql takes the rest of the line as the command's arguments
                        break;
                    }
                    if (c is not ((byte)' ' or (byte)'\t')) _statementOpen = true;
                    if (c == '\'') { _state = IsEscapeStringPrefix(line, i) ? State.EscapeQuote : State.SingleQuote; break; }
                    if (c == '"') { _state = State.DoubleQuote; break; }
                    if (c == '$' && DollarTagAt(line, i) is { } tag) { _state = State.DollarQuote; _dollarTag = tag; i += tag.Length - 1; break; }
                    break;
                case State.SingleQuote:
                    if (c == '\'') { if (next == '\'') i++; else _state = State.Statement; }
                    break;
                case State.EscapeQuote:
                    if (c == '\\') i++;
                    else if (c == '\'') { if (next == '\'') i++; else _state = State.Statement; }
                    break;
                case State.DoubleQuote:
                    if (c == '"') { if (next == '"') i++; else _state = State.Statement; }
                    break;
                case State.DollarQuote:
                    if (c == '$' && line[i..].StartsWith(_dollarTag)) { i += _dollarTag.Length - 1; _state = State.Statement; }
                    break;
                case State.BlockComment:
                    if (c == '/' && next == '*') { _commentDepth++; i++; }
                    else if (c == '*' && next == '/') { i++; if (--_commentDepth == 0) _state = State.Statement; }
                    break;
            }
        }

        // pg_dump writes each COPY on one line of its own: COPY schema.table (columns) FROM stdin;
        if (startsInStatement && _state == State.Statement && line.StartsWith("COPY "u8) && line.EndsWith(" FROM stdin;"u8))
        {
            _state = State.CopyData;
            _copyTable = CopyTarget(line["COPY "u8.Length..]);
            _rows.TryAdd(_copyTable, 0);
        }
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

    // E'…' (and e'…') strings take backslash escapes; an E that ends an identifier does not count.
    private static bool IsEscapeStringPrefix(ReadOnlySpan<byte> line, int quote) =>
        quote > 0 && line[quote - 1] is (byte)'E' or (byte)'e' && (quote < 2 || !IsIdentifierByte(line[quote - 2]));

    /// <summary>A dollar-quote opener at <paramref name="at"/> ($$ or $tag$), or null ($1, or a $ inside an identifier).</summary>
    private static byte[]? DollarTagAt(ReadOnlySpan<byte> line, int at)
    {
        if (at > 0 && IsIdentifierByte(line[at - 1])) return null;
        var end = at + 1;
        while (end < line.Length && IsIdentifierByte(line[end]) && line[end] != '$') end++;
        if (end >= line.Length || line[end] != '$') return null;
        if (end > at + 1 && line[at + 1] is >= (byte)'0' and <= (byte)'9') return null;
        return line[at..(end + 1)].ToArray();
    }

    private static string MetaCommandAt(ReadOnlySpan<byte> line, int at)
    {
        var end = at + 1;
        while (end < line.Length && line[end] is not ((byte)' ' or (byte)'\t' or (byte)'\\')) end++;
        return Encoding.UTF8.GetString(line[at..Math.Max(end, at + 1)]);
    }

    private static bool IsIdentifierByte(byte b) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'_' or (byte)'$' or >= 0x80;
}
