using System.Text.RegularExpressions;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// The databases the tool makes for a while and drops: a restore's staging and replaced databases
/// (<c>TARGET_obs_restore_STAMP</c>, <c>TARGET_obs_replaced_STAMP</c>, named by <c>Restore/StagingNames</c>)
/// and a test's scratch database (<c>obs_test_STAMP_RANDOM</c>). A server run over every database leaves
/// them out (one backed up mid-load is partial, and its name would stay in status as a stale database),
/// and no restore replaces a staging-shaped one (the next restore of its target would drop it).
/// </summary>
public static partial class TransientDatabase
{
    public const string StagingSuffix = "_obs_restore_";
    public const string ReplacedSuffix = "_obs_replaced_";
    public const string ScratchPrefix = "obs_test_";

    /// <summary>The stamp's length: yyyyMMddHHmmss.</summary>
    public const int StampLength = 14;

    /// <summary>Whether <paramref name="name"/> ends in <paramref name="suffix"/> and a stamp, after something.</summary>
    public static bool EndsWithStamped(string name, string suffix)
    {
        var tail = suffix.Length + StampLength;
        return name.Length > tail
            && name.AsSpan(name.Length - tail, suffix.Length).SequenceEqual(suffix)
            && name[^StampLength..].All(char.IsAsciiDigit);
    }

    /// <summary>Whether <paramref name="name"/> is shaped as some database's staging or replaced database.</summary>
    public static bool IsStagingShaped(string name) => EndsWithStamped(name, StagingSuffix) || EndsWithStamped(name, ReplacedSuffix);

    /// <summary>Whether <paramref name="name"/> is a test's scratch database, or one of the tool's databases beside a target.</summary>
    public static bool IsTransient(string name) => IsStagingShaped(name) || Scratch().IsMatch(name);

    [GeneratedRegex(@"^obs_test_\d{14}_[0-9a-f]{8}$")]
    private static partial Regex Scratch();
}
