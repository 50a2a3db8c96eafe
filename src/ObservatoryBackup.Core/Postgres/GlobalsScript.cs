using System.Text;
using System.Text.RegularExpressions;

namespace ObservatoryBackup.Postgres;

/// <summary>What a statement of the globals does, and so whether a restore runs it.</summary>
public enum GlobalsStatementKind
{
    /// <summary>A session setting pg_dumpall writes at the top (checked, not run: the restore's session has it).</summary>
    Setting,
    CreateRole,
    /// <summary>ALTER ROLE … WITH attributes (and the password, when the backup kept it).</summary>
    RoleAttributes,
    /// <summary>ALTER ROLE … SET: a role's configuration.</summary>
    RoleSetting,
    /// <summary>COMMENT or SECURITY LABEL on a role.</summary>
    RoleComment,
    /// <summary>GRANT role TO member.</summary>
    Membership,
    /// <summary>GRANT or REVOKE on a configuration parameter.</summary>
    ParameterPrivilege,
    CreateTablespace,
    /// <summary>ALTER TABLESPACE … SET, GRANT or REVOKE on it, COMMENT or SECURITY LABEL on it.</summary>
    TablespaceProperty,
}

/// <summary>One statement of the globals, as pg_dumpall wrote it, with the names it touches (unquoted).</summary>
/// <param name="Line">The line it starts on.</param>
/// <param name="Role">The role it creates or changes, or the grantee; null for a tablespace's statement or PUBLIC.</param>
/// <param name="Member">For a membership, the role granted to.</param>
/// <param name="Tablespace">The tablespace it creates or changes.</param>
/// <param name="What">What it does to <see cref="Role"/> (or, for a membership, to <see cref="Member"/>), for the log: never a literal.</param>
/// <param name="Privileges">The privileged rights it grants of itself: SUPERUSER, CREATEROLE, REPLICATION, BYPASSRLS, a privilege on a parameter.</param>
public sealed record GlobalsStatement(GlobalsStatementKind Kind, string Sql, long Line, string? Role = null, string? Member = null, string? Tablespace = null,
    string What = "", IReadOnlyList<string>? Privileges = null)
{
    public IReadOnlyList<string> Privileges { get; } = Privileges ?? [];
}

/// <summary>
/// The globals backup's SQL (<c>pg_dumpall --globals-only</c>) read as a list of statements, each of
/// a form pg_dumpall writes, matched whole: CREATE ROLE, ALTER ROLE (attributes, settings), role
/// memberships, privileges on parameters, tablespaces, and comments and labels on those. Anything
/// else (another statement, a second statement on the line, a psql meta-command but pg_dumpall's own
/// <c>\restrict</c> lines) is in <see cref="Refused"/>: the restore runs these statements itself,
/// one by one, and never hands the SQL to psql. Fed the dump's events as the SQL streams past; memory is the statements.
/// </summary>
public sealed partial class GlobalsScript
{
    /// <summary>Longer than any statement pg_dumpall writes; a longer one is refused rather than held.</summary>
    public const int MaxStatementLength = 1 << 20;

    private const string Ident = SqlIdentifier.Pattern;
    private const string Literal = "'(?:[^']|'')*'";
    private const string GranteeName = $"(?:{Ident}|PUBLIC)";
    private const string Parameter = $"{Ident}(?:\\.{Ident})*";

    /// <summary>PostgreSQL keeps 63 bytes of a name (NAMEDATALEN less one) and cuts a longer one to them.</summary>
    public const int MaxNameBytes = 63;

    // Settings no role may carry from a backup: they load server libraries into every session of the role.
    private static readonly HashSet<string> LibrarySettings = new(StringComparer.Ordinal)
        { "session_preload_libraries", "local_preload_libraries", "shared_preload_libraries", "dynamic_library_path" };

    // Words PostgreSQL reads as something else than a role where a role is named (ALTER ROLE ALL, CURRENT_USER,
    // PUBLIC...): pg_dumpall quotes a role so named, and "public" and "none" are no role's name even quoted.
    private static readonly HashSet<string> RoleKeywords = new(StringComparer.Ordinal)
        { "all", "current_role", "current_user", "session_user", "user", "public", "none" };

