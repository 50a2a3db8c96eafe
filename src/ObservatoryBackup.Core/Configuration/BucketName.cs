using System.Text.RegularExpressions;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Configuration;

/// <summary>S3 bucket naming rules, checked before any request so the error names the setting.</summary>
public static partial class BucketName
{
    [GeneratedRegex(@"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")]
    private static partial Regex Pattern();

    /// <param name="variable">The environment variable the name came from; null when it was given explicitly.</param>
    public static void Validate(string bucket, string? variable)
    {
        if (!Pattern().IsMatch(bucket) || bucket.Contains("..", StringComparison.Ordinal))
            throw new ConfigurationException(Setting.Bucket, variable,
                $"'{bucket}' is not a valid bucket name: 3 to 63 lower-case letters, digits, dots and hyphens.");
    }
}
