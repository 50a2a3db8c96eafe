using System.Text.RegularExpressions;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Backup;

/// <summary>
/// Which databases of a server a run backs up: those named, or every connectable one but the
/// templates, less those matching an exclusion (<c>*</c> and <c>?</c> wildcards, whole names).
/// </summary>
public sealed record DatabaseSelection(IReadOnlyList<string> Names, bool All, IReadOnlyList<string> Excluded)
{
    /// <summary>The databases to back up, in name order; the named ones are taken as named (a missing one fails on its own).</summary>
    public async Task<IReadOnlyList<string>> ResolveAsync(DatabaseAdmin server, CancellationToken ct)
    {
        var candidates = All ? await server.ConnectableDatabaseNamesAsync(ct).ConfigureAwait(false) : Names;
        var excluded = Excluded.Select(Glob).ToList();
        return [.. candidates.Where(name => !excluded.Any(p => p.IsMatch(name))).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant | RegexOptions.Singleline);
}
