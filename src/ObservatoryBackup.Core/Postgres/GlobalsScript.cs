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
public sealed record GlobalsStatement(GlobalsStatementKind Kind, string Sql, long Line, string? Role = null, string? Member = null, string? Tablespace = null);

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

    private const string Ident = """(?:[a-z_][a-z0-9_$]*|"(?:[^"]|"")+")""";
    private const string Literal = "'(?:[^']|'')*'";
    private const string GranteeName = $"(?:{Ident}|PUBLIC)";
    private const string Parameter = $"{Ident}(?:\\.{Ident})*";

    // Settings no role may carry from a backup: they load server libraries into every session of the role.
    [GeneratedRegex(@"\A""?(?:session_preload_libraries|local_preload_libraries|shared_preload_libraries|dynamic_library_path)""?\z")]
    private static partial Regex LibrarySetting();

    [GeneratedRegex(@"\ASET (?:default_transaction_read_only = off|client_encoding = 'UTF8'|standard_conforming_strings = on);\z")]
    private static partial Regex Setting();

    [GeneratedRegex($@"\ACREATE ROLE ({Ident});\z")]
    private static partial Regex CreateRole();

    [GeneratedRegex($@"\AALTER ROLE ({Ident}) WITH(?: (?:NO)?(?:SUPERUSER|INHERIT|CREATEROLE|CREATEDB|LOGIN|REPLICATION|BYPASSRLS)| CONNECTION LIMIT -?\d+| PASSWORD {Literal}| VALID UNTIL {Literal})+;\z")]
    private static partial Regex RoleAttributes();

    [GeneratedRegex($@"\AALTER ROLE ({Ident})(?: IN DATABASE {Ident})? SET ({Parameter}) TO {Literal}(?:, {Literal})*;\z")]
    private static partial Regex RoleSetting();

    [GeneratedRegex($@"\A(?:COMMENT ON ROLE ({Ident})|SECURITY LABEL FOR {Ident} ON ROLE ({Ident})) IS {Literal};\z")]
    private static partial Regex RoleComment();

    [GeneratedRegex($@"\AGRANT ({Ident}) TO ({Ident})(?: WITH (?:ADMIN|INHERIT|SET) (?:OPTION|TRUE|FALSE)(?:, (?:ADMIN|INHERIT|SET) (?:OPTION|TRUE|FALSE))*)?(?: GRANTED BY {Ident})?;\z")]
    private static partial Regex Membership();

    [GeneratedRegex($@"\A(?:GRANT|REVOKE) (?:ALL|SET|ALTER SYSTEM)(?:, ?(?:SET|ALTER SYSTEM))* ON PARAMETER {Parameter} (?:TO|FROM) ({GranteeName})(?: WITH GRANT OPTION)?(?: GRANTED BY {Ident})?;\z")]
    private static partial Regex ParameterPrivilege();

    [GeneratedRegex($@"\ACREATE TABLESPACE ({Ident}) OWNER {Ident} LOCATION {Literal};\z")]
    private static partial Regex CreateTablespace();

    [GeneratedRegex($@"\A(?:ALTER TABLESPACE ({Ident}) SET \([a-z_]+=[0-9.]+(?:, ?[a-z_]+=[0-9.]+)*\)|(?:GRANT|REVOKE) (?:ALL|CREATE) ON TABLESPACE ({Ident}) (?:TO|FROM) {GranteeName}(?: WITH GRANT OPTION)?(?: GRANTED BY {Ident})?|COMMENT ON TABLESPACE ({Ident}) IS {Literal}|SECURITY LABEL FOR {Ident} ON TABLESPACE ({Ident}) IS {Literal});\z")]
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
        Match m;
        GlobalsStatement? statement =
            Setting().IsMatch(sql) ? new(GlobalsStatementKind.Setting, sql, _statementLine)
            : (m = CreateRole().Match(sql)).Success ? new(GlobalsStatementKind.CreateRole, sql, _statementLine, Role: Name(m.Groups[1]))
            : (m = RoleAttributes().Match(sql)).Success ? new(GlobalsStatementKind.RoleAttributes, sql, _statementLine, Role: Name(m.Groups[1]))
            : (m = RoleSetting().Match(sql)).Success ? RoleSettingStatement(sql, m)
            : (m = RoleComment().Match(sql)).Success ? new(GlobalsStatementKind.RoleComment, sql, _statementLine, Role: Name(First(m)))
            : (m = Membership().Match(sql)).Success ? new(GlobalsStatementKind.Membership, sql, _statementLine, Role: Name(m.Groups[1]), Member: Name(m.Groups[2]))
            : (m = ParameterPrivilege().Match(sql)).Success ? new(GlobalsStatementKind.ParameterPrivilege, sql, _statementLine, Role: Grantee(m.Groups[1]))
            : (m = CreateTablespace().Match(sql)).Success ? new(GlobalsStatementKind.CreateTablespace, sql, _statementLine, Tablespace: Name(m.Groups[1]))
            : (m = TablespaceProperty().Match(sql)).Success ? new(GlobalsStatementKind.TablespaceProperty, sql, _statementLine, Tablespace: Name(First(m)))
            : null;
        if (statement is null)
        {
            Refuse(_statementLine, $"'{Shorten(sql)}', which is not a statement pg_dumpall --globals-only writes");
            return;
        }
        _statements.Add(statement);
    }

    private GlobalsStatement? RoleSettingStatement(string sql, Match m)
    {
        if (!LibrarySetting().IsMatch(m.Groups[2].Value))
            return new(GlobalsStatementKind.RoleSetting, sql, _statementLine, Role: Name(m.Groups[1]));
        Refuse(_statementLine, $"'{Shorten(sql)}', which would load server libraries into the role's sessions");
        return null;
    }

    private static Group First(Match m) => m.Groups.Values.Skip(1).First(g => g.Success);

    private static string? Grantee(Group g) => g.Value == "PUBLIC" ? null : Name(g);

    /// <summary>An identifier as PostgreSQL names it: unquoted and lower case as written, or quoted with "" for ".</summary>
    internal static string Name(Group g) =>
        g.Value.StartsWith('"') ? g.Value[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : g.Value;

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
