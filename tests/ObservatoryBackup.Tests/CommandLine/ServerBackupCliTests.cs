using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.CommandLine;

/// <summary>obs-backup backup --database … from cron: each database its own object; exit 1 when any failed, after all ran.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class ServerBackupCliTests(Servers servers)
{
    [Fact]
    public async Task Backup_of_several_databases_exits_by_the_worst_and_stores_every_good_one()
    {
        var stem = Servers.UniqueName("cli-multi");
        var bucket = Servers.UniqueName("cli-bkt");
        await SampleDatabase.CreateAsync(servers.Postgres, $"{stem}-a", rows: 10);
        await SampleDatabase.CreateAsync(servers.Postgres, $"{stem}-b", rows: 10);
        var env = ObsBackupCli.Environment(servers, $"{stem}-a", bucket);

        var good = await ObsBackupCli.RunAsync(env, "backup", "--database", $"{stem}-a", "--database", $"{stem}-b", "--parallel", "2");
        Assert.True(good.ExitCode == 0, good.StandardError);
        Assert.Contains("\"event\": \"run_finished\", \"status\": \"success\"", good.StandardOutput);
        Assert.Equal(2, (await servers.S3.ListAsync(bucket)).Count);

        await Task.Delay(1100);
        var partly = await ObsBackupCli.RunAsync(env, "backup", "--database", $"{stem}-nope", "--database", $"{stem}-b");
        Assert.Equal(1, partly.ExitCode);
        Assert.Contains($"{stem}-nope", partly.StandardError);
        Assert.Equal(3, (await servers.S3.ListAsync(bucket)).Count);

        var both = await ObsBackupCli.RunAsync(env, "backup", "--database", $"{stem}-a", "--all-databases");
        Assert.Equal(2, both.ExitCode);
    }
}
