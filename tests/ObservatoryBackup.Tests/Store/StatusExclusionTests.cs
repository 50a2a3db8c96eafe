using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Metrics;
using ObservatoryBackup.Monitoring;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Tests.Fixtures;
using ObservatoryBackup.Tests.Integration;

namespace ObservatoryBackup.Tests.Store;

/// <summary>
/// A database dropped on purpose keeps its last backup (retention spares each database's newest), so the
/// status of every database leaves it out when an exclusion matches it: no status, no log line, no metrics
/// series, its old status series gone from the file; and the stale error names that way out. On the
/// in-memory store with a fixed clock.
/// </summary>
[Trait("Tier", "Fast")]
public sealed class StatusExclusionTests
{
    private static readonly DateTimeOffset Now = new(2026, 4, 10, 12, 0, 0, TimeSpan.Zero);

    private readonly MemoryObjectStore _memory = new("exclude") { Now = Now };
    private readonly RecordingLog _log = new();
    private readonly string _metrics = Path.Combine(Directory.CreateTempSubdirectory("obs-metrics-").FullName, "obs.prom");

    private StatusEngine Status() =>
        new(new ObsSettings { Storage = _memory.Settings, MetricsPath = _metrics }, _log, new FixedClock(Now)) { OpenStore = _ => _memory };

    private void PutTaken(string database, TimeSpan ago) => _memory.Put(BackupKey.For(database, Now - ago), new byte[100], Now - ago + TimeSpan.FromMinutes(1));

    private string[] Series(string database) =>
        [.. File.ReadAllLines(_metrics).Where(l => l.Contains($"{{database=\"{database}\",", StringComparison.Ordinal))];

    public StatusExclusionTests()
    {
        PutTaken("app", TimeSpan.FromHours(3));
        PutTaken("old_survey", TimeSpan.FromDays(40));
        PutTaken("scratch_1", TimeSpan.FromDays(9));
        PutTaken("scratch_2", TimeSpan.FromDays(8));
        PutTaken(BackupKey.Globals, TimeSpan.FromHours(3));
    }

    [Fact]
    public async Task An_excluded_database_has_no_status_no_log_line_and_its_status_series_leave_the_metrics_file()
    {
        // what an earlier status run and the last backup of the dropped database left in the file
        var before = await Status().RunAllAsync(StatusEngine.DefaultMaxAge, default);
        Assert.Equal(5, before.Count);
        Assert.Equal(4, Series("old_survey").Length);
        new MetricsFile(_metrics).Update("old_survey", "exclude", [(Metric.BackupLastStatus, 1)]);
        new MetricsFile(_metrics).Update("old_survey", "another-bucket", [(Metric.StoredBackups, 1)]);
        var logged = _log.Events.Count;

        var engine = Status();
        var all = await engine.RunAllAsync(StatusEngine.DefaultMaxAge, ["scratch_*", "old_survey"], default);

        Assert.Equal(["", "app"], all.Select(s => s.Database));
        engine.EnsureFresh(all);
        var lines = _log.Events.Skip(logged).Where(e => e.Name == "backup_status").Select(e => (string?)e["database"]).ToList();
        Assert.Equal(["", "app"], lines);
        Assert.DoesNotContain(_log.Events.Skip(logged), e => e.Level == LogLevel.ERROR);
        // status's own series of the excluded databases are gone; another run's series, and another bucket's, are not status's to remove
        Assert.Equal(
            [$"obs_backup_last_status{{database=\"old_survey\",bucket=\"exclude\"}} 1", $"obs_backup_stored_backups{{database=\"old_survey\",bucket=\"another-bucket\"}} 1"],
            Series("old_survey"));
        Assert.Empty(Series("scratch_1"));
        Assert.Empty(Series("scratch_2"));
        Assert.Equal(4, Series("app").Length);
        Assert.Equal(4, Series(BackupKey.GlobalsToken).Length);
    }

    [Fact]
    public async Task The_globals_are_excluded_as_percent_globals_and_a_pattern_matches_whole_names()
    {
        var all = await Status().RunAllAsync(StatusEngine.DefaultMaxAge, ["%globals", "scratch_?", "old"], default);

        // "old" is a whole name, not a prefix: old_survey stays, and is stale
        Assert.Equal(["app", "old_survey"], all.Select(s => s.Database));
        Assert.Empty(Series(BackupKey.GlobalsToken));
    }

    [Fact]
    public async Task The_stale_error_of_every_database_names_the_way_out_and_one_database_s_does_not()
    {
        var engine = Status();
        var all = await engine.RunAllAsync(StatusEngine.DefaultMaxAge, ["scratch_*"], default);

        var stale = Assert.Throws<BackupDataException>(() => engine.EnsureFresh(all));
        Assert.Equal(ErrorIds.BackupStale, stale.ErrorId);
        Assert.Contains("database \"old_survey\"", stale.Message);
        Assert.DoesNotContain("scratch", stale.Message);
        Assert.Contains("A database dropped on purpose keeps its last backup: leave it out of the status as an excluded database, or remove its backups.", stale.Message);

        var one = Assert.Throws<BackupDataException>(() => engine.EnsureFresh(all.Single(s => s.Database == "old_survey")));
        Assert.DoesNotContain("dropped on purpose", one.Message);
    }

    [Fact]
    public async Task Every_database_excluded_is_no_backup_naming_what_was_excluded()
    {
        var engine = Status();
        var all = await engine.RunAllAsync(StatusEngine.DefaultMaxAge, ["*"], default);

        Assert.Empty(all);
        var none = Assert.Throws<BackupDataException>(() => engine.EnsureFresh(all));
        Assert.Equal(ErrorIds.NoBackups, none.ErrorId);
        Assert.EndsWith("but of the databases excluded (%globals, app, old_survey, scratch_1, scratch_2).", none.Message);
        Assert.False(File.Exists(_metrics));
    }
}
