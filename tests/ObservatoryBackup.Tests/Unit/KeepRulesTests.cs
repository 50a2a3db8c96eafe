using System.Globalization;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Retention;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>Retention's keep rules with restic's meaning, over a year of nightly backups.</summary>
[Trait("Tier", "Fast")]
public sealed class KeepRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 31, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A backup of "observatory" at 02:00 UTC every night of 2026 to 12-30, and a second on 12-30.</summary>
    private static readonly List<string> Nightly =
    [
        .. Enumerable.Range(0, 364).Select(d => Name(new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero).AddDays(d))),
        Name(new DateTimeOffset(2026, 12, 30, 14, 0, 0, TimeSpan.Zero)),
    ];

    private static string Name(DateTimeOffset t) =>
        string.Create(CultureInfo.InvariantCulture, $"postgres/{t:yyyy}/{t:MM}/{t:dd}/observatory_{t:yyyyMMdd}_{t:HHmmss}.sql.gz");

    private static Dictionary<string, string> Kept(RetentionPolicy policy) =>
        policy.Decide(Nightly, Now).Where(d => !d.Expired).ToDictionary(d => d.ObjectName[^22..^7], d => d.Verdict);

    [Fact]
    public void Keep_last_keeps_the_n_newest_whatever_their_age()
    {
        var kept = Kept(new RetentionPolicy(0, new KeepRules(Last: 3)));

        Assert.Equal(["20261229_020000", "20261230_020000", "20261230_140000"], kept.Keys.Order());
        Assert.All(kept.Values, v => Assert.Equal("last 3", v));
    }

    [Fact]
    public void Keep_daily_keeps_the_newest_of_each_of_the_last_n_days_that_have_one()
    {
        var kept = Kept(new RetentionPolicy(0, new KeepRules(Daily: 3)));

        // 2026-12-30 has two: its newest counts; 12-31 has none yet, so the days are 30, 29, 28
        Assert.Equal(["20261228_020000", "20261229_020000", "20261230_140000"], kept.Keys.Order());
    }

    [Fact]
    public void Weekly_monthly_and_yearly_count_iso_weeks_months_and_years_that_have_a_backup()
    {
        var kept = Kept(new RetentionPolicy(0, new KeepRules(Weekly: 2, Monthly: 3, Yearly: 5)));

        // the newest backup is in ISO week 2026-W53 (Mon 12-28); the week before ends Sun 12-27
        Assert.Equal("weekly", kept["20261230_140000"]);
        Assert.Equal("weekly", kept["20261227_020000"]);
        // months: December's newest is already kept (weekly keeps its first reason); November's and October's last nights
        Assert.Equal("monthly", kept["20261130_020000"]);
        Assert.Equal("monthly", kept["20261031_020000"]);
        // one year has backups: its newest, kept already
        Assert.Equal(4, kept.Count);
    }

    [Fact]
    public void A_backup_is_deleted_only_when_no_rule_keeps_it_and_days_still_count()
    {
        var policy = new RetentionPolicy(7, new KeepRules(Monthly: 12));
        var decisions = policy.Decide(Nightly, Now);

        // within 7 days: 12-25 to 12-30 (two on the 30th); then the newest of each earlier month
        Assert.Equal(7 + 11, decisions.Count(d => !d.Expired));
        Assert.Equal("within 7 days", decisions.Single(d => d.ObjectName.Contains("20261225_020000")).Verdict);
        Assert.Equal("expired", decisions.Single(d => d.ObjectName.Contains("20260615_020000")).Verdict);
        Assert.Equal(policy.SelectExpired(Nightly, Now), decisions.Where(d => d.Expired).Select(d => d.ObjectName));
    }

    [Fact]
    public void Rules_count_per_database_and_the_backup_just_taken_counts_as_the_newest()
    {
        var other = Nightly.Select(n => n.Replace("observatory_", "archive_", StringComparison.Ordinal)).ToList();
        var justTaken = Name(Now);
        var policy = new RetentionPolicy(0, new KeepRules(Last: 2));

        var decisions = policy.Decide([.. Nightly, .. other], Now, keep: justTaken, database: "observatory");

        Assert.Equal([justTaken, Nightly[^1]], decisions.Where(d => !d.Expired).Select(d => d.ObjectName).Reverse());
        Assert.Equal("this backup", decisions[^1].Verdict);
        Assert.DoesNotContain(decisions, d => d.Database == "archive");
        Assert.Equal(2, policy.DecideSparingNewest(other, Now).Count(d => !d.Expired));
    }

    [Fact]
    public void Zero_days_and_no_rule_keeps_everything_as_the_scripts_did()
    {
        Assert.All(new RetentionPolicy(0).Decide(Nightly, Now), d => Assert.Equal("retention off (0 days)", d.Verdict));
        Assert.True(new RetentionPolicy(0, new KeepRules(Yearly: 1)).Enabled);
    }
}
