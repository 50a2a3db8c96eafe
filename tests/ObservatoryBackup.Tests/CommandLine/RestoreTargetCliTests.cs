using System.Text.Json;
using CliWrap.Buffered;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.CommandLine;

/// <summary>
/// In a bucket holding several databases' backups, a restore takes the target's own newest backup,
/// another database's only with the target named, a named one wherever DATABASE_URL points (saying
/// so), and --target-database restores beside the URL's database without touching it.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class RestoreTargetCliTests(Servers servers)
{
    private static Task<BufferedCommandResult> RunAsync(IReadOnlyDictionary<string, string?> env, params string[] args) => ObsBackupCli.RunAsync(env, args);

    private static IEnumerable<JsonElement> Events(string stdout, string name) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("event").GetString() == name);

    [Fact]
    public async Task Latest_restores_the_targets_own_newest_and_another_databases_only_into_a_target_named()
    {
        var pg = servers.Postgres;
        var bucket = Servers.UniqueName("lt-bucket");
        var (target, other) = (Servers.UniqueName("lt_target"), Servers.UniqueName("lt_other"));
        await SampleDatabase.CreateAsync(pg, target, rows: 20);
        await SampleDatabase.CreateAsync(pg, other, rows: 30);
        var env = ObsBackupCli.Environment(servers, target, bucket);
        // the target's backup first, the other's after it: the bucket's newest is the other database's
        Assert.Equal(0, (await RunAsync(env, "backup")).ExitCode);
        await Task.Delay(1100); // names carry whole seconds
        Assert.Equal(0, (await RunAsync(ObsBackupCli.Environment(servers, other, bucket), "backup")).ExitCode);
        var (targetBackedUp, otherBackedUp) = (await pg.ContentDigestAsync(target), await pg.ContentDigestAsync(other));
        Assert.NotEqual(targetBackedUp, otherBackedUp);

        // the target's tables changed since: --latest brings back its own backup, not the other's
        await pg.ExecuteAsync(target, "DROP TABLE research.results CASCADE; INSERT INTO research.queries (term) VALUES ('after the backup')");
        var latest = await RunAsync(env, "restore", "--latest", "--yes");
        Assert.True(latest.ExitCode == 0, latest.StandardError);
        Assert.Equal(targetBackedUp, await pg.ContentDigestAsync(target));
        var requested = Assert.Single(Events(latest.StandardOutput, "restore_requested"));
        Assert.Contains($"/{target}_", requested.GetProperty("object_name").GetString());
        Assert.Empty(Events(latest.StandardOutput, "restore_into"));

        // test --latest is the same choice: the newest of DATABASE_URL's database
        var tested = await RunAsync(env, "test", "--latest", "--verify-only");
        Assert.True(tested.ExitCode == 0, tested.StandardError);
        Assert.Contains($"/{target}_", Assert.Single(Events(tested.StandardOutput, "test_finished")).GetProperty("object_name").GetString());

        // another database's newest goes only where the user names the target
        var refused = await RunAsync(env, "restore", "--latest", "--database", other, "--yes");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains($"database \"{other}\"", refused.StandardError);
        Assert.Contains($"database \"{target}\"", refused.StandardError);
        Assert.Contains("--target-database", refused.StandardError);
        Assert.Equal(targetBackedUp, await pg.ContentDigestAsync(target));

        var intoUrls = await RunAsync(env, "restore", "--latest", "--database", other, "--target-database", target, "--yes");
        Assert.True(intoUrls.ExitCode == 0, intoUrls.StandardError);
        Assert.Equal(otherBackedUp, await pg.ContentDigestAsync(target));
        var into = Assert.Single(Events(intoUrls.StandardOutput, "restore_into"));
        Assert.Equal((other, target, "latest"), (into.GetProperty("backup_database").GetString(), into.GetProperty("database").GetString(), into.GetProperty("chosen").GetString()));
    }

    [Fact]
    public async Task Target_database_creates_or_replaces_another_database_of_the_server_and_a_named_backup_says_what_it_restores_into()
    {
        var pg = servers.Postgres;
        var bucket = Servers.UniqueName("td-bucket");
        var (source, copy, scratch) = (Servers.UniqueName("td_source"), Servers.UniqueName("td_copy"), Servers.UniqueName("td_scratch"));
        await SampleDatabase.CreateAsync(pg, source, rows: 25);
        var env = ObsBackupCli.Environment(servers, source, bucket);
        var backup = await RunAsync(env, "backup");
        Assert.True(backup.ExitCode == 0, backup.StandardError);
        var objectName = Assert.Single(Events(backup.StandardOutput, "backup_finished")).GetProperty("object_name").GetString()!;
        var backedUp = await pg.ContentDigestAsync(source);
        await pg.ExecuteAsync(source, "INSERT INTO research.queries (term) VALUES ('only in the source')");
        var sourceNow = await pg.ContentDigestAsync(source);

        // created, staged; then replaced in place: DATABASE_URL's database is never touched
        Assert.False(await pg.DatabaseExistsAsync(copy));
        // --latest follows the target: the copy has no backup of its own
        var ofCopy = await RunAsync(env, "restore", "--latest", "--target-database", copy, "--yes");
        Assert.Equal(1, ofCopy.ExitCode);
        Assert.Contains($"There is no backup of database \"{copy}\"", ofCopy.StandardError);
        var created = await RunAsync(env, "restore", "--latest", "--database", source, "--target-database", copy, "--yes");
        Assert.True(created.ExitCode == 0, created.StandardError);
        Assert.Equal(backedUp, await pg.ContentDigestAsync(copy));
        await pg.ExecuteAsync(copy, "DROP TABLE research.results CASCADE");
        var replaced = await RunAsync(env, "restore", objectName, "--target-database", copy, "--in-place", "--yes");
        Assert.True(replaced.ExitCode == 0, replaced.StandardError);
        Assert.Equal(backedUp, await pg.ContentDigestAsync(copy));
        Assert.Equal(sourceNow, await pg.ContentDigestAsync(source));
        Assert.Equal(copy, Assert.Single(Events(replaced.StandardOutput, "restore_finished")).GetProperty("database").GetString());

        // a named backup restores where DATABASE_URL points, as the scripts' restore test does, and the log says of what into what
        var named = await RunAsync(new Dictionary<string, string?>(env) { ["DATABASE_URL"] = pg.Url(scratch) }, "restore", objectName, "--yes");
        Assert.True(named.ExitCode == 0, named.StandardError);
        Assert.Equal(backedUp, await pg.ContentDigestAsync(scratch));
        var into = Assert.Single(Events(named.StandardOutput, "restore_into"));
        Assert.Equal((objectName, source, scratch, "named"),
            (into.GetProperty("object_name").GetString(), into.GetProperty("backup_database").GetString(), into.GetProperty("database").GetString(), into.GetProperty("chosen").GetString()));

        // a name PostgreSQL would cut short is refused before anything runs, naming the option
        var tooLong = await RunAsync(env, "restore", "--latest", "--target-database", new string('x', 64), "--yes");
        Assert.Equal(2, tooLong.ExitCode);
        Assert.Contains("--target-database takes a database name of 1 to 63 bytes", tooLong.StandardError);
        Assert.Empty(Events(tooLong.StandardOutput, "restore_requested"));
    }
}