    /// <summary>The attributes that make a role privileged: a restore gives them only when allowed.</summary>
    public static readonly IReadOnlySet<string> PrivilegedAttributes = new HashSet<string>(StringComparer.Ordinal)
        { "SUPERUSER", "CREATEROLE", "REPLICATION", "BYPASSRLS" };

    [GeneratedRegex(@"\ASET (?:default_transaction_read_only = off|client_encoding = 'UTF8'|standard_conforming_strings = on);\z")]
    private static partial Regex Setting();

    [GeneratedRegex($@"\ACREATE ROLE (?<role>{Ident});\z")]
    private static partial Regex CreateRole();

    [GeneratedRegex($@"\AALTER ROLE (?<role>{Ident}) WITH(?: (?<attr>(?:NO)?(?:SUPERUSER|INHERIT|CREATEROLE|CREATEDB|LOGIN|REPLICATION|BYPASSRLS))| (?<attr>CONNECTION LIMIT) -?\d+| (?<attr>PASSWORD) {Literal}| (?<attr>VALID UNTIL) {Literal})+;\z")]
    private static partial Regex RoleAttributes();

    [GeneratedRegex($@"\AALTER ROLE (?<role>{Ident})(?: IN DATABASE (?<db>{Ident}))? SET (?<param>{Parameter}) TO {Literal}(?:, {Literal})*;\z")]
    private static partial Regex RoleSetting();

    [GeneratedRegex($@"\A(?:(?<what>COMMENT) ON ROLE (?<role>{Ident})|(?<what>SECURITY LABEL) FOR {Ident} ON ROLE (?<role>{Ident})) IS {Literal};\z")]
    private static partial Regex RoleComment();

    [GeneratedRegex($@"\AGRANT (?<role>{Ident}) TO (?<member>{Ident})(?<options> WITH (?:ADMIN|INHERIT|SET) (?:OPTION|TRUE|FALSE)(?:, (?:ADMIN|INHERIT|SET) (?:OPTION|TRUE|FALSE))*)?(?: GRANTED BY (?<grantor>{Ident}))?;\z")]
    private static partial Regex Membership();

    [GeneratedRegex($@"\A(?<verb>GRANT|REVOKE) (?<privileges>(?:ALL|SET|ALTER SYSTEM)(?:, ?(?:SET|ALTER SYSTEM))*) ON PARAMETER (?<param>{Parameter}) (?:TO|FROM) (?<grantee>{GranteeName})(?: WITH GRANT OPTION)?(?: GRANTED BY (?<grantor>{Ident}))?;\z")]
    private static partial Regex ParameterPrivilege();

    [GeneratedRegex($@"\ACREATE TABLESPACE (?<ts>{Ident}) OWNER (?<owner>{Ident}) LOCATION {Literal};\z")]
    private static partial Regex CreateTablespace();

    [GeneratedRegex($@"\A(?:ALTER TABLESPACE (?<ts>{Ident}) SET \([a-z_]+=[0-9.]+(?:, ?[a-z_]+=[0-9.]+)*\)|(?:GRANT|REVOKE) (?:ALL|CREATE) ON TABLESPACE (?<ts>{Ident}) (?:TO|FROM) (?<grantee>{GranteeName})(?: WITH GRANT OPTION)?(?: GRANTED BY (?<grantor>{Ident}))?|COMMENT ON TABLESPACE (?<ts>{Ident}) IS {Literal}|SECURITY LABEL FOR {Ident} ON TABLESPACE (?<ts>{Ident}) IS {Literal});\z")]
    private static partial Regex TablespaceProperty();

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    private readonly List<GlobalsStatement> _statements = [];
    private readonly List<byte> _line = [];
    private readonly StringBuilder _statement = new();
    private long _lineNumber;
    private long _statementLine;
    private bool _inLiteral;
    private bool _inIdent;

    /// <summary>The statements read so far, in order.</summary>
    public IReadOnlyList<GlobalsStatement> Statements => _statements;

    /// <summary>The first thing read that is not a statement pg_dumpall writes, with its line; null while there is none.</summary>
    public (long Line, string Why)? Refused { get; private set; }

    /// <summary>Reads the next piece of the SQL: a line or a part of one, in order, as <see cref="PlainDumpReader"/> gives them one line per event.</summary>
    public void Read(in DumpEvent piece)
    {
        if (Refused is not null) return;
        var bytes = piece.Bytes.Span;
        if (!bytes.EndsWith("\n"u8) || _line.Count + bytes.Length - 1 > MaxStatementLength)
        {
            if (_line.Count + bytes.Length > MaxStatementLength) Refuse(_lineNumber + 1, "a line longer than any pg_dumpall writes");
            else _line.AddRange(bytes);
            return;
        }
        _line.AddRange(bytes[..^1]);
        Line();
    }

