using ObservatoryBackup.Metrics;

namespace ObservatoryBackup.Tests.Unit;

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
        Assert.Equal(["obs_backup.prom"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName)); // nothing half-written left beside it
    }
}
