using ObservatoryBackup.Metrics;

namespace ObservatoryBackup.Tests.Unit;

[Trait("Tier", "Fast")]
public class MetricsFileTests
{
    private static string NewPath() => Path.Combine(Directory.CreateTempSubdirectory("obs-metrics-").FullName, "obs_backup.prom");

    private static string[] FilesBeside(string path) => [.. Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName).Order()!];

    [Fact]
    public void Each_run_replaces_its_own_samples_and_keeps_everything_else()
    {
        var path = NewPath();
        var file = new MetricsFile(path);

        file.Update("observatory", "observatory-backups", [(Metric.BackupLastStatus, 1), (Metric.BackupLastSize, 1245312)]);
        file.Update("observatory", "observatory-backups", [(Metric.TestLastStatus, 1)]);
        file.Update("other \"db\"", "observatory-backups", [(Metric.BackupLastStatus, 0)]);
        file.Update("observatory", "observatory-backups", [(Metric.BackupLastStatus, 0)]);

        var lines = File.ReadAllLines(path);
        Assert.Contains("obs_backup_last_status{database=\"observatory\",bucket=\"observatory-backups\"} 0", lines);
        Assert.Contains("obs_backup_last_status{database=\"other \\\"db\\\"\",bucket=\"observatory-backups\"} 0", lines);
        Assert.Contains("obs_backup_last_size_bytes{database=\"observatory\",bucket=\"observatory-backups\"} 1245312", lines);
        Assert.Contains("obs_backup_last_test_status{database=\"observatory\",bucket=\"observatory-backups\"} 1", lines);
        Assert.Single(lines, l => l == "# TYPE obs_backup_last_status gauge");
        Assert.Contains(lines, l => l.StartsWith("# HELP obs_backup_last_status ", StringComparison.Ordinal));
        // nothing beside it: no half-written file, no lock file
        Assert.Equal(["obs_backup.prom"], FilesBeside(path));
    }

    [Fact]
    public void Runs_that_update_the_file_at_once_keep_each_others_samples_and_leave_nothing_beside_it()
    {
        var path = NewPath();
        const int runs = 8;

        Parallel.For(0, runs, new ParallelOptions { MaxDegreeOfParallelism = runs }, run =>
        {
            for (var i = 1; i <= 25; i++) new MetricsFile(path).Update($"db{run}", "bkt", [(Metric.StoredBackups, i)]);
        });

        var lines = File.ReadAllLines(path);
        for (var run = 0; run < runs; run++)
            Assert.Contains($"obs_backup_stored_backups{{database=\"db{run}\",bucket=\"bkt\"}} 25", lines);
        Assert.Equal(["obs_backup.prom"], FilesBeside(path));
    }

    [Fact]
    public void A_lock_file_a_killed_run_left_holds_no_one_up_and_goes()
    {
        var path = NewPath();
        File.WriteAllText(path + ".lock", "");

        new MetricsFile(path).Update("observatory", "bkt", [(Metric.BackupLastStatus, 1)]);

        Assert.Equal(["obs_backup.prom"], FilesBeside(path));
    }

    [Fact]
    public void Families_we_no_longer_write_are_dropped_and_others_files_are_no_concern()
    {
        var path = NewPath();
        File.WriteAllText(path, """
            # HELP obs_backup_count Backups of the database in the bucket.
            # TYPE obs_backup_count gauge
            obs_backup_count{database="observatory",bucket="bkt"} 3
            # TYPE obs_backup_newest_timestamp_seconds gauge
            obs_backup_newest_timestamp_seconds{database="observatory",bucket="bkt"} 1.7e+09
            obs_backup_last_status{database="observatory",bucket="bkt"} 0

            """);

        new MetricsFile(path).Update("observatory", "bkt", [(Metric.StoredBackups, 3)]);

        var text = File.ReadAllText(path);
        Assert.DoesNotContain("obs_backup_count", text, StringComparison.Ordinal);
        Assert.DoesNotContain("obs_backup_newest_timestamp_seconds", text, StringComparison.Ordinal);
        Assert.Contains("obs_backup_last_status{database=\"observatory\",bucket=\"bkt\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("obs_backup_stored_backups{database=\"observatory\",bucket=\"bkt\"} 3\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sample_must_give_exactly_its_familys_labels()
    {
        var file = new MetricsFile(NewPath());
        var missing = new MetricSample(Metric.BackupLastStatus, new Dictionary<string, string> { ["database"] = "observatory" }, 1);
        var extra = new MetricSample(Metric.BackupLastStatus, new Dictionary<string, string> { ["database"] = "a", ["bucket"] = "b", ["host"] = "c" }, 1);

        Assert.Contains("database, bucket", Assert.Throws<ArgumentException>(() => file.Update([missing])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => file.Update([extra]));
        Assert.False(File.Exists(file.Path));
    }

    [Fact]
    public void The_catalogue_names_each_family_once_with_one_writer_and_only_prometheus_conventional_names()
    {
        Assert.Equal(Metric.All.Count, Metric.All.Select(m => m.Name).Distinct().Count());
        Assert.All(Metric.All, m =>
        {
            Assert.Matches("^obs_backup_[a-z_]+$", m.Name);
            Assert.DoesNotMatch("_(count|sum|bucket|total)$", m.Name);
            Assert.True(!m.Name.Contains("timestamp", StringComparison.Ordinal) || m.Name.EndsWith("_timestamp_seconds", StringComparison.Ordinal), m.Name);
            Assert.NotEmpty(m.Help);
            Assert.Same(m, Metric.Named(m.Name));
        });
        Assert.Equal([MetricsRun.Backup, MetricsRun.Test, MetricsRun.Status], Metric.All.Select(m => m.Run).Distinct());
    }

    [Fact]
    public void The_metrics_reference_documents_every_family_its_type_labels_and_writer()
    {
        var rows = File.ReadAllLines(Path.Combine(Fixtures.Shell.RepoRoot, "docs", "OPERATIONS.md")).Where(l => l.StartsWith("| `obs_backup_", StringComparison.Ordinal)).ToList();
        Assert.Equal(Metric.All.Select(m => m.Name).Order(), rows.Select(r => r.Split('`')[1]).Order());
        foreach (var metric in Metric.All)
        {
            var cells = rows.Single(r => r.StartsWith($"| `{metric.Name}` |", StringComparison.Ordinal)).Split('|').Select(c => c.Trim()).ToArray();
            Assert.Equal(Metric.Type, cells[2]);
            Assert.Equal(string.Join(", ", metric.Labels.Select(l => $"`{l}`")), cells[3]);
            Assert.StartsWith(metric.Run switch { MetricsRun.Backup => "backup", MetricsRun.Test => "restore test", _ => "status" }, cells[4], StringComparison.Ordinal);
        }
    }
}
