using System.Text.Json;
using System.Text.RegularExpressions;

namespace ObservatoryBackup.Postgres;

/// <summary>A configuration setting as PostgreSQL stores it for a database (or a role in it): its name and its value as text.</summary>
public sealed record DatabaseSetting(string Name, string Value);

/// <summary>A role's setting in one database (ALTER ROLE … IN DATABASE … SET).</summary>
public sealed record RoleSetting(string Role, string Name, string Value);

/// <summary>A privilege on the database (CONNECT, CREATE, TEMPORARY) granted to a role, or to PUBLIC (null).</summary>
public sealed record DatabaseGrant(string? Grantee, string Privilege, bool Grantable);

/// <summary>
/// What a database carries that pg_dump leaves to <c>--create</c> and pg_dumpall to its per-database
/// part, which a plain dump has neither of: the database's owner, its settings (ALTER DATABASE … SET),
/// roles' settings in it, and its privileges (null: PostgreSQL's defaults). Recorded as data in the
/// backup's manifest, never as SQL; a restore writes the statements itself, quoting every name and value.
/// </summary>
public sealed partial record DatabaseProperties(string Owner, IReadOnlyList<DatabaseSetting> Settings, IReadOnlyList<RoleSetting> RoleSettings, IReadOnlyList<DatabaseGrant>? Grants)
{
    private static readonly string[] Privileges = ["CONNECT", "CREATE", "TEMPORARY"];

    // pg_dump's variable_is_guc_list_quote: their values are lists whose elements are quoted one by one
    private static readonly string[] ListSettings = ["local_preload_libraries", "search_path", "session_preload_libraries", "shared_preload_libraries", "temp_tablespaces", "unix_socket_directories"];

    [GeneratedRegex(@"\A[A-Za-z_][A-Za-z0-9_$]*(?:\.[A-Za-z_][A-Za-z0-9_$]*)*\z")]
    private static partial Regex SettingName();

    [GeneratedRegex(@"\A(?:session|local|shared)_preload_libraries\z|\Adynamic_library_path\z", RegexOptions.IgnoreCase)]
    private static partial Regex LibrarySetting();

    /// <summary>
    /// The statements that give <paramref name="database"/> these properties, every name quoted and every
    /// value a literal; null with the reason when a property is not one PostgreSQL could have stored
    /// or one a backup may not carry (a setting that loads server libraries).
    /// </summary>
    /// <param name="withOwnership">The owner, the privileges and the roles' settings too (they name roles); otherwise the database's own settings alone.</param>
    public IReadOnlyList<string>? Statements(string database, bool withOwnership, out string why)
    {
        why = "";
        var db = SqlIdentifier.Quote(database);
        var sql = new List<string>();
        if (withOwnership) sql.Add($"ALTER DATABASE {db} OWNER TO {SqlIdentifier.Quote(Owner)}");
        foreach (var s in Settings)
        {
            if (SetClause(s.Name, s.Value, out why) is not { } set) return null;
            sql.Add($"ALTER DATABASE {db} {set}");
        }
        if (!withOwnership) return sql;
        foreach (var s in RoleSettings)
        {
            if (SetClause(s.Name, s.Value, out why) is not { } set) return null;
            sql.Add($"ALTER ROLE {SqlIdentifier.Quote(s.Role)} IN DATABASE {db} {set}");
        }
        if (Grants is null) return sql;
        sql.Add($"REVOKE ALL ON DATABASE {db} FROM PUBLIC");
        foreach (var g in Grants)
        {
            if (!Privileges.Contains(g.Privilege, StringComparer.Ordinal))
            {
                why = $"'{g.Privilege}' is not a privilege on a database";
                return null;
            }
            sql.Add($"GRANT {g.Privilege} ON DATABASE {db} TO {(g.Grantee is null ? "PUBLIC" : SqlIdentifier.Quote(g.Grantee))}{(g.Grantable ? " WITH GRANT OPTION" : "")}");
        }
        return sql;
    }

    private static string? SetClause(string name, string value, out string why)
    {
        why = "";
        if (!SettingName().IsMatch(name))
        {
            why = $"'{name}' is not a setting's name";
            return null;
        }
        if (LibrarySetting().IsMatch(name))
        {
            why = $"'{name}' would load server libraries into the database's sessions";
            return null;
        }
        var values = ListSettings.Contains(name.ToLowerInvariant(), StringComparer.Ordinal) ? ListElements(value) : [value];
        return $"SET {name} TO {string.Join(", ", values.Select(Literal))}";
    }

    /// <summary>A list setting's elements as PostgreSQL stores them: comma-separated, each maybe double-quoted.</summary>
    private static List<string> ListElements(string value)
    {
        var elements = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '"' && quoted && i + 1 < value.Length && value[i + 1] == '"') { current.Append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { elements.Add(current.ToString().Trim()); current.Clear(); }
            else current.Append(c);
        }
        elements.Add(current.ToString().Trim());
        return elements;
    }

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    internal void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject("database");
        json.WriteString("owner", Owner);
        json.WriteStartArray("settings");
        foreach (var s in Settings) { json.WriteStartObject(); json.WriteString("name", s.Name); json.WriteString("value", s.Value); json.WriteEndObject(); }
        json.WriteEndArray();
        json.WriteStartArray("role_settings");
        foreach (var s in RoleSettings) { json.WriteStartObject(); json.WriteString("role", s.Role); json.WriteString("name", s.Name); json.WriteString("value", s.Value); json.WriteEndObject(); }
        json.WriteEndArray();
        if (Grants is null) json.WriteNull("grants");
        else
        {
            json.WriteStartArray("grants");
            foreach (var g in Grants)
            {
                json.WriteStartObject();
                if (g.Grantee is null) json.WriteNull("grantee"); else json.WriteString("grantee", g.Grantee);
                json.WriteString("privilege", g.Privilege);
                json.WriteBoolean("grantable", g.Grantable);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    internal static DatabaseProperties Read(JsonElement e) => new(
        Text(e, "owner"),
        [.. e.GetProperty("settings").EnumerateArray().Select(s => new DatabaseSetting(Text(s, "name"), Text(s, "value")))],
        [.. e.GetProperty("role_settings").EnumerateArray().Select(s => new RoleSetting(Text(s, "role"), Text(s, "name"), Text(s, "value")))],
        e.GetProperty("grants").ValueKind == JsonValueKind.Null ? null
            : [.. e.GetProperty("grants").EnumerateArray().Select(g => new DatabaseGrant(
                g.GetProperty("grantee").ValueKind == JsonValueKind.Null ? null : Text(g, "grantee"),
                Text(g, "privilege"), g.GetProperty("grantable").GetBoolean()))]);

    // a string, or InvalidOperationException (which the manifest's reader reports) for anything else
    private static string Text(JsonElement e, string name) =>
        e.GetProperty(name).GetString() ?? throw new InvalidOperationException($"'{name}' is not a string");
}
