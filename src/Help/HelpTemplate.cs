namespace ObservatoryBackup.Help;

/// <summary>
/// A help text that names other parameters by placeholder, <c>{IncludeGlobals}</c> for a parameter and
/// <c>{Get-ObsBackup}</c> for a command (the cmdlets' names), so that each face words it in its own names.
/// </summary>
internal static class HelpTemplate
{
    /// <summary><paramref name="text"/> with each placeholder replaced by what <paramref name="name"/> makes of it.</summary>
    public static string Render(string text, Func<string, string> name)
    {
        var rendered = new System.Text.StringBuilder(text.Length + 32);
        var at = 0;
        while (text.IndexOf('{', at) is var open and >= 0)
        {
            var close = text.IndexOf('}', open);
            if (close < 0) throw new FormatException($"'{text}' opens a placeholder it does not close");
            rendered.Append(text, at, open - at).Append(name(text[(open + 1)..close]));
            at = close + 1;
        }
        return rendered.Append(text, at, text.Length - at).ToString();
    }

    /// <summary>The placeholders of <paramref name="text"/>, in order.</summary>
    public static IEnumerable<string> Placeholders(string text)
    {
        var names = new List<string>();
        Render(text, n =>
        {
            names.Add(n);
            return "";
        });
        return names;
    }

    /// <summary>A placeholder as the cmdlets name it: a command as it is, a parameter with its dash.</summary>
    public static string PowerShellName(string placeholder) => placeholder.Contains('-', StringComparison.Ordinal) ? placeholder : "-" + placeholder;
}
