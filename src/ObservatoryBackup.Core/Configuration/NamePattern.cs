using System.Text;
using System.Text.RegularExpressions;

namespace ObservatoryBackup.Configuration;

/// <summary>
/// A name as pg_dump's <c>-t</c> and <c>-n</c> take it: letters outside double quotes fold to lower case,
/// <c>*</c> matches any run of characters and <c>?</c> one, <c>.</c> separates the schema from the name;
/// inside double quotes every character stands for itself (<c>""</c> for one quote). The regular
/// expressions psql also reads in a pattern (<c>[0-9]</c>, <c>|</c>, …) are refused rather than read
/// differently: quote such a name.
/// </summary>
public sealed record NamePattern(string Text, Regex? Schema, Regex Name)
{
    /// <summary>Whether an object of <paramref name="schema"/> named <paramref name="name"/> (both as stored, unquoted) matches.</summary>
    public bool Matches(string schema, string name) => (Schema is null || Schema.IsMatch(schema)) && Name.IsMatch(name);

    /// <summary>Whether a schema named <paramref name="schema"/> matches a pattern of schemas (one part, no dot).</summary>
    public bool MatchesSchema(string schema) => Name.IsMatch(schema);

    /// <summary>The pattern <paramref name="text"/> reads as: up to <paramref name="parts"/> dot-separated parts; null with the reason when it is not one.</summary>
    public static NamePattern? TryParse(string text, int parts, out string why)
    {
        why = "";
        var read = new List<StringBuilder> { new() };
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c))
            {
                why = "it holds a control character";
                return null;
            }
            if (c == '"')
            {
                if (quoted && i + 1 < text.Length && text[i + 1] == '"')
                {
                    read[^1].Append('"');
                    i++;
                }
                else quoted = !quoted;
            }
            else if (quoted) read[^1].Append(Regex.Escape(c.ToString()));
            else if (c == '.') read.Add(new());
            else if (c == '*') read[^1].Append(".*");
            else if (c == '?') read[^1].Append('.');
            else if ("[]()|+^{}\\".Contains(c))
            {
                why = $"'{c}' is a regular expression there; quote a name that holds it";
                return null;
            }
            else read[^1].Append(Regex.Escape(c is >= 'A' and <= 'Z' ? char.ToLowerInvariant(c).ToString() : c.ToString()));
        }
        if (quoted)
        {
            why = "a double quote is not closed";
            return null;
        }
        if (read.Count > parts)
        {
            why = parts == 1 ? "a schema's name has no dot outside double quotes" : "it has more than a schema and a name";
            return null;
        }
        if (read.Any(p => p.Length == 0))
        {
            why = "a part of it is empty";
            return null;
        }
        static Regex Whole(StringBuilder p) => new("^(?:" + p + ")$", RegexOptions.CultureInvariant | RegexOptions.Singleline);
        return new NamePattern(text, read.Count == 2 ? Whole(read[0]) : null, Whole(read[^1]));
    }
}
