namespace ObservatoryBackup.Postgres;

/// <summary>
/// The objects a statement of pg_dump's names, read from its words: pg_dump qualifies every name with its
/// schema (it dumps with an empty search_path) and quotes what needs it, so a name is read whole, quotes
/// and all, never split at a space or dot inside quotes. For choosing the part of a dump a restore loads.
/// </summary>
public static class StatementNames
{
    private enum Kind { Word, Quoted, String, Symbol }

    private readonly record struct Token(Kind Kind, string Text);

    /// <summary>
    /// The relation named after the first place the words <paramref name="words"/> follow each other
    /// outside quotes and strings (an <c>ONLY</c> after them skipped), as (schema, name) unquoted; null when there is none.
    /// </summary>
    public static (string Schema, string Name)? After(string sql, params string[] words)
    {
        var tokens = Tokenize(sql);
        if (Past(tokens, words) is not { } at) return null;
        if (at < tokens.Count && tokens[at] is { Kind: Kind.Word, Text: "ONLY" }) at++;
        return Qualified(tokens, at);
    }

    /// <summary>The unqualified name (a constraint's, unquoted) right after the first place the words <paramref name="words"/> follow each other outside quotes and strings; null when there is none.</summary>
    public static string? NameAfter(string sql, params string[] words)
    {
        var tokens = Tokenize(sql);
        return Past(tokens, words) is { } at && at < tokens.Count && IsName(tokens[at]) ? tokens[at].Text : null;
    }

    /// <summary>Where the tokens go on after the first place <paramref name="words"/> follow each other as words; null when they never do.</summary>
    private static int? Past(List<Token> tokens, string[] words)
    {
        for (var i = 0; i + words.Length <= tokens.Count; i++)
            if (words.Select((w, k) => tokens[i + k] is { Kind: Kind.Word } t && t.Text == w).All(x => x))
                return i + words.Length;
        return null;
    }

    /// <summary>The sequences a statement's <c>nextval('schema.name'::regclass)</c> calls name, as (schema, name) unquoted.</summary>
    public static IEnumerable<(string Schema, string Name)> NextvalSequences(string sql)
    {
        var tokens = Tokenize(sql);
        for (var i = 0; i + 2 < tokens.Count; i++)
            if (tokens[i] is { Kind: Kind.Word, Text: "nextval" } && tokens[i + 1].Text == "(" && tokens[i + 2].Kind == Kind.String
                && Qualified(Tokenize(tokens[i + 2].Text), 0) is { } sequence)
                yield return sequence;
    }

    private static (string, string)? Qualified(List<Token> tokens, int at)
    {
        if (at + 2 >= tokens.Count || !IsName(tokens[at]) || tokens[at + 1] is not { Kind: Kind.Symbol, Text: "." } || !IsName(tokens[at + 2])) return null;
        return (tokens[at].Text, tokens[at + 2].Text);
    }

    private static bool IsName(Token t) => t.Kind is Kind.Word or Kind.Quoted;

    /// <summary>Words (as written), quoted names (unquoted), string literals (their text, '' read as '), and single symbols.</summary>
    private static List<Token> Tokenize(string sql)
    {
        var tokens = new List<Token>();
        for (var i = 0; i < sql.Length;)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c)) i++;
            else if (c is '"' or '\'')
            {
                var text = new System.Text.StringBuilder();
                var j = i + 1;
                for (; j < sql.Length; j++)
                {
                    if (sql[j] != c) text.Append(sql[j]);
                    else if (j + 1 < sql.Length && sql[j + 1] == c) text.Append(sql[j++]);
                    else break;
                }
                tokens.Add(new Token(c == '"' ? Kind.Quoted : Kind.String, text.ToString()));
                i = j + 1;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var j = i;
                while (j < sql.Length && (char.IsLetterOrDigit(sql[j]) || sql[j] is '_' or '$')) j++;
                tokens.Add(new Token(Kind.Word, sql[i..j]));
                i = j;
            }
            else
            {
                tokens.Add(new Token(Kind.Symbol, c.ToString()));
                i++;
            }
        }
        return tokens;
    }
}
