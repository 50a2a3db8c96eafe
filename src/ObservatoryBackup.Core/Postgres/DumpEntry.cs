using System.Text;

namespace ObservatoryBackup.Postgres;

/// <summary>When a statement after the data of a parallel load runs.</summary>
public enum PostDataWave
{
    /// <summary>Indexes and primary-key, unique and exclusion (and check) constraints: each reads one table; in parallel.</summary>
    Indexes,

    /// <summary>Foreign keys: in parallel, those that share a table on one connection (two locking the same tables in turn could deadlock).</summary>
    ForeignKeys,

    /// <summary>Everything else (triggers, rules, policies, privileges, comments, index attachments, materialized view data, …) and what cannot be classified: in dump order, on one connection.</summary>
    InOrder,
}

/// <summary>pg_dump's header of an entry: <c>-- Name: NAME; Type: TYPE; Schema: …; Owner: …</c>.</summary>
/// <param name="Name">The entry's name as pg_dump writes it (<c>t t_pkey</c>, <c>TABLE t</c>, …).</param>
/// <param name="Type">Its type: <c>TABLE</c>, <c>INDEX</c>, <c>ACL</c>, <c>TABLE DATA</c>, ….</param>
/// <param name="Schema">Its schema as the header names it (<c>-</c> for none); null when the header has none.</param>
/// <param name="Owner">Its owner as the header names it; null when the header has none.</param>
public sealed record DumpEntryHeader(string Name, string Type, string? Schema = null, string? Owner = null);

/// <summary>
/// pg_dump's header of each entry it writes: <c>-- Name: NAME; Type: TYPE; Schema: …; Owner: …</c>
/// (<c>-- Data for Name: …</c> for table data), and what a parallel load makes of its type.
/// </summary>
public static class DumpEntry
{
    private static readonly byte[] NamePrefix = "-- Name: "u8.ToArray();
    private static readonly byte[] DataPrefix = "-- Data for Name: "u8.ToArray();

    /// <summary>The entry type a header line names (<c>TABLE</c>, <c>INDEX</c>, <c>FK CONSTRAINT</c>, …); null for any other line.</summary>
    public static string? TypeOf(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith(NamePrefix) && !line.StartsWith(DataPrefix)) return null;
        var at = line.IndexOf("; Type: "u8);
        if (at < 0) return null;
        var rest = line[(at + "; Type: "u8.Length)..];
        var end = rest.IndexOf((byte)';');
        return Encoding.UTF8.GetString(end < 0 ? rest.TrimEnd("\r\n"u8) : rest[..end]);
    }

    /// <summary>The header a line is (<c>-- Name: …; Type: …</c> or <c>-- Data for Name: …</c>); null for any other line.</summary>
    public static DumpEntryHeader? HeaderOf(ReadOnlySpan<byte> line)
    {
        if (TypeOf(line) is not { } type) return null;
        var name = line[(line.StartsWith(NamePrefix) ? NamePrefix.Length : DataPrefix.Length)..];
        var rest = name[name.IndexOf("; Type: "u8)..];
        return new DumpEntryHeader(Encoding.UTF8.GetString(name[..name.IndexOf("; Type: "u8)]), type, Field(rest, "; Schema: "u8), Field(rest, "; Owner: "u8));
    }

    /// <summary>The value of a header's field, up to the next <c>;</c> or the line's end; null when the header has no such field.</summary>
    private static string? Field(ReadOnlySpan<byte> header, ReadOnlySpan<byte> key)
    {
        var at = header.IndexOf(key);
        if (at < 0) return null;
        var value = header[(at + key.Length)..];
        var end = value.IndexOf((byte)';');
        return Encoding.UTF8.GetString((end < 0 ? value : value[..end]).TrimEnd("\r"u8));
    }

    /// <summary>Entry types of pg_dump's data section: a parallel load deals their rows, or runs them in order, before the post-data waves.</summary>
    public static bool IsData(string type) => type is "TABLE DATA" or "SEQUENCE SET" or "BLOBS" or "BLOB DATA" or "LARGE OBJECTS";

    public static PostDataWave WaveOf(string type) => type switch
    {
        "INDEX" or "CONSTRAINT" => PostDataWave.Indexes,
        "FK CONSTRAINT" => PostDataWave.ForeignKeys,
        _ => PostDataWave.InOrder,
    };

    /// <summary>
    /// The tables a foreign key's statement (<c>ALTER TABLE [ONLY] a ADD CONSTRAINT … REFERENCES b(…)</c>)
    /// locks, as written; null when the statement is not of that form (it then runs in order).
    /// </summary>
    public static (string Table, string Referenced)? ForeignKeyTables(string sql)
    {
        var at = sql.IndexOf("ALTER TABLE ", StringComparison.Ordinal);
        if (at < 0) return null;
        var rest = sql[(at + "ALTER TABLE ".Length)..];
        if (rest.StartsWith("ONLY ", StringComparison.Ordinal)) rest = rest["ONLY ".Length..];
        var table = QualifiedName(rest);
        var refs = sql.LastIndexOf(" REFERENCES ", StringComparison.Ordinal);
        if (table is null || refs < 0) return null;
        var referenced = QualifiedName(sql[(refs + " REFERENCES ".Length)..]);
        return referenced is null ? null : (table, referenced);
    }

    /// <summary>
    /// The table an index's or a constraint's statement reads (<c>CREATE … INDEX … ON [ONLY] t</c>,
    /// <c>ALTER TABLE [ONLY] t ADD …</c>), as written; null for any other statement.
    /// </summary>
    public static string? TableOf(string sql)
    {
        var alter = sql.IndexOf("ALTER TABLE ", StringComparison.Ordinal);
        var create = sql.IndexOf("CREATE ", StringComparison.Ordinal);
        string rest;
        if (alter >= 0 && (create < 0 || alter < create)) rest = sql[(alter + "ALTER TABLE ".Length)..];
        else if (create >= 0 && sql.IndexOf(" ON ", create, StringComparison.Ordinal) is var on and >= 0) rest = sql[(on + " ON ".Length)..];
        else return null;
        if (rest.StartsWith("ONLY ", StringComparison.Ordinal)) rest = rest["ONLY ".Length..];
        return QualifiedName(rest);
    }

    /// <summary>The name at the start of <paramref name="text"/>, up to a space or '(' outside double quotes.</summary>
    private static string? QualifiedName(string text)
    {
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"') quoted = !quoted;
            else if (!quoted && (text[i] is ' ' or '(' or '\n')) return i == 0 ? null : text[..i];
        }
        return null;
    }
}
