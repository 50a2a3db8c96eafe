namespace ObservatoryBackup.Postgres;

/// <summary>Quotes a name as a PostgreSQL identifier, so any database name is safe in DDL; reads one as pg_dump writes it.</summary>
public static class SqlIdentifier
{
    /// <summary>An identifier as pg_dump and pg_dumpall write one: plain (lower case, as PostgreSQL folds it) or quoted, "" for ".</summary>
    public const string Pattern = """(?:[a-z_][a-z0-9_$]*|"(?:[^"]|"")+")""";

    /// <summary>The name an identifier matching <see cref="Pattern"/> stands for: quotes off, "" read as ".</summary>
    public static string Unquote(string identifier) =>
        identifier.StartsWith('"') ? identifier[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : identifier;

    public static string Quote(string name)
    {
        if (name.Contains('\0')) throw new ArgumentException("An identifier cannot contain a NUL character.", nameof(name));
        return "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
