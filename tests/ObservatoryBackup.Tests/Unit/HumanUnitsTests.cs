using ObservatoryBackup.Logging;
using ObservatoryBackup.Monitoring;
using ObservatoryBackup.Retention;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>Sizes, rates and durations as both faces show them, and the views built on them.</summary>
[Trait("Tier", "Fast")]
public sealed class HumanUnitsTests
{
    [Theory]
    [InlineData(0L, "0 B")]
    [InlineData(1023L, "1023 B")]
    [InlineData(1024L, "1.0 KiB")]
    [InlineData(63_627_572L, "60.7 MiB")]
    [InlineData(1_048_575L, "1.0 MiB")] // not "1024.0 KiB"
    [InlineData(5L * 1024 * 1024 * 1024 * 1024, "5.0 TiB")]
    public void Sizes_are_binary_units_with_one_decimal(long bytes, string expected) => Assert.Equal(expected, HumanUnits.Size(bytes));

    [Theory]
    [InlineData(0.3753822, "0.38 s")]
    [InlineData(1, "1 s")]
    [InlineData(2.14, "2.1 s")]
    [InlineData(45, "45 s")]
    [InlineData(60, "1 min")]
    [InlineData(65, "1 min 5 s")]
    [InlineData(3 * 3600 + 12 * 60 + 30, "3 h 12 min")]
    [InlineData(26 * 3600, "1 d 2 h")]
    [InlineData(30 * 86400, "30 d")]
    [InlineData(-5, "0 s")]
    public void Durations_are_their_two_largest_units(double seconds, string expected) =>
        Assert.Equal(expected, HumanUnits.Duration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Rates_are_sizes_per_second() => Assert.Equal("12.5 MiB/s", HumanUnits.Rate(12.5 * 1024 * 1024));

    [Fact]
    public void Progress_says_percent_and_time_left_where_the_size_is_known()
    {
        var known = new TransferProgress("download", 25 * 1024 * 1024, 100 * 1024 * 1024, TimeSpan.FromSeconds(5));
        Assert.Equal("25.0 MiB of 100.0 MiB (25%) at 5.0 MiB/s, 15 s left", known.ToString());
        Assert.Equal(25, known.Percent);
        var unknown = new TransferProgress("backup", 3 * 1024, null, TimeSpan.FromSeconds(1));
        Assert.Equal("3.0 KiB at 3.0 KiB/s", unknown.ToString());
        Assert.Null(unknown.Percent);
        Assert.Null(unknown.Remaining);
        Assert.Equal("30 of 120 statements (25%)", new TransferProgress("restore: indexes", 30, 120, TimeSpan.Zero, Items: "statements").ToString());
    }

    [Fact]
    public void The_stale_message_says_seconds_for_a_limit_of_seconds()
    {
        var backup = new StoredBackup("postgres/2026/02/16/observatory_20260216_020000.sql.gz", "b", 10, DateTimeOffset.UnixEpoch);
        var status = new BackupStatus { Bucket = "b", Database = "observatory", Count = 1, TotalSize = 63_627_572, Newest = backup, Oldest = backup,
            NewestAge = TimeSpan.FromSeconds(2.14), OldestAge = TimeSpan.FromSeconds(2.14), MaxAge = TimeSpan.FromSeconds(1) };
        var engine = new StatusEngine(new Configuration.SettingsResolver(new Dictionary<string, string?> { ["MINIO_ENDPOINT"] = "localhost:9000" }).Resolve(new(), needsDatabase: false), NullBackupLog.Instance);
        var error = Assert.Throws<Errors.BackupDataException>(() => engine.EnsureFresh(status));
        Assert.Contains("is 2.1 s old, more than the 1 s allowed", error.Message);
        Assert.Equal("observatory: 1 backup, 60.7 MiB; newest 2.1 s old (STALE: at most 1 s), oldest 2.1 s old", status.ToString());
        Assert.Equal(backup.ObjectName, backup.ToString()); // what Format-List * shows for Newest and Oldest
    }

    [Fact]
    public void Event_lines_show_sizes_and_durations_in_human_units_and_no_aliases()
    {
        var log = new Fixtures.RecordingLog();
        new EventLog(log, TimeProvider.System).Info("upload_complete", ("object_name", "x"), ("size", 63_627_572L), ("duration_seconds", 3.2), ("obs_backup_newest_timestamp_seconds", 1700000000L));
        var e = Assert.Single(log.Events);
        Assert.Equal("upload_complete object_name=x size=60.7 MiB duration_seconds=3.2 s obs_backup_newest_timestamp_seconds=1700000000", e.ToString());
        Assert.Contains("\"size_bytes\": 63627572", e.ToJson());
    }

    [Fact]
    public void What_retention_keeps_is_counted_by_rule()
    {
        var at = DateTimeOffset.UnixEpoch;
        RetentionDecision[] decisions = [new("a", "db", at, "within 30 days"), new("b", "db", at, "within 30 days"), new("c", "db", at, "daily"), new("d", "db", at, null)];
        Assert.Equal("3 backups (within 30 days: 2, daily: 1)", RetentionDecision.DescribeKept(decisions));
        Assert.Null(RetentionDecision.DescribeKept([decisions[3]]));
    }
}