    /// <summary>Reads a last line without its newline; a statement left open is refused.</summary>
    public void Complete()
    {
        if (_line.Count > 0) Line();
        if (Refused is null && _statement.Length > 0) Refuse(_statementLine, "a statement that does not end");
    }

    private void Line()
    {
        _lineNumber++;
        string text;
        try
        {
            text = StrictUtf8.GetString([.. _line]);
        }
        catch (DecoderFallbackException)
        {
            Refuse(_lineNumber, "bytes that are not UTF-8");
            return;
        }
        finally
        {
            _line.Clear();
        }
        if (text.EndsWith('\r')) text = text[..^1];

        if (_statement.Length == 0)
        {
            if (text.Trim().Length == 0 || text.StartsWith("--", StringComparison.Ordinal)) return;
            if (text.StartsWith('\\'))
            {
                if (!PlainDumpReader.IsOwnMetaCommand(Encoding.UTF8.GetBytes(text))) Refuse(_lineNumber, "a psql meta-command");
                return;
            }
            _statementLine = _lineNumber;
        }
        else
        {
            _statement.Append('\n');
        }
        _statement.Append(text);
        if (_statement.Length > MaxStatementLength)
        {
            Refuse(_statementLine, "a statement longer than any pg_dumpall writes");
            return;
        }
        Quotes(text);
        if (_inLiteral || _inIdent || !text.EndsWith(';')) return;
        Classify(_statement.ToString());
        _statement.Clear();
    }

    /// <summary>Follows quotes as PostgreSQL reads them with standard_conforming_strings on (which the globals' own SET says, and must).</summary>
    private void Quotes(string text)
    {
        foreach (var c in text)
        {
            if (_inLiteral) { if (c == '\'') _inLiteral = false; }
            else if (_inIdent) { if (c == '"') _inIdent = false; }
            else if (c == '\'') _inLiteral = true;
            else if (c == '"') _inIdent = true;
        }
    }

    private void Classify(string sql)
    {
        var line = _statementLine;
        var m = Match.Empty;
        GlobalsStatement? statement =
            Setting().IsMatch(sql) ? new(GlobalsStatementKind.Setting, sql, line)
            : (m = CreateRole().Match(sql)).Success ? new(GlobalsStatementKind.CreateRole, sql, line, Role(m), What: "created")
            : (m = RoleAttributes().Match(sql)).Success ? new(GlobalsStatementKind.RoleAttributes, sql, line, Role(m),
                What: "attributes " + string.Join(' ', Captures(m, "attr")),
                Privileges: [.. Captures(m, "attr").Where(PrivilegedAttributes.Contains)])
            : (m = RoleSetting().Match(sql)).Success ? new(GlobalsStatementKind.RoleSetting, sql, line, Role(m),
                What: $"setting {m.Groups["param"].Value}" + (m.Groups["db"].Success ? $" in database {m.Groups["db"].Value}" : ""))
            : (m = RoleComment().Match(sql)).Success ? new(GlobalsStatementKind.RoleComment, sql, line, Role(m), What: m.Groups["what"].Value.ToLowerInvariant())
            : (m = Membership().Match(sql)).Success ? new(GlobalsStatementKind.Membership, sql, line, Role(m), Member: Name(m.Groups["member"]),
                What: $"member of {Role(m)}{m.Groups["options"].Value}")
            : (m = ParameterPrivilege().Match(sql)).Success ? ParameterPrivilegeStatement(sql, line, m)
            : (m = CreateTablespace().Match(sql)).Success ? new(GlobalsStatementKind.CreateTablespace, sql, line, Tablespace: Name(m.Groups["ts"]))
            : (m = TablespaceProperty().Match(sql)).Success ? new(GlobalsStatementKind.TablespaceProperty, sql, line, Tablespace: Name(m.Groups["ts"]))
            : null;
        if (statement is null)
        {
            Refuse(line, $"'{Shorten(sql)}', which is not a statement pg_dumpall --globals-only writes");
            return;
        }
        if (LongName(sql) is { } longName)
            Refuse(line, $"the name {longName}, longer than the {MaxNameBytes} bytes PostgreSQL keeps of a name: it would cut it to another, " +
                "maybe an existing role's, and pg_dumpall never writes a name longer than the catalog holds");
        else if (RoleKeyword(m) is { } keyword)
            Refuse(line, $"'{Shorten(sql)}', where PostgreSQL reads {keyword} as a keyword rather than a role's name (pg_dumpall writes a role so named quoted, and no role is named \"public\" or \"none\")");
        else if (m.Groups["param"] is { Success: true } param && LibrarySettings.Contains(Folded(param.Value)))
            Refuse(line, $"'{Shorten(sql)}', which would load server libraries into a role's sessions");
        else
            _statements.Add(statement);
    }

