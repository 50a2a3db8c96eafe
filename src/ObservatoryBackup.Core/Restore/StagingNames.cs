using System.Globalization;
using System.Text;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.Restore;

/// <summary>
/// The names a staged restore gives the databases it makes beside its target: the staging database
/// it loads (<c>TARGET_obs_restore_STAMP</c>) and the previous database it moves aside during the swap
/// (<c>TARGET_obs_replaced_STAMP</c>), each fitting PostgreSQL's 63-byte identifiers.
/// </summary>
internal static class StagingNames
{
    public const string StagingSuffix = "_obs_restore_";
    public const string ReplacedSuffix = "_obs_replaced_";
    private const int StampLength = 14;

    public static string Stamp(DateTimeOffset now) => now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="name"/> is what <see cref="NameWithSuffix"/> makes of <paramref name="target"/> with the suffix and some stamp.</summary>
    public static bool IsOwnName(string target, string name, string suffix)
    {
        var tail = suffix.Length + StampLength;
        return name.Length > tail
            && name.AsSpan(name.Length - tail, suffix.Length).SequenceEqual(suffix)
            && name[^StampLength..].All(char.IsAsciiDigit)
            && NameWithSuffix(target, name[^tail..]) == name;
    }

    /// <summary>Appends a suffix, shortening the base so the name fits PostgreSQL's 63-byte identifiers.</summary>
    public static string NameWithSuffix(string name, string suffix)
    {
        var budget = DatabaseUrl.MaxIdentifierBytes - Encoding.UTF8.GetByteCount(suffix);
        var elements = StringInfo.GetTextElementEnumerator(name);
        var baseName = new StringBuilder();
        // whole text elements only: cutting between a surrogate pair makes a string no encoder accepts
        while (elements.MoveNext() && Encoding.UTF8.GetByteCount(baseName + elements.GetTextElement()) <= budget)
            baseName.Append(elements.GetTextElement());
        return baseName + suffix;
    }
}
