using System.Text.RegularExpressions;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// The publications pg_dump writes that only a superuser may create (PostgreSQL 15): one for all
/// tables, and a schema's tables added to one. A contained load holds them back for the connecting
/// user, who applies them rebuilt from their parsed parts: a name, a schema, the operations published.
/// A publication is the database's own; a subscriber elsewhere still needs a replication login.
/// </summary>
public static partial class PublicationStatement
{
    [GeneratedRegex("^CREATE PUBLICATION (?<name>" + SqlIdentifier.Pattern + ") FOR ALL TABLES WITH \\(publish = '(?<publish>(?:insert|update|delete|truncate)(?:, (?:insert|update|delete|truncate))*)'(?<root>, publish_via_partition_root = true)?\\);$")]
    private static partial Regex AllTables();

    [GeneratedRegex("^ALTER PUBLICATION (?<name>" + SqlIdentifier.Pattern + ") ADD TABLES IN SCHEMA (?<schema>" + SqlIdentifier.Pattern + ");$")]
    private static partial Regex SchemaTables();

    /// <summary>Whether the line starts as one of these does, so that a contained load holds it.</summary>
    public static bool IsHeld(string line) =>
        line.StartsWith("CREATE PUBLICATION ", StringComparison.Ordinal) && line.Contains(" FOR ALL TABLES", StringComparison.Ordinal)
        || line.StartsWith("ALTER PUBLICATION ", StringComparison.Ordinal) && line.Contains(" ADD TABLES IN SCHEMA ", StringComparison.Ordinal);

    /// <summary>The statement the connecting user runs for <paramref name="line"/>, every name quoted; null when the line is not of pg_dump's shape.</summary>
    public static string? Rebuild(string line)
    {
        if (AllTables().Match(line) is { Success: true } all)
            return $"CREATE PUBLICATION {Quote(all.Groups["name"].Value)} FOR ALL TABLES WITH (publish = '{all.Groups["publish"].Value}'"
                + (all.Groups["root"].Success ? ", publish_via_partition_root = true" : "") + ")";
        if (SchemaTables().Match(line) is { Success: true } schema)
            return $"ALTER PUBLICATION {Quote(schema.Groups["name"].Value)} ADD TABLES IN SCHEMA {Quote(schema.Groups["schema"].Value)}";
        return null;
    }

    private static string Quote(string identifier) => SqlIdentifier.Quote(SqlIdentifier.Unquote(identifier));
}
