using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Restore;

/// <summary>
/// The names a staged restore gives the databases it makes beside its target: the staging database
/// it loads (<c>TARGET_obs_restore_STAMP</c>) and the previous database it moves aside during the swap
/// (<c>TARGET_obs_replaced_STAMP</c>), each fitting PostgreSQL's 63-byte identifiers. A target too
/// long for that keeps its start and a hash of its whole name: two long names sharing a start never
/// share staging names, so one's restore never removes another's staging database as its own leftover.
/// </summary>
internal static class StagingNames
{
    public const string StagingSuffix = TransientDatabase.StagingSuffix;
    public const string ReplacedSuffix = TransientDatabase.ReplacedSuffix;
    private const int StampLength = TransientDatabase.StampLength;
    private const int HashLength = 8;

    public static string Stamp(DateTimeOffset now) => now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="name"/> is what <see cref="NameWithSuffix"/> makes of <paramref name="target"/> with the suffix and some stamp.</summary>
    public static bool IsOwnName(string target, string name, string suffix) =>
        TransientDatabase.EndsWithStamped(name, suffix) && NameWithSuffix(target, name[^(suffix.Length + StampLength)..]) == name;

    /// <summary>Appends a suffix; a name too long to fit PostgreSQL's 63-byte identifiers with it is cut and followed by a hash of itself.</summary>
    public static string NameWithSuffix(string name, string suffix)
    {
        var budget = DatabaseUrl.MaxIdentifierBytes - Encoding.UTF8.GetByteCount(suffix);
        if (Encoding.UTF8.GetByteCount(name) <= budget) return name + suffix;
        var hash = "_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..HashLength];
        return Cut(name, budget - hash.Length) + hash + suffix;
    }

    /// <summary>The longest start of <paramref name="name"/> in whole text elements that fits <paramref name="budget"/> bytes.</summary>
    private static string Cut(string name, int budget)
    {
        var elements = StringInfo.GetTextElementEnumerator(name);
        var baseName = new StringBuilder();
        // whole text elements only: cutting between a surrogate pair makes a string no encoder accepts
        while (elements.MoveNext() && Encoding.UTF8.GetByteCount(baseName + elements.GetTextElement()) <= budget)
            baseName.Append(elements.GetTextElement());
        return baseName.ToString();
    }
}
