using ObservatoryBackup.Backup;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

/// <summary>A run over several databases: each its own object; one failing does not stop the others; one summary.</summary>
public class ServerBackupTests(Servers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task Each_database_gets_its_own_backup_and_a_failing_one_stops_no_other()
    {
        var stem = Servers.UniqueName("multi");
        var (a, b, missing) = ($"{stem}-a", $"{stem}-b", $"{stem}-missing");
        await SampleDatabase.CreateAsync(Pg, a, rows: 10);
        await SampleDatabase.CreateAsync(Pg, b, rows: 20);
        var store = new MemoryObjectStore("multi");
        var log = new RecordingLog();
        var server = new ServerBackup(new BackupOptions(SettingsFor(a, "multi") with { Storage = store.Settings })
        {
            Server = new ServerBackupOptions(new DatabaseSelection([b, missing, a], All: false, Excluded: []), Parallel: 2),
        }, log) { OpenStore = _ => store };

        var databases = await server.SelectAsync(default);
        var result = await server.RunAsync(databases, dryRun: false, null, default);

        Assert.Equal([a, b, missing], result.Databases.Select(d => d.Database));
        Assert.Equal(1, result.Failed);
        Assert.Equal(ErrorIds.DatabaseNotFound, result.Databases[2].Failure!.ErrorId);
        Assert.Equal(2, store.ObjectNames.Count);
        Assert.Contains(store.ObjectNames, n => n.Contains($"/{a}_", StringComparison.Ordinal));
        Assert.Contains(store.ObjectNames, n => n.Contains($"/{b}_", StringComparison.Ordinal));
        var finished = log.Single("run_finished");
        Assert.Equal(("failed", 1), ((string)finished["status"]!, (int)finished["failed"]!));
        Assert.Equal([missing], (string[])finished["failed_databases"]!);
        Assert.Equal(3, log.Names.Count(n => n == "backup_finished"));
    }

    [Fact]
    public async Task All_databases_leaves_out_templates_and_what_an_exclusion_matches()
    {
        var stem = Servers.UniqueName("all");
        await Pg.CreateDatabaseAsync($"{stem}-keep");
        await Pg.CreateDatabaseAsync($"{stem}-skip");
        // what a restore or a test holds while it runs: a staging database mid-load is no database to back up
        var (staging, scratch) = ($"{stem}_obs_restore_20260101000000", $"obs_test_20260101000000_{Guid.NewGuid().ToString("N")[..8]}");
        await Pg.CreateDatabaseAsync(staging);
        await Pg.CreateDatabaseAsync(scratch);
        await using var admin = await DatabaseAdmin.ConnectMaintenanceAsync(DatabaseUrl(stem), default);

        var selected = await new DatabaseSelection([], All: true, Excluded: [$"{stem}-s*", "post?res"]).ResolveAsync(admin, default);

        Assert.Contains($"{stem}-keep", selected);
        Assert.DoesNotContain($"{stem}-skip", selected);
        Assert.DoesNotContain("postgres", selected);
        Assert.DoesNotContain("template0", selected);
        Assert.DoesNotContain("template1", selected);
        Assert.DoesNotContain(staging, selected);
        Assert.DoesNotContain(scratch, selected);
        // named, it is taken as named
        Assert.Equal([staging], await new DatabaseSelection([staging], All: false, Excluded: []).ResolveAsync(admin, default));
    }

    private Configuration.DatabaseUrl DatabaseUrl(string db) => Configuration.DatabaseUrl.Parse(Pg.Url(db));
}
