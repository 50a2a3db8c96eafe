using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Store;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

/// <summary>OBS_PREFIX: two clusters in one bucket, with a database of the same name, never see each other's backups.</summary>
public class PrefixTests(Servers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task Two_clusters_in_one_bucket_list_and_prune_only_their_own_backups()
    {
        var (db, bucket) = (Servers.UniqueName("prefix"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var a = SettingsFor(db, bucket, retentionDays: 1);
        var b = a with { Storage = a.Storage with { Prefix = "cluster-b/postgres/" } };
        var january = new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero);

        var oldA = await BackupAsync(a, clock: new FixedClock(january));
        var oldB = await BackupAsync(b, clock: new FixedClock(january));
        Assert.StartsWith("cluster-b/postgres/2026/01/01/", oldB.ObjectName);
        // ten days later cluster A's retention runs: its own old backup goes, B's stays
        var newA = await BackupAsync(a, clock: new FixedClock(january.AddDays(10)));

        Assert.Equal([oldA.ObjectName], newA.Pruned);
        Assert.Equal([oldB.ObjectName, newA.ObjectName], (await S3.ListAsync(bucket)).Order(StringComparer.Ordinal));
        var log = new EventLog(new RecordingLog(), TimeProvider.System);
        Assert.Equal([newA.ObjectName], (await new BackupCatalog(a.Storage, log).ListAsync(new BackupQuery(), default)).Select(x => x.ObjectName));
        Assert.Equal([oldB.ObjectName], (await new BackupCatalog(b.Storage, log).ListAsync(new BackupQuery(), default)).Select(x => x.ObjectName));

        // a restore by name stays inside its own cluster's prefix
        var refused = await Assert.ThrowsAsync<BackupDataException>(() => RestoreAsync(a, oldB.ObjectName));
        Assert.Equal(ErrorIds.InvalidObjectName, refused.ErrorId);
    }

    [Theory]
    [InlineData("postgres", "must end with '/'")]
    [InlineData("a//b/", "empty, '.' or '..' segment")]
    [InlineData("../postgres/", "empty, '.' or '..' segment")]
    [InlineData("a b/", "takes only letters")]
    public void A_prefix_that_could_escape_or_blur_the_scheme_is_refused_naming_the_variable(string prefix, string why)
    {
        var ex = Assert.Throws<ConfigurationException>(() => new SettingsResolver(new Dictionary<string, string?>
        {
            ["MINIO_ENDPOINT"] = "minio:9000", ["OBS_PREFIX"] = prefix,
        }).Resolve(new SettingOverrides(), needsDatabase: false));

        Assert.StartsWith("OBS_PREFIX ", ex.Message);
        Assert.Contains(why, ex.Message);
    }
}
