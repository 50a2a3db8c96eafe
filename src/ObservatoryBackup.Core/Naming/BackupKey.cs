using System.Globalization;
using System.Text.RegularExpressions;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Naming;

/// <summary>
/// The object naming scheme users depend on: <c>postgres/YYYY/MM/DD/observatory_YYYYMMDD_HHMMSS.sql.gz</c>, in UTC.
/// </summary>
public static partial class BackupKey
{
    public const string Prefix = "postgres/";
    public const string Suffix = ".sql.gz";

    [GeneratedRegex(@"^postgres/(\d{4})/(\d{2})/(\d{2})/observatory_(\d{8})_(\d{6})\.sql\.gz$")]
    private static partial Regex Scheme();

    /// <summary>The object name for a backup started at <paramref name="startedUtc"/>.</summary>
    public static string For(DateTimeOffset startedUtc)
    {
        var t = startedUtc.ToUniversalTime();
        return string.Create(CultureInfo.InvariantCulture,
            $"{Prefix}{t:yyyy}/{t:MM}/{t:dd}/observatory_{t:yyyyMMdd}_{t:HHmmss}{Suffix}");
    }

    /// <summary>The UTC time encoded in a scheme-conforming name, or null for any other name.</summary>
    public static DateTimeOffset? TryParseTimestamp(string objectName)
    {
        var m = Scheme().Match(objectName);
        if (!m.Success) return null;
        if (m.Groups[4].Value != m.Groups[1].Value + m.Groups[2].Value + m.Groups[3].Value) return null;
        return DateTimeOffset.TryParseExact(m.Groups[4].Value + m.Groups[5].Value, "yyyyMMddHHmmss",
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : null;
    }

    /// <summary>
    /// Refuses, before any request, a name that a restore must not fetch: outside <c>postgres/</c>,
    /// absolute, with <c>..</c> or empty segments, control characters, or not a <c>.sql.gz</c>.
    /// </summary>
    public static void ValidateForRestore(string? objectName)
    {
        string Why()
        {
            if (string.IsNullOrWhiteSpace(objectName)) return "it is empty";
            if (objectName.StartsWith('/') || objectName.Contains('\\') || objectName.Contains("://", StringComparison.Ordinal))
                return "it is absolute; give the object name inside the bucket";
            if (objectName.Split('/').Any(s => s is ".." or "." or ""))
                return "it contains '.', '..' or an empty path segment";
            if (objectName.Any(char.IsControl)) return "it contains control characters";
            if (!objectName.StartsWith(Prefix, StringComparison.Ordinal) || !objectName.EndsWith(Suffix, StringComparison.Ordinal))
                return $"backups are named {Prefix}YYYY/MM/DD/observatory_YYYYMMDD_HHMMSS{Suffix}";
            return "";
        }

        var why = Why();
        if (why.Length > 0)
            throw new BackupDataException(ObsErrorKind.InvalidArgument, "InvalidObjectName", objectName ?? "",
                $"'{objectName}' is not a backup object name: {why}.");
    }
}
