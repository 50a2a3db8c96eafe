using System.Text.RegularExpressions;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// A statement of a plain dump's prefix that a contained load has the connecting user apply, at its
/// place, instead of the load role: pg_dump writes a database's schemas, then its extensions, before
/// any other object. An extension not marked trusted needs a superuser, and its script runs with the
/// creator's rights, so it is created only here, where nothing of the dump has run yet but its
/// schemas (made empty, for the load role), and an extension script finds nothing the dump planted.
/// Each is matched whole as pg_dump writes it and applied from its parsed parts, never as its text.
/// </summary>
public abstract partial record PrefixStatement
{
    /// <summary><c>CREATE SCHEMA name;</c>: made by the connecting user for the load role.</summary>
    public sealed record CreateSchema(string Name) : PrefixStatement;

    /// <summary><c>CREATE EXTENSION IF NOT EXISTS name WITH SCHEMA schema;</c></summary>
    public sealed record CreateExtension(string Name, string Schema) : PrefixStatement;

    /// <summary><c>COMMENT ON EXTENSION name IS '…';</c>: an extension made here is not the load role's to comment on.</summary>
    public sealed record CommentOnExtension(string Name, string Comment) : PrefixStatement;

    [GeneratedRegex("^CREATE SCHEMA (?<name>" + SqlIdentifier.Pattern + ");$")]
    private static partial Regex SchemaShape();

    [GeneratedRegex("^CREATE EXTENSION IF NOT EXISTS (?<name>" + SqlIdentifier.Pattern + ") WITH SCHEMA (?<schema>" + SqlIdentifier.Pattern + ");$")]
    private static partial Regex ExtensionShape();

    [GeneratedRegex("^COMMENT ON EXTENSION (?<name>" + SqlIdentifier.Pattern + ") IS '(?<text>(?:[^']|'')*)';$")]
    private static partial Regex CommentShape();

    /// <summary>The statement <paramref name="line"/> (one whole statement on its line) holds, when it is one of these; else null.</summary>
    public static PrefixStatement? TryParse(string line)
    {
        if (SchemaShape().Match(line) is { Success: true } s) return new CreateSchema(SqlIdentifier.Unquote(s.Groups["name"].Value));
        if (ExtensionShape().Match(line) is { Success: true } e) return new CreateExtension(SqlIdentifier.Unquote(e.Groups["name"].Value), SqlIdentifier.Unquote(e.Groups["schema"].Value));
        if (CommentShape().Match(line) is { Success: true } c) return new CommentOnExtension(SqlIdentifier.Unquote(c.Groups["name"].Value), c.Groups["text"].Value.Replace("''", "'", StringComparison.Ordinal));
        return null;
    }

    /// <summary>Whether <paramref name="line"/> leaves a dump's prefix as it was: a setting of the session, or a statement that creates nothing.</summary>
    public static bool KeepsPrefix(string line) =>
        line.Length == 0 || line.StartsWith("--", StringComparison.Ordinal)
        || line.StartsWith("SET ", StringComparison.Ordinal) && !line.StartsWith("SET SESSION AUTHORIZATION", StringComparison.Ordinal) && !line.StartsWith("SET ROLE", StringComparison.Ordinal)
        || line.StartsWith("SELECT pg_catalog.set_config('search_path', ", StringComparison.Ordinal)
        || line.StartsWith("COMMENT ON SCHEMA ", StringComparison.Ordinal)
        || line.StartsWith("ALTER SCHEMA ", StringComparison.Ordinal) && line.Contains(" OWNER TO ", StringComparison.Ordinal);

    /// <summary>The SQL the connecting user runs for it, every name quoted and the comment a literal of its own making.</summary>
    public string Sql(string loadRole) => this switch
    {
        CreateSchema s => $"CREATE SCHEMA {SqlIdentifier.Quote(s.Name)} AUTHORIZATION {SqlIdentifier.Quote(loadRole)}",
        CreateExtension e => $"CREATE EXTENSION IF NOT EXISTS {SqlIdentifier.Quote(e.Name)} WITH SCHEMA {SqlIdentifier.Quote(e.Schema)}",
        CommentOnExtension c => $"COMMENT ON EXTENSION {SqlIdentifier.Quote(c.Name)} IS '{c.Comment.Replace("'", "''", StringComparison.Ordinal)}'",
        _ => throw new InvalidOperationException(GetType().Name),
    };
}
