using System.Text.RegularExpressions;

namespace ObservatoryBackup.Tests.Operations;

/// <summary>The metric names a PromQL expression reads: what is left once strings, label matchers, ranges, grouping lists, Grafana's variables, functions and keywords are gone.</summary>
internal static partial class PromQL
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "Inf", "NaN", "inf", "nan",
        "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile",
    };

    public static IEnumerable<string> MetricNames(string expr)
    {
        var rest = Strings().Replace(expr, "\"\"");
        rest = Braces().Replace(rest, " ");
        rest = Brackets().Replace(rest, " ");
        rest = Grouping().Replace(rest, "$1 ");
        rest = GrafanaVariable().Replace(rest, " ");
        return Identifier().Matches(rest).Select(m => m.Value).Where(name => !Keywords.Contains(name));
    }

    /// <summary>The metric a Grafana <c>label_values(metric{…}, label)</c> query reads; null for one without a metric.</summary>
    public static string? LabelValuesMetric(string query) => LabelValues().Match(query) is { Success: true } m && m.Groups[1].Success ? m.Groups[1].Value : null;

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\$\{?\w+\}?")]
    private static partial Regex GrafanaVariable();

    // a name not glued to a number or another name, and not a function's (not followed by a parenthesis)
    [GeneratedRegex(@"(?<![\w.:])(?>[a-zA-Z_:][\w:]*)(?!\s*\()")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^\s*label_values\(\s*(?:([a-zA-Z_:][\w:]*)\s*(?:\{[^}]*\})?\s*,)?\s*\w+\s*\)\s*$")]
    private static partial Regex LabelValues();
}
