using ObservatoryBackup.Errors;
using ObservatoryBackup.Monitoring;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

/// <summary>Get-ObsBackupStatus / obs-backup status: is the nightly job still running?</summary>
public class StatusTests(Servers servers) : IntegrationTest(servers)
{
    private static readonly DateTimeOffset Now = new(2026, 4, 10, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_newest_backup_younger_than_the_limit_is_fresh_and_older_is_stale_or_missing()
    {
        var bucket = Servers.UniqueName("bkt");
        await S3.PutAsync(bucket, BackupKey.For("observatory", Now.AddHours(-20)), new byte[300]);
        await S3.PutAsync(bucket, BackupKey.For("observatory", Now.AddDays(-10)), new byte[200]);
        await S3.PutAsync(bucket, BackupKey.For("other", Now.AddDays(-3)), new byte[100]);
        var metrics = Path.Combine(Directory.CreateTempSubdirectory("obs-metrics-").FullName, "obs.prom");
        var settings = SettingsFor("observatory", bucket) with { MetricsPath = metrics };
        var engine = new StatusEngine(settings, new RecordingLog(), new FixedClock(Now));

        var status = await engine.RunAsync("observatory", StatusEngine.DefaultMaxAge, default);
        Assert.True(status.Fresh);
        Assert.Equal((2, 500L, TimeSpan.FromHours(20), TimeSpan.FromDays(10)), (status.Count, status.TotalSize, status.NewestAge!.Value, status.OldestAge!.Value));
        engine.EnsureFresh(status);
        Assert.Contains($"obs_backup_stored_backups{{database=\"observatory\",bucket=\"{bucket}\"}} 2", File.ReadAllLines(metrics));

        var stale = await engine.RunAsync("other", StatusEngine.DefaultMaxAge, default);
        Assert.False(stale.Fresh);
        Assert.Equal("BackupStale", Assert.Throws<BackupDataException>(() => engine.EnsureFresh(stale)).ErrorId);

        var none = await engine.RunAsync("never-backed-up", StatusEngine.DefaultMaxAge, default);
        Assert.Equal(0, none.Count);
        Assert.Equal(("NoBackups", ObsErrorKind.NotFound), Assert.Throws<BackupDataException>(() => engine.EnsureFresh(none)) is var ex ? (ex.ErrorId, ex.Kind) : default);
    }
}
