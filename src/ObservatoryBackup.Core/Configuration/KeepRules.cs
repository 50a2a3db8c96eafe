namespace ObservatoryBackup.Configuration;

/// <summary>
/// Retention's keep rules beside the days, with restic's meaning: <see cref="Last"/> keeps the N
/// newest backups; <see cref="Daily"/>, <see cref="Weekly"/>, <see cref="Monthly"/> and
/// <see cref="Yearly"/> keep the newest backup of each of the last N days, ISO weeks, months or
/// years (UTC) that have one. 0 turns a rule off.
/// </summary>
public sealed record KeepRules(int Last = 0, int Daily = 0, int Weekly = 0, int Monthly = 0, int Yearly = 0)
{
    public static readonly KeepRules None = new();

    /// <summary>The largest count a rule takes: far more backups than any bucket holds.</summary>
    public const int Max = 100000;

    public bool Any => Last > 0 || Daily > 0 || Weekly > 0 || Monthly > 0 || Yearly > 0;

    public override string ToString() =>
        Any ? string.Join(", ", new[] { ("last", Last), ("daily", Daily), ("weekly", Weekly), ("monthly", Monthly), ("yearly", Yearly) }
            .Where(r => r.Item2 > 0).Select(r => $"{r.Item1} {r.Item2}")) : "none";
}
