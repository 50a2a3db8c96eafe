using System.Text;
using ObservatoryBackup.Logging;

namespace ObservatoryBackup.Postgres;

/// <summary>pg_dump's header of an entry: <c>-- Name: NAME; Type: TYPE; Schema: …; Owner: …</c>.</summary>
/// <param name="Name">The entry's name as pg_dump writes it (<c>t t_pkey</c>, <c>TABLE t</c>, …).</param>
/// <param name="Type">Its type: <c>TABLE</c>, <c>INDEX</c>, <c>ACL</c>, <c>TABLE DATA</c>, ….</param>
/// <param name="Schema">Its schema as the header names it (<c>-</c> for none); null when the header has none.</param>
/// <param name="Owner">Its owner as the header names it; null when the header has none.</param>
public sealed record DumpEntryHeader(string Name, string Type, string? Schema = null, string? Owner = null)
{
    /// <summary>The entry as an error names it: <c>the dump's INDEX t_k (schema public)</c>; the header's control characters as <c>\u</c> escapes (a dump is untrusted: no terminal escape reaches the user's screen through a name).</summary>
    public override string ToString() => PrintableText.Of($"the dump's {Type} {Name}" + (Schema is null or "-" ? "" : $" (schema {Schema})"));
}

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

    /// <summary>
    /// When an entry after the data runs in a parallel load, by its type alone (the plain format has no
    /// dependency ids). pg_dump sorts the post-data section by type priority (constraints, indexes, index
    /// attachments, statistics, rules, triggers, foreign keys, policies, publications; privileges, event
    /// triggers and materialized view data last, as pg_restore's passes do) and moves an entry later only for
    /// a dependency. An index or constraint needs only tables, data and pre-data objects, an attachment its
    /// two indexes, a foreign key the unique indexes it references and their attachments; none needs an entry
    /// of the <see cref="PostDataWave.InOrder"/> types. Any other type (a function whose body reads a
    /// constraint, which pg_dump then writes among the constraints) is a <see cref="PostDataWave.Barrier"/>.
    /// </summary>
    public static PostDataWave WaveOf(string type) => type switch
    {
        "INDEX" or "CONSTRAINT" => PostDataWave.Indexes,
        "INDEX ATTACH" => PostDataWave.IndexAttachments,
        "FK CONSTRAINT" => PostDataWave.ForeignKeys,
        "CHECK CONSTRAINT" or "COMMENT" or "SECURITY LABEL" or "STATISTICS" or "RULE" or "TRIGGER" or "EVENT TRIGGER"
            or "POLICY" or "ROW SECURITY" or "PUBLICATION" or "PUBLICATION TABLE" or "PUBLICATION TABLES IN SCHEMA"
            or "SUBSCRIPTION" or "SUBSCRIPTION TABLE" or "ACL" or "DEFAULT ACL" or "MATERIALIZED VIEW DATA" => PostDataWave.InOrder,
        _ => PostDataWave.Barrier,
    };

    /// <summary>
    /// The partition and its parent a statement makes (<c>ALTER TABLE ONLY parent ATTACH PARTITION child …</c>,
    /// pg_dump's <c>TABLE ATTACH</c>; <c>CREATE [UNLOGGED|FOREIGN] TABLE child PARTITION OF parent</c>), as
    /// written; null for any other statement.
    /// </summary>
    public static (string Partition, string Parent)? PartitionOf(string line)
    {
        const string Attach = " ATTACH PARTITION ", PartitionOf = " PARTITION OF ";
        if (line.StartsWith("ALTER TABLE ONLY ", StringComparison.Ordinal) && line.IndexOf(Attach, StringComparison.Ordinal) is var at and > 0)
            return QualifiedName(line["ALTER TABLE ONLY ".Length..]) is { } parent && QualifiedName(line[(at + Attach.Length)..]) is { } child ? (child, parent) : null;
        foreach (var create in (string[])["CREATE TABLE ", "CREATE UNLOGGED TABLE ", "CREATE FOREIGN TABLE "])
        {
            if (!line.StartsWith(create, StringComparison.Ordinal) || QualifiedName(line[create.Length..]) is not { } table) continue;
            var rest = line[(create.Length + table.Length)..];
            return rest.StartsWith(PartitionOf, StringComparison.Ordinal) && QualifiedName(rest[PartitionOf.Length..] + " ") is { } parent ? (table, parent) : null;
        }
        return null;
    }

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
