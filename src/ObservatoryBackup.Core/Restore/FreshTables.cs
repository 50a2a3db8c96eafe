using System.Text;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Restore;

/// <summary>
/// The tables a load created itself (a <c>CREATE TABLE</c> statement of the dump, not partitioned),
/// whose first COPY block may run as pg_restore runs a table it created: in one transaction that
/// truncates the table, so the rows can go in frozen (<c>COPY … WITH (FREEZE)</c>: written visible to
/// all, so no later scan sets hint bits or freezes them again, and with <c>wal_level = minimal</c> not
/// WAL-logged). The restore loads into a database it created (staged, in place and test alike), so
/// such a table is empty; the transaction first proves it is, so a dump that put rows in before its
/// COPY block fails instead of losing them to the TRUNCATE.
/// </summary>
internal sealed class FreshTables
{
    private readonly HashSet<string> _created = new(StringComparer.Ordinal);
    private string? _open; // the table of the CREATE TABLE statement being read

    /// <summary>Reads a line of the dump outside COPY data, in order.</summary>
    public void See(in DumpEvent e)
    {
        var line = e.Line;
        if (e.AtStatement)
        {
            _open = null;
            if (CreatedBy(line) is { } table) _created.Add(_open = table);
        }
        // pg_dump ends a partitioned table's statement with ") PARTITION BY …": its rows go to the partitions
        if (_open is not null && line.StartsWith(")"u8) && line.IndexOf(" PARTITION BY "u8) >= 0) _created.Remove(_open);
        if (e.EndsStatement) _open = null;
    }

    /// <summary>The table a <c>CREATE [UNLOGGED] TABLE name (</c> line creates, as written; null for any other line.</summary>
    public static string? CreatedBy(ReadOnlySpan<byte> line)
    {
        ReadOnlySpan<byte> rest;
        if (line.StartsWith("CREATE TABLE "u8)) rest = line["CREATE TABLE "u8.Length..];
        else if (line.StartsWith("CREATE UNLOGGED TABLE "u8)) rest = line["CREATE UNLOGGED TABLE "u8.Length..];
        else return null;
        var name = TableName(Encoding.UTF8.GetString(rest));
        return name is { Length: > 0 } ? name : null;
    }

    /// <summary>
    /// The SQL that starts <paramref name="copy"/> (a <c>COPY table (…) FROM stdin;</c> line) truncated and frozen,
    /// once per table the load created; null otherwise (the block then runs as written).
    /// </summary>
    public byte[]? FrozenStart(string table, ReadOnlySpan<byte> copy)
    {
        var line = Encoding.UTF8.GetString(copy).TrimEnd('\n', '\r');
        if (!line.StartsWith("COPY " + table + " ", StringComparison.Ordinal) || !line.EndsWith(" FROM stdin;", StringComparison.Ordinal)) return null;
        if (!_created.Remove(table)) return null;
        var literal = table.Replace("'", "''", StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(
            "BEGIN;\n" +
            // an empty table gives no row to cast (the cast reads a column, so it is not folded in advance): one that holds rows fails here, naming it
            $"SELECT ('table {literal} holds rows before its COPY block, at ' || ctid)::integer FROM ONLY {table} LIMIT 1;\n" +
            $"TRUNCATE ONLY {table};\n" +
            line[..^1] + " WITH (FREEZE);\n");
    }

    /// <summary>
    /// For one psql given the dump in order: the bytes of an event, a fresh table's first block
    /// started truncated and frozen and ended with its commit.
    /// </summary>
    public ReadOnlyMemory<byte> InOrder(DumpEvent e)
    {
        switch (e.Kind)
        {
            case DumpEventKind.CopyRows:
                return e.Bytes;
            case DumpEventKind.CopyStart when FrozenStart(e.Table ?? "", e.Bytes.Span) is { } start:
                _inFrozen = true;
                return start;
            case DumpEventKind.CopyEnd when _inFrozen:
                _inFrozen = false;
                return (byte[])[.. e.Bytes.Span, .. FrozenEnd.Span];
            case DumpEventKind.CopyEnd:
                return e.Bytes;
            default:
                See(e);
                return e.Bytes;
        }
    }

    private bool _inFrozen;

    /// <summary>What ends a frozen block after its <c>\.</c> line.</summary>
    public static ReadOnlyMemory<byte> FrozenEnd { get; } = "COMMIT;\n"u8.ToArray();

    /// <summary>A qualified name as pg_dump writes it (<c>schema.name</c>, each part quoted where needed), up to the space or '(' after it.</summary>
    private static string? TableName(string text)
    {
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"') quoted = !quoted;
            else if (!quoted && text[i] is ' ' or '(') return text[..i];
        }
        return null;
    }
}
