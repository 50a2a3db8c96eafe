using ObservatoryBackup.Configuration;
using ObservatoryBackup.Backup;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

/// <summary>-ExcludeTable and -ExcludeTableData reach pg_dump as patterns of their own, never through a shell.</summary>
public class ExcludeTableTests(Servers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task Excluded_tables_are_left_out_whole_and_excluded_data_keeps_the_definition()
    {
        var db = Servers.UniqueName("exclude");
        await SampleDatabase.CreateAsync(Pg, db, rows: 20);
        var store = new MemoryObjectStore("exclude");
        var settings = SettingsFor(db, "exclude") with
        {
            Storage = store.Settings,
            // a pattern a shell would run: as pg_dump's pattern it matches no table, and runs nothing
            ExcludeTables = ["research.results", "x; touch /tmp/obs-never-$(id -u)"],
            ExcludeTableData = ["public.api_credentials"],
        };
        var engine = new BackupEngine(new BackupOptions(settings), new RecordingLog()) { OpenStore = _ => store };

        var backup = await engine.ExecuteAsync(await engine.PlanAsync(default), default);

        var sql = Dumps.Gunzip(store.Get(backup.ObjectName));
        Assert.DoesNotContain("CREATE TABLE research.results", sql);
        Assert.Contains("CREATE TABLE public.api_credentials", sql);
        Assert.DoesNotContain("COPY public.api_credentials", sql);
        Assert.Contains("COPY research.queries", sql);
        Assert.False(File.Exists("/tmp/obs-never-0"));
    }
}
