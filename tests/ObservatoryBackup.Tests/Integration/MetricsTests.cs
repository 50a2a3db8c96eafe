using ObservatoryBackup.Backup;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Metrics;
using ObservatoryBackup.Monitoring;
using ObservatoryBackup.Testing;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

/// <summary>
/// The textfile every run writes, on each of its paths, is one Prometheus' checker takes (real
/// <c>promtool check metrics</c>), holds only its run's families (one writer per series), and is the
/// only file in node_exporter's directory afterwards.
/// </summary>
public class MetricsTests(Servers servers) : IntegrationTest(servers)
{
    private static string NewPath() => Path.Combine(Directory.CreateTempSubdirectory("obs-metrics-").FullName, "obs_backup.prom");

    private static HashSet<string> Families(string path) =>
        [.. File.ReadAllLines(path).Where(l => l.Length > 0 && l[0] != '#').Select(l => l[..l.IndexOfAny(['{', ' '])])];

    private static HashSet<string> Written(MetricsRun run, params Metric[] leftOut) =>
        [.. Metric.All.Where(m => m.Run == run).Except(leftOut).Select(m => m.Name)];

    /// <summary>The checks every file of a run gets: promtool takes it, it holds exactly <paramref name="families"/>, nothing lies beside it.</summary>
    private static async Task AssertWrittenAsync(string path, HashSet<string> families)
    {
        await Promtool.AssertMetricsPassAsync(path);
        Assert.Equal(families.Order(), Families(path).Order());
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Backup_test_and_status_on_every_path_write_files_promtool_accepts_each_family_by_its_one_writer()
    {
        var (db, bucket) = (Servers.UniqueName("metrics"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 20);
        var settings = SettingsFor(db, bucket);
        var shared = NewPath();

        // backup: a success, a failure in the plan (no such database), a failure while it runs (the database went)
        var backedUp = NewPath();
        var backup = await BackupAsync(settings with { MetricsPath = backedUp });
        await AssertWrittenAsync(backedUp, Written(MetricsRun.Backup));
        await Task.Delay(1100); // the next backup's name needs another second
        await BackupAsync(settings with { MetricsPath = shared });

        var planFailed = NewPath();
        await Assert.ThrowsAnyAsync<ObsBackupException>(() => BackupAsync(SettingsFor(Servers.UniqueName("absent"), bucket) with { MetricsPath = planFailed }));
        await AssertWrittenAsync(planFailed, [Metric.BackupLastStatus.Name]);

        var runFailed = NewPath();
        var gone = Servers.UniqueName("gone");
        await SampleDatabase.CreateAsync(Pg, gone, rows: 5);
        var engine = new BackupEngine(new BackupOptions(SettingsFor(gone, bucket) with { MetricsPath = runFailed }), new RecordingLog());
        var plan = await engine.PlanAsync(default);
        await Pg.ExecuteAsync("postgres", $"DROP DATABASE \"{gone}\"");
        await Assert.ThrowsAnyAsync<ObsBackupException>(() => engine.ExecuteAsync(plan, default));
        await AssertWrittenAsync(runFailed, Written(MetricsRun.Backup, Metric.BackupLastSuccess, Metric.BackupLastSize));

        // restore test: a pass, a verify-only pass, a failure (no such backup)
        foreach (var verifyOnly in new[] { false, true })
        {
            var tested = NewPath();
            Assert.True((await new BackupTestEngine(new TestOptions(settings with { MetricsPath = tested }), new RecordingLog()).RunAsync(backup.ObjectName, verifyOnly, keep: false, default)).Passed);
            await AssertWrittenAsync(tested, Written(MetricsRun.Test));
        }
        await new BackupTestEngine(new TestOptions(settings with { MetricsPath = shared }), new RecordingLog()).RunAsync(backup.ObjectName, verifyOnly: true, keep: false, default);
        var testFailed = NewPath();
        await Assert.ThrowsAnyAsync<ObsBackupException>(() => new BackupTestEngine(new TestOptions(settings with { MetricsPath = testFailed }), new RecordingLog())
            .RunAsync(backup.ObjectName.Replace(db, db + "x", StringComparison.Ordinal), verifyOnly: true, keep: false, default));
        await AssertWrittenAsync(testFailed, [Metric.TestLastStatus.Name]);

        // status: of the database, of a database without backups, of every database in the bucket (a series each), of a bucket that does not exist
        foreach (var (database, statusBucket) in new (string?, string)[] { (db, bucket), (Servers.UniqueName("never"), bucket), (null, bucket), (null, Servers.UniqueName("nobkt")) })
        {
            var status = NewPath();
            var checker = new StatusEngine(settings with { MetricsPath = status, Storage = S3.Settings(statusBucket) }, new RecordingLog());
            if (database is null) await checker.RunAllAsync(StatusEngine.DefaultMaxAge, default);
            else await checker.RunAsync(database, StatusEngine.DefaultMaxAge, default);
            if (File.Exists(status)) await AssertWrittenAsync(status, Written(MetricsRun.Status));
            else Assert.Null(database); // nothing listed, nothing asked about: nothing to say
        }
        await new StatusEngine(settings with { MetricsPath = shared }, new RecordingLog()).RunAllAsync(StatusEngine.DefaultMaxAge, default);

        // all of them in one file, as node_exporter's directory would hold it
        await AssertWrittenAsync(shared, [.. Metric.All.Select(m => m.Name)]);
        var samples = File.ReadAllLines(shared);
        var labels = $"{{database=\"{db}\",bucket=\"{bucket}\"}}";
        // the whole bucket's status counts each backup once: the two of the database, in its one series
        Assert.Equal([$"obs_backup_stored_backups{labels} 2"], samples.Where(s => s.StartsWith(Metric.StoredBackups.Name, StringComparison.Ordinal)));
    }
}
