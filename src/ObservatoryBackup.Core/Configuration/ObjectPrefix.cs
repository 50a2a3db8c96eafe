using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Configuration;

/// <summary>
/// Where in a bucket a cluster's backups live (OBS_PREFIX): <c>postgres/</c>, the spec's, unless two
/// clusters share a bucket. One or more path segments, each ending in '/', of letters, digits and
/// <c>_ - .</c>; none empty, "." or "..".
/// </summary>
public static class ObjectPrefix
{
    public const string Default = "postgres/";

    /// <param name="variable">The environment variable the prefix came from.</param>
    public static string Validate(string prefix, string? variable)
    {
        string? Why()
        {
            if (!prefix.EndsWith('/')) return "must end with '/', as postgres/ does";
            var segments = prefix[..^1].Split('/');
            if (segments.Any(s => s.Length == 0 || s is "." or "..")) return "has an empty, '.' or '..' segment";
            if (segments.Any(s => !s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))) return "takes only letters, digits, '_', '-', '.' and '/' between segments";
            return null;
        }
        return Why() is { } why
            ? throw new ConfigurationException(Setting.Prefix, variable, $"{why}, not '{prefix}'.")
            : prefix;
    }
}