    private static GlobalsStatement ParameterPrivilegeStatement(string sql, long line, Match m)
    {
        var grant = m.Groups["verb"].Value == "GRANT";
        var what = $"{m.Groups["privileges"].Value} on parameter {m.Groups["param"].Value}";
        return new(GlobalsStatementKind.ParameterPrivilege, sql, line, m.Groups["grantee"].Value == "PUBLIC" ? null : Name(m.Groups["grantee"]),
            What: (grant ? "granted " : "revoked ") + what, Privileges: grant ? [what] : []);
    }

    private static string Role(Match m) => Name(m.Groups["role"]);

    private static IEnumerable<string> Captures(Match m, string group) => m.Groups[group].Captures.Select(c => c.Value);

    /// <summary>A name in <paramref name="sql"/>, quoted or not, longer than PostgreSQL keeps (shown shortened), or null.</summary>
    private static string? LongName(string sql)
    {
        for (var i = 0; i < sql.Length; i++)
        {
            var start = i;
            if (sql[i] == '\'')
            {
                // a literal, which sql holds only as the statement's forms do: '' inside, closed
                for (i++; i < sql.Length && !(sql[i] == '\'' && (i + 1 == sql.Length || sql[i + 1] != '\'')); i++)
                    if (sql[i] == '\'') i++;
                continue;
            }
            string name;
            if (sql[i] == '"')
            {
                for (i++; i < sql.Length && !(sql[i] == '"' && (i + 1 == sql.Length || sql[i + 1] != '"')); i++)
                    if (sql[i] == '"') i++;
                name = sql[(start + 1)..Math.Min(i, sql.Length)].Replace("\"\"", "\"", StringComparison.Ordinal);
            }
            else if (char.IsAsciiLetter(sql[i]) || sql[i] == '_')
            {
                while (i + 1 < sql.Length && (char.IsAsciiLetterOrDigit(sql[i + 1]) || sql[i + 1] is '_' or '$')) i++;
                name = sql[start..(i + 1)];
            }
            else continue;
            if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes) return $"'{name[..Math.Min(name.Length, 20)]}…' ({Encoding.UTF8.GetByteCount(name)} bytes)";
        }
        return null;
    }

    /// <summary>A role's place in <paramref name="m"/> holding a word PostgreSQL reads as other than that role, as written, or null.</summary>
    private static string? RoleKeyword(Match m)
    {
        foreach (var group in new[] { "role", "member", "grantor", "grantee", "owner" })
            foreach (var c in m.Groups[group].Captures.Cast<Capture>())
            {
                var quoted = c.Value.StartsWith('"');
                var name = quoted ? c.Value[1..^1] : c.Value;
                if (quoted ? name is "public" or "none" : RoleKeywords.Contains(name)) return c.Value;
            }
        return null;
    }

    /// <summary>A parameter's name as PostgreSQL looks it up: quotes off, case folded (a setting's name is case-insensitive, quoted or not).</summary>
    private static string Folded(string parameter) => parameter.Replace("\"", "", StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>An identifier as PostgreSQL names it: unquoted and lower case as written, or quoted with "" for ".</summary>
    internal static string Name(Group g) => SqlIdentifier.Unquote(g.Value);

    // string literals are left out of messages: one may hold a password hash
    private static string Shorten(string sql)
    {
        var shown = AnyLiteral().Replace(sql, "'…'");
        return shown.Length <= 120 ? shown : shown[..120] + "…";
    }

    [GeneratedRegex(Literal)]
    private static partial Regex AnyLiteral();

    private void Refuse(long line, string why) => Refused ??= (line, why);
}
