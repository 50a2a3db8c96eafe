using ObservatoryBackup.Configuration;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

/// <summary>
/// A target database PostgreSQL takes but few would type: quotes, spaces, a dash, non-ASCII, and
/// 63 bytes of it, whose staging names must be cut. Each restores whole under its own name, and two
/// long names sharing their start keep each other's staging databases apart.
/// </summary>
public sealed class OddTargetNamesTests(Servers servers) : IntegrationTest(servers)
{
    private static Task<RestoreResult> RestoreIntoAsync(ObsSettings settings, string target, string objectName, RecordingLog log) =>
        new RestoreEngine(new RestoreOptions(settings with { Database = settings.Database!.WithDatabase(target) }) { TargetDatabase = target, TargetNamed = true }, log)
            .RunAsync(objectName, RestoreMode.Staged, default);

    [Fact]
    public async Task Odd_and_long_target_databases_restore_whole_and_long_ones_never_take_each_others_staging_databases()
    {
        var source = Servers.UniqueName("odd_src");
        await SampleDatabase.CreateAsync(Pg, source, rows: 40);
        var settings = SettingsFor(source, Servers.UniqueName("odd-bucket"));
        var backup = await BackupAsync(settings);
        var expected = await Pg.ContentDigestAsync(source);

        var token = Guid.NewGuid().ToString("N")[..8];
        // 27 × 'é' is 54 bytes: with '_' and 8 characters, 63 bytes, sharing their first 55 bytes
        var (longOne, longOther) = (new string('é', 27) + "_" + token, new string('é', 27) + "_" + token[..7] + "z");
        // a leftover staging database of the one, as a killed restore of it leaves
        var leftoverOfOne = StagingNames.NameWithSuffix(longOne, StagingNames.StagingSuffix + "20200101000000");
        await Pg.CreateDatabaseAsync(leftoverOfOne);

        foreach (var target in new[] { $"odd \"quoted\" - {token}", longOther, longOne })
        {
            var log = new RecordingLog();
            var restored = await RestoreIntoAsync(settings, target, backup.ObjectName, log);
            Assert.Equal(target, restored.Database);
            Assert.Equal(expected, await Pg.ContentDigestAsync(target));
            var into = Assert.Single(log.Events, e => e.Name == "restore_into");
            Assert.Equal((source, target), ((string?)into["backup_database"], (string?)into["database"]));
            // the other long name's restore left the one's leftover alone; the one's own restore removed it
            Assert.Equal(target != longOne, await Pg.DatabaseExistsAsync(leftoverOfOne));
        }
        Assert.Equal(expected, await Pg.ContentDigestAsync(source));
    }
}
