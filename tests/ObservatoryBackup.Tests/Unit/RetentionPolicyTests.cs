using ObservatoryBackup.Retention;

namespace ObservatoryBackup.Tests.Unit;

[Trait("Tier", "Fast")]
public class RetentionPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 31, 2, 0, 0, TimeSpan.Zero);

    private static readonly string[] Names =
    [
        "postgres/2026/02/28/observatory_20260228_015959.sql.gz", // 31 days + 1 s: expired
        "postgres/2026/03/01/observatory_20260301_020000.sql.gz", // exactly 30 days: kept
        "postgres/2026/03/30/observatory_20260330_020000.sql.gz",
        "postgres/2025/01/01/observatory_20250101_000000.sql.gz", // expired
        "postgres/2025/01/01/notes.txt",                          // outside the scheme: never
        "postgres/2025/01/01/observatory_20250101_000000.sql",    // outside the scheme: never
        "postgres/2025/01/02/observatory_20250101_000000.sql.gz", // date mismatch: never
    ];

    [Fact]
    public void Selects_only_old_scheme_conforming_objects_oldest_first()
    {
        Assert.Equal(
            ["postgres/2025/01/01/observatory_20250101_000000.sql.gz", "postgres/2026/02/28/observatory_20260228_015959.sql.gz"],
            new RetentionPolicy(30).SelectExpired(Names, Now));
    }

    [Fact]
    public void Never_selects_the_object_just_written()
    {
        var expired = new RetentionPolicy(30).SelectExpired(Names, Now, keep: "postgres/2025/01/01/observatory_20250101_000000.sql.gz");
        Assert.Equal(["postgres/2026/02/28/observatory_20260228_015959.sql.gz"], expired);
    }

    [Fact]
    public void Zero_days_disables_pruning()
    {
        var policy = new RetentionPolicy(0);
        Assert.False(policy.Enabled);
        Assert.Empty(policy.SelectExpired(Names, Now));
    }

    [Fact]
    public void Negative_days_are_refused() => Assert.Throws<ArgumentOutOfRangeException>(() => new RetentionPolicy(-1));

    [Fact]
    public void Pruning_on_its_own_spares_each_databases_newest_backup_however_old()
    {
        var now = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        string[] names =
        [
            "postgres/2026/01/01/observatory_20260101_020000.sql.gz",
            "postgres/2026/01/02/observatory_20260102_020000.sql.gz", // the newest of observatory, 5 months old: its job stopped
            "postgres/2026/01/01/other_20260101_020000.sql.gz",
            "postgres/2026/05/31/other_20260531_020000.sql.gz",
            "postgres/2026/01/01/not-a-backup.txt",
        ];

        var expired = new RetentionPolicy(30).SelectExpiredSparingNewest(names, now);

        Assert.Equal(["postgres/2026/01/01/observatory_20260101_020000.sql.gz", "postgres/2026/01/01/other_20260101_020000.sql.gz"], expired.Order());
    }
}
