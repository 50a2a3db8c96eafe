using System.Text.Json;
using CliWrap.Buffered;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.CommandLine;

/// <summary>The CLI does what the cmdlets do: list by database, the newest, as JSON; restore and test the newest of a database.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class CliParityTests(Servers servers)
{
    private static Task<BufferedCommandResult> RunAsync(IReadOnlyDictionary<string, string?> env, params string[] args) => ObsBackupCli.RunAsync(env, args);

    [Fact]
    public async Task List_filters_by_database_and_latest_and_speaks_json_and_restore_and_test_take_the_newest_of_a_database()
    {
        var bucket = Servers.UniqueName("cli-parity");
        var (a, b) = (Servers.UniqueName("parity-a"), Servers.UniqueName("parity-b"));
        await SampleDatabase.CreateAsync(servers.Postgres, a, rows: 20);
        await SampleDatabase.CreateAsync(servers.Postgres, b, rows: 30);
        foreach (var db in new[] { a, b, a })
        {
            var backup = await RunAsync(ObsBackupCli.Environment(servers, db, bucket), "backup");
            Assert.True(backup.ExitCode == 0, backup.StandardError);
            await Task.Delay(1100); // names carry whole seconds
        }
        var env = ObsBackupCli.Environment(servers, a, bucket);

        var all = JsonDocument.Parse((await RunAsync(env, "list", "--json")).StandardOutput).RootElement;
        Assert.Equal(3, all.GetArrayLength());
        var ofA = JsonDocument.Parse((await RunAsync(env, "list", "--json", "--database", a)).StandardOutput).RootElement;
        Assert.Equal(2, ofA.GetArrayLength());
        Assert.All(ofA.EnumerateArray(), e => Assert.Equal(a, e.GetProperty("database").GetString()));
        var newestOfA = ofA[0].GetProperty("object_name").GetString()!;
        Assert.False(ofA[0].GetProperty("encrypted").GetBoolean());
        var latest = await RunAsync(env, "list", "--latest", "--database", b);
        Assert.Contains(b, Assert.Single(latest.StandardOutput.Split('\n'), l => l.StartsWith("postgres/", StringComparison.Ordinal)));

        var tested = await RunAsync(env, "test", "--latest", "--database", a, "--verify-only");
        Assert.True(tested.ExitCode == 0, tested.StandardError);
        Assert.Contains(newestOfA, tested.StandardOutput);

        var target = Servers.UniqueName("parity-target");
        var restoreEnv = new Dictionary<string, string?>(env) { ["DATABASE_URL"] = servers.Postgres.Url(target) };
        // another database's newest goes into a database of another name only when the target is named
        Assert.Equal(2, (await RunAsync(restoreEnv, "restore", "--latest", "--database", b, "--yes")).ExitCode);
        Assert.False(await servers.Postgres.DatabaseExistsAsync(target));
        var restored = await RunAsync(restoreEnv, "restore", "--latest", "--database", b, "--target-database", target, "--yes");
        Assert.True(restored.ExitCode == 0, restored.StandardError);
        Assert.Equal(await servers.Postgres.ContentDigestAsync(b), await servers.Postgres.ContentDigestAsync(target));

        var both = await RunAsync(restoreEnv, "restore", newestOfA, "--latest", "--yes");
        Assert.Equal(2, both.ExitCode);
        var neither = await RunAsync(restoreEnv, "restore", "--yes");
        Assert.Equal(2, neither.ExitCode);
    }
}
