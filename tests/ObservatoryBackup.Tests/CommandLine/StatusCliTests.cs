using System.Text.Json;
using CliWrap.Buffered;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.CommandLine;

/// <summary>obs-backup status over every database of a bucket on radosgw, with an object named in the future beside the real ones.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class StatusCliTests(Servers servers)
{
    private static Task<BufferedCommandResult> RunAsync(IReadOnlyDictionary<string, string?> env, params string[] args) => ObsBackupCli.RunAsync(env, args);

    [Fact]
    public async Task Status_checks_every_database_speaks_json_and_never_takes_a_future_name_for_the_newest()
    {
        var (bucket, fresh, stale, real, future) = await StatusBucket.CreateAsync(servers.S3, "cli-status");
        var env = ObsBackupCli.Environment(servers, fresh, bucket);

        var all = await RunAsync(env, "status", "--all-databases", "--json");
        Assert.True(all.ExitCode == 1, all.StandardError);
        var statuses = JsonDocument.Parse(all.StandardOutput).RootElement;
        Assert.Equal([(fresh, true, 1), (stale, false, 1)],
            statuses.EnumerateArray().Select(s => (s.GetProperty("database").GetString(), s.GetProperty("fresh").GetBoolean(), s.GetProperty("count").GetInt32())).OrderBy(s => s.Item1 == stale));
        var ofFresh = statuses.EnumerateArray().Single(s => s.GetProperty("database").GetString() == fresh);
        Assert.Equal(real, ofFresh.GetProperty("newest_object_name").GetString());
        var suspect = Assert.Single(ofFresh.GetProperty("suspect").EnumerateArray());
        Assert.Equal((future, "named in the future"), (suspect.GetProperty("object_name").GetString(), suspect.GetProperty("reason").GetString()));
        Assert.Contains("\"level\": \"WARNING\", \"event\": \"suspect_backup\"", all.StandardError);
        Assert.Contains($"obs-backup: error: The newest backup of database \"{stale}\"", all.StandardError);

        // plain status is every database's too: one stale database is not fresh
        var plain = await RunAsync(env, "status");
        Assert.Equal(1, plain.ExitCode);
        Assert.Equal(2, plain.StandardOutput.Split('\n').Count(l => l.Contains("\"event\": \"backup_status\"", StringComparison.Ordinal)));

        var one = await RunAsync(env, "status", "--database", fresh, "--max-age", "2h");
        Assert.True(one.ExitCode == 0, one.StandardError);
        Assert.Contains(future, one.StandardOutput);
        Assert.Equal(1, (await RunAsync(env, "status", "--database", fresh, "--max-age", "30m")).ExitCode);
        Assert.Equal(2, (await RunAsync(env, "status", "--database", fresh, "--all-databases")).ExitCode);

        var listed = JsonDocument.Parse((await RunAsync(env, "list", "--json", "--database", fresh)).StandardOutput).RootElement;
        Assert.Equal([(future, true), (real, false)], listed.EnumerateArray().Select(b => (b.GetProperty("object_name").GetString(), b.GetProperty("suspect").GetBoolean())));
        Assert.Contains(real, (await RunAsync(env, "list", "--latest", "--database", fresh)).StandardOutput);
    }
}
