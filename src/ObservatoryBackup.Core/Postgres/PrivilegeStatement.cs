using System.Text;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// The one-line statements with which pg_dump gives a database's objects their owners and privileges
/// (<c>ALTER … OWNER TO r;</c>, <c>GRANT …;</c>, <c>REVOKE …;</c>, <c>ALTER DEFAULT PRIVILEGES …;</c>,
/// <c>SET/RESET SESSION AUTHORIZATION</c> around a grant by another grantor; and <c>ALTER TABLE … FORCE
/// ROW LEVEL SECURITY;</c>, which would subject the loading owner to the table's policies), which a contained load
/// holds back and the connecting user applies. That user may do anything, so each is matched whole
/// against the shape pg_dump writes: names, quoted names, keywords, numbers, <c>. , ( ) [ ]</c> and
/// (for operators) operator symbols; no string, no second action, no shared object (database,
/// tablespace, parameter), no role membership, no grant on a system schema's object.
/// </summary>
public static class PrivilegeStatement
{
    /// <summary>Whether the line (a whole statement) is one a contained load holds back: its first words say so.</summary>
    public static bool IsHeld(ReadOnlySpan<byte> line) =>
        line.StartsWith("GRANT "u8) || line.StartsWith("REVOKE "u8) || line.StartsWith("ALTER DEFAULT PRIVILEGES "u8) ||
        line.StartsWith("SET SESSION AUTHORIZATION "u8) || line.StartsWith("RESET SESSION AUTHORIZATION;"u8) ||
        line.StartsWith("ALTER "u8) && line.IndexOf(" OWNER TO "u8) > 0 ||
        line.StartsWith("ALTER TABLE "u8) && line.EndsWith(" FORCE ROW LEVEL SECURITY;"u8);

    /// <summary>Why <paramref name="line"/> is not of a shape pg_dump writes; null when it is.</summary>
    public static string? Refusal(string line)
    {
        if (Tokens(line) is not { } t) return "a string, comment or character pg_dump does not write in such a statement";
        var p = new Cursor(t);
        if (p.Word("SET") && p.Word("SESSION") && p.Word("AUTHORIZATION")) return p.Name() && p.End() ? null : "a SET SESSION AUTHORIZATION not of pg_dump's form";
        p = new Cursor(t);
        if (p.Word("RESET")) return p.Word("SESSION") && p.Word("AUTHORIZATION") && p.End() ? null : "a RESET not of pg_dump's form";
        p = new Cursor(t);
        if (p.Word("GRANT")) return Grant(p, "TO") ? null : "a GRANT not of pg_dump's form (on an object of this database, to roles)";
        p = new Cursor(t);
        if (p.Word("REVOKE")) return Grant(p, "FROM", revoke: true) ? null : "a REVOKE not of pg_dump's form (on an object of this database, from roles)";
        p = new Cursor(t);
        if (p.Word("ALTER") && p.Word("DEFAULT") && p.Word("PRIVILEGES"))
            return DefaultPrivileges(p) ? null : "an ALTER DEFAULT PRIVILEGES not of pg_dump's form";
        // the owner is subject to the table's policies only once the data is in: a load with row_security off would fail on it
        p = new Cursor(t);
        if (p.Word("ALTER") && p.Word("TABLE") && p.Optional("ONLY") && Qualified(p) && p.Word("FORCE") && p.Word("ROW") && p.Word("LEVEL") && p.Word("SECURITY") && p.End()) return null;
        p = new Cursor(t);
        return p.Word("ALTER") && Owner(p) ? null : "an ALTER … OWNER TO not of pg_dump's form (one object of this database, its owner, nothing else)";
    }

    // kinds whose objects are named by a (qualified) name alone
    private static readonly string[][] NamedKinds =
    [
        ["MATERIALIZED", "VIEW"], ["FOREIGN", "TABLE"], ["TEXT", "SEARCH", "CONFIGURATION"], ["TEXT", "SEARCH", "DICTIONARY"],
        ["FOREIGN", "DATA", "WRAPPER"], ["TABLE"], ["SEQUENCE"], ["VIEW"], ["TYPE"], ["DOMAIN"], ["SCHEMA"], ["COLLATION"],
        ["CONVERSION"], ["PUBLICATION"], ["SERVER"], ["STATISTICS"],
    ];

