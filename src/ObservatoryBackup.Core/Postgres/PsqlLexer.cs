using System.Text;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// What psql's lexer sees of one line of statement text: where quoted strings, identifiers, dollar
/// quotes and comments begin and end, so that a backslash outside them (which psql runs as a
/// meta-command) is found. psql lexes <c>'…'</c> with backslash escapes when the session's
/// <c>standard_conforming_strings</c> is off, and a dump's own SQL can switch that; the two readings
/// disagree only about a quote that follows an odd run of backslashes, so <see cref="PlainDumpReader"/>
/// runs one lexer of each kind and a backslash either one sees outside quotes counts.
/// </summary>
internal sealed class PsqlLexer(bool backslashEscapesInStrings)
{
    private enum State { Statement, SingleQuote, EscapeQuote, DoubleQuote, DollarQuote, BlockComment }

    private State _state = State.Statement;
    private byte[] _dollarTag = [];
    private int _commentDepth;

    /// <summary>True between a statement's first token and its semicolon.</summary>
    public bool StatementOpen { get; private set; }

    /// <summary>True when the next byte is outside every quote and comment.</summary>
    public bool InStatementText => _state == State.Statement;

    /// <summary>
    /// Lexes one line (without its newline); returns the column of the first backslash outside quotes
    /// and comments, or -1. psql takes the rest of such a line as the meta-command's arguments.
    /// </summary>
    public int Line(ReadOnlySpan<byte> line)
    {
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            var next = i + 1 < line.Length ? line[i + 1] : (byte)0;
            switch (_state)
            {
                case State.Statement:
                    if (c == '-' && next == '-') return -1;
                    if (c == '/' && next == '*') { _state = State.BlockComment; _commentDepth = 1; i++; break; }
                    if (c == ';') { StatementOpen = false; break; }
                    if (c == '\\') return i;
                    if (c is not ((byte)' ' or (byte)'\t')) StatementOpen = true;
                    if (c == '\'') { _state = backslashEscapesInStrings || IsEscapeStringPrefix(line, i) ? State.EscapeQuote : State.SingleQuote; break; }
                    if (c == '"') { _state = State.DoubleQuote; break; }
                    if (c == '$' && DollarTagAt(line, i) is { } tag) { _state = State.DollarQuote; _dollarTag = tag; i += tag.Length - 1; }
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
        return -1;
    }

    /// <summary>The meta-command's name at <paramref name="at"/>: the backslash and what follows up to a space, tab or backslash.</summary>
    public static string MetaCommandAt(ReadOnlySpan<byte> line, int at)
    {
        var end = at + 1;
        while (end < line.Length && line[end] is not ((byte)' ' or (byte)'\t' or (byte)'\\')) end++;
        return Encoding.UTF8.GetString(line[at..Math.Max(end, at + 1)]);
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

    private static bool IsIdentifierByte(byte b) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'_' or (byte)'$' or >= 0x80;
}
