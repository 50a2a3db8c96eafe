using System.Text.RegularExpressions;

namespace ObservatoryBackup.Configuration;

/// <summary>
/// Which databases of a server a run backs up: those named, or every connectable one but the
/// templates, less those matching an exclusion (<c>*</c> and <c>?</c> wildcards, whole names).
/// </summary>
public sealed record DatabaseSelection(IReadOnlyList<string> Names, bool All, IReadOnlyList<string> Excluded)
{
    /// <summary>Of <paramref name="candidates"/> (the named ones, or the server's with <see cref="All"/>), those no exclusion matches, in name order.</summary>
    public IReadOnlyList<string> Filter(IEnumerable<string> candidates)
    {
        var excluded = Excluded.Select(Glob).ToList();
        return [.. candidates.Where(name => !excluded.Any(p => p.IsMatch(name))).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant | RegexOptions.Singleline);
}