    private static readonly string[] Routines = ["FUNCTION", "PROCEDURE", "AGGREGATE", "ROUTINE"];

    private static bool Owner(Cursor p)
    {
        if (!Object(p, NamedKinds, grant: false)) return false;
        return p.Word("OWNER") && p.Word("TO") && p.Name() && p.End();
    }

    /// <summary>An object kind and the object: a name, a routine's signature, an operator's, a large object's number.</summary>
    private static bool Object(Cursor p, string[][] named, bool grant)
    {
        if (p.Word("LARGE")) return p.Word("OBJECT") && p.Number();
        if (Routines.Any(p.Word)) return Qualified(p) && Signature(p);
        if (!grant && p.Word("OPERATOR"))
        {
            if (p.Word("CLASS") || p.Word("FAMILY")) return Qualified(p) && p.Word("USING") && p.Name();
            var at = p.At;
            if (IsSystemSchema(p.Peek)) return false;
            if (!(p.Name() && p.Symbol("."))) p.At = at; // an operator's schema
            return p.Operator() && Signature(p);
        }
        if (grant && p.Word("LANGUAGE")) return p.Name();
        if (grant && p.Word("FOREIGN") && p.Word("SERVER")) return p.Name();
        foreach (var kind in named)
        {
            var at = p.At;
            if (kind.All(p.Word)) return Qualified(p);
            p.At = at;
        }
        return false;
    }

    /// <summary>A name of this database's object: up to three parts, none in a system schema.</summary>
    private static bool Qualified(Cursor p)
    {
        var first = p.Peek;
        if (!p.Name()) return false;
        var parts = 1;
        while (p.Symbol(".")) { if (!p.Name() || ++parts > 3) return false; }
        return !IsSystemSchema(first);
    }

    private static bool IsSystemSchema(string? name) =>
        name is not null && (name.Trim('"') is "pg_catalog" or "information_schema" or "pg_toast" || name.Trim('"').StartsWith("pg_temp", StringComparison.Ordinal));

    /// <summary>A routine's or operator's argument types in parentheses: names, NONE, VARIADIC, commas, array brackets.</summary>
    private static bool Signature(Cursor p)
    {
        if (!p.Symbol("(")) return false;
        while (!p.Symbol(")"))
            if (!(p.Name() || p.Symbol(",") || p.Symbol(".") || p.Symbol("[") || p.Symbol("]") || p.Symbol("*") || p.Number())) return false;
        return true;
    }

    private static bool Grant(Cursor p, string direction, bool revoke = false)
    {
        if (revoke && p.Word("GRANT")) { if (!(p.Word("OPTION") && p.Word("FOR"))) return false; }
        if (!Privileges(p)) return false;
        var grantOnSystem = false;
        var at = p.At;
        if (!Object(p, [["FOREIGN", "DATA", "WRAPPER"], ["TABLE"], ["SEQUENCE"], ["SCHEMA"], ["TYPE"], ["DOMAIN"]], grant: true))
        {
            // REVOKE on a system object takes a right away: harmless; GRANT on one is refused
            p.At = at;
            if (!revoke || !SystemObject(p)) return false;
            grantOnSystem = true;
        }
        if (!p.Word(direction) || !Grantees(p)) return false;
        if (!revoke && p.Word("WITH")) return p.Word("GRANT") && p.Word("OPTION") && p.End();
        if (revoke && p.Word("CASCADE")) return p.End();
        return p.End() && (revoke || !grantOnSystem);
    }

    /// <summary>An object in a system schema, for a REVOKE only.</summary>
    private static bool SystemObject(Cursor p)
    {
        if (Routines.Any(p.Word) || p.Word("TABLE") || p.Word("SEQUENCE") || p.Word("TYPE"))
        {
            if (!IsSystemSchema(p.Peek) || !p.Name() || !p.Symbol(".") || !p.Name()) return false;
            return p.Peek != "(" || Signature(p);
        }
        return p.Word("SCHEMA") && IsSystemSchema(p.Peek) && p.Name();
    }

    /// <summary>Privilege names, column lists in parentheses, commas, up to ON.</summary>
    private static bool Privileges(Cursor p)
    {
        var any = false;
        while (!p.Word("ON"))
        {
            if (!(p.Name() || p.Symbol(",") || p.Symbol("(") || p.Symbol(")"))) return false;
            any = true;
        }
        return any;
    }

