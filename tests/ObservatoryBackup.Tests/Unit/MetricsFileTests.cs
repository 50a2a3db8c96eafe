using ObservatoryBackup.Metrics;

namespace ObservatoryBackup.Tests.Unit;

[Trait("Tier", "Fast")]
public class MetricsFileTests
{
    [Fact]
    public void Each_run_replaces_its_own_samples_and_keeps_everything_else()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("obs-metrics-").FullName, "obs_backup.prom");
        var file = new MetricsFile(path);

        file.Update("observatory", "observatory-backups", [("obs_backup_last_status", 1), ("obs_backup_last_size_bytes", 1245312)]);
        file.Update("observatory", "observatory-backups", [("obs_backup_last_test_status", 1)]);
        file.Update("other \"db\"", "observatory-backups", [("obs_backup_last_status", 0)]);
        file.Update("observatory", "observatory-backups", [("obs_backup_last_status", 0)]);

        var lines = File.ReadAllLines(path);
        Assert.Contains("obs_backup_last_status{database=\"observatory\",bucket=\"observatory-backups\"} 0", lines);
        Assert.Contains("obs_backup_last_status{database=\"other \\\"db\\\"\",bucket=\"observatory-backups\"} 0", lines);
        Assert.Contains("obs_backup_last_size_bytes{database=\"observatory\",bucket=\"observatory-backups\"} 1245312", lines);
        Assert.Contains("obs_backup_last_test_status{database=\"observatory\",bucket=\"observatory-backups\"} 1", lines);
        Assert.Single(lines, l => l == "# TYPE obs_backup_last_status gauge");
        Assert.Contains(lines, l => l.StartsWith("# HELP obs_backup_last_status ", StringComparison.Ordinal));
        // nothing half-written left beside it (the lock file, which the collector does not read, stays)
        Assert.Equal(["obs_backup.prom", "obs_backup.prom.lock"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Runs_that_update_the_file_at_once_keep_each_others_samples()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("obs-metrics-").FullName, "obs_backup.prom");
        const int runs = 8;

        Parallel.For(0, runs, new ParallelOptions { MaxDegreeOfParallelism = runs }, run =>
        {
            for (var i = 1; i <= 25; i++) new MetricsFile(path).Update($"db{run}", "bkt", [("obs_backup_count", i)]);
        });

        var lines = File.ReadAllLines(path);
        for (var run = 0; run < runs; run++)
            Assert.Contains($"obs_backup_count{{database=\"db{run}\",bucket=\"bkt\"}} 25", lines);
    }
}
