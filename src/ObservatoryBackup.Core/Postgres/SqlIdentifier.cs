namespace ObservatoryBackup.Postgres;

/// <summary>Quotes a name as a PostgreSQL identifier, so any database name is safe in DDL.</summary>
public static class SqlIdentifier
{
    public static string Quote(string name)
    {
        if (name.Contains('\0')) throw new ArgumentException("An identifier cannot contain a NUL character.", nameof(name));
        return "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