    private static bool Grantees(Cursor p)
    {
        do { if (!p.Name()) return false; } while (p.Symbol(","));
        return true;
    }

    private static bool DefaultPrivileges(Cursor p)
    {
        if (!(p.Word("FOR") && (p.Word("ROLE") || p.Word("USER")) && p.Name())) return false;
        if (p.Word("IN") && !(p.Word("SCHEMA") && p.Name())) return false;
        var revoke = p.Word("REVOKE");
        if (!revoke && !p.Word("GRANT")) return false;
        if (revoke && p.Word("GRANT") && !(p.Word("OPTION") && p.Word("FOR"))) return false;
        if (!Privileges(p)) return false;
        if (!new[] { "TABLES", "SEQUENCES", "FUNCTIONS", "ROUTINES", "TYPES", "SCHEMAS" }.Any(p.Word)) return false;
        if (!p.Word(revoke ? "FROM" : "TO") || !Grantees(p)) return false;
        if (!revoke && p.Word("WITH")) return p.Word("GRANT") && p.Word("OPTION") && p.End();
        if (revoke && p.Word("CASCADE")) return p.End();
        return p.End();
    }

    private enum TokenKind { Word, Quoted, Number, Symbol, Operator }

    private readonly record struct Token(TokenKind Kind, string Text);

    /// <summary>The line's tokens; null when it holds anything but names, quoted names, numbers, punctuation and operator symbols.</summary>
    private static List<Token>? Tokens(string line)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (c == ' ') { i++; continue; }
            var start = i;
            if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or '$')) i++;
                tokens.Add(new(TokenKind.Word, line[start..i]));
            }
            else if (char.IsAsciiDigit(c))
            {
                while (i < line.Length && char.IsAsciiDigit(line[i])) i++;
                tokens.Add(new(TokenKind.Number, line[start..i]));
            }
            else if (c == '"')
            {
                var text = new StringBuilder("\"");
                for (i++; ; i++)
                {
                    if (i >= line.Length) return null;
                    if (line[i] == '"' && i + 1 < line.Length && line[i + 1] == '"') { text.Append("\"\""); i++; continue; }
                    if (line[i] == '"') { i++; break; }
                    if (line[i] is '\n' or '\r' or '\0') return null;
                    text.Append(line[i]);
                }
                tokens.Add(new(TokenKind.Quoted, text.Append('"').ToString()));
            }
            else if (c is '.' or ',' or '(' or ')' or '[' or ']' or ';')
            {
                tokens.Add(new(TokenKind.Symbol, c.ToString()));
                i++;
            }
            else if ("+-*/<>=~!@#%^&|`?".Contains(c))
            {
                while (i < line.Length && "+-*/<>=~!@#%^&|`?".Contains(line[i])) i++;
                var op = line[start..i];
                if (op.Contains("--", StringComparison.Ordinal) || op.Contains("/*", StringComparison.Ordinal)) return null;
                tokens.Add(new(op == "*" ? TokenKind.Symbol : TokenKind.Operator, op));
            }
            else return null;
        }
        return tokens;
    }

    private sealed class Cursor(List<Token> tokens)
    {
        public int At { get; set; }

        public string? Peek => At < tokens.Count ? tokens[At].Text : null;

        public bool Word(string word) => Take(t => t.Kind == TokenKind.Word && t.Text.Equals(word, StringComparison.OrdinalIgnoreCase));

        /// <summary>Takes the word when it is there; true either way.</summary>
        public bool Optional(string word) => Word(word) || true;

        public bool Name() => Take(t => t.Kind is TokenKind.Word or TokenKind.Quoted);

        public bool Number() => Take(t => t.Kind == TokenKind.Number);

        public bool Symbol(string symbol) => Take(t => t.Kind == TokenKind.Symbol && t.Text == symbol);

        public bool Operator() => Take(t => t.Kind is TokenKind.Operator || t.Kind == TokenKind.Symbol && t.Text == "*");

        /// <summary>The statement's semicolon, and nothing after it.</summary>
        public bool End() => Symbol(";") && At == tokens.Count;

        private bool Take(Func<Token, bool> matches)
        {
            if (At >= tokens.Count || !matches(tokens[At])) return false;
            At++;
            return true;
        }
    }
}
