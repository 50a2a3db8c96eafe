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

    [Theory]
    [InlineData("--include-role-passwords goes with --include-globals or --all-databases.", "--include-role-passwords", "--database", "a")]
    [InlineData("--database names databases and --all-databases takes them all; give one of them.", "--database", "a", "--all-databases")]
    [InlineData("--exclude-database and --parallel go with --all-databases or --database.", "--include-globals", "--parallel", "2")]
    public async Task Options_that_do_not_go_together_exit_2_in_the_clis_words_before_anything_runs(string message, params string[] options)
    {
        var env = ObsBackupCli.Environment(servers, "postgres", Servers.UniqueName("cli-bkt"));

        var run = await ObsBackupCli.RunAsync(env, ["backup", .. options]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"obs-backup: error: {message}", run.StandardError.Trim());
        Assert.Equal("", run.StandardOutput);
    }

    [Fact]
    public async Task Globals_go_to_radosgw_under_their_percent_name_list_as_globals_test_and_restore_the_missing_role()
    {
        var stem = Servers.UniqueName("cli_gl").Replace('-', '_');
        var bucket = Servers.UniqueName("cli-bkt");
        await SampleDatabase.CreateAsync(servers.Postgres, stem, rows: 5);
        await servers.Postgres.ExecuteAsync("postgres", $"CREATE ROLE {stem}_role NOLOGIN CONNECTION LIMIT 4");
        var env = ObsBackupCli.Environment(servers, stem, bucket);

        var backup = await ObsBackupCli.RunAsync(env, "backup", "--include-globals");
        Assert.True(backup.ExitCode == 0, backup.StandardError);
        var names = await servers.S3.ListAsync(bucket);
        Assert.Equal(2, names.Count);
        var globals = Assert.Single(names, n => n.Contains("/%globals_", StringComparison.Ordinal));

        var list = await ObsBackupCli.RunAsync(env, "list", "--json");
        Assert.Contains("\"globals\": true", list.StandardOutput.Replace("\"globals\":true", "\"globals\": true"));
        var test = await ObsBackupCli.RunAsync(env, "test", globals);
        Assert.True(test.ExitCode == 0, test.StandardError);

        await servers.Postgres.ExecuteAsync("postgres", $"DROP ROLE {stem}_role");
        var restore = await ObsBackupCli.RunAsync(env, "restore", globals, "--yes");
        Assert.True(restore.ExitCode == 0, restore.StandardError);
        Assert.Contains($"created roles [{stem}_role]", restore.StandardError);
        Assert.Equal(4, await servers.Postgres.ScalarAsync<int>("postgres", $"SELECT rolconnlimit FROM pg_roles WHERE rolname = '{stem}_role'"));
    }

    [Fact]
    public async Task A_globals_bringing_a_new_superuser_restores_only_with_allow_privileged_roles()
    {
        var stem = Servers.UniqueName("cli_priv").Replace('-', '_');
        var bucket = Servers.UniqueName("cli-bkt");
        var name = ObservatoryBackup.Naming.BackupKey.For(ObservatoryBackup.Naming.BackupKey.Globals, DateTimeOffset.UtcNow);
        await servers.S3.PutAsync(bucket, name, Dumps.Gzip($"""
            SET default_transaction_read_only = off;
            SET client_encoding = 'UTF8';
            SET standard_conforming_strings = on;
            CREATE ROLE {stem}_boss;
            ALTER ROLE {stem}_boss WITH SUPERUSER NOLOGIN;

            --
            -- PostgreSQL database cluster dump complete
            --

            """));
        var env = ObsBackupCli.Environment(servers, "postgres", bucket);
        try
        {
            var refused = await ObsBackupCli.RunAsync(env, "restore", name, "--yes");
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains($"SUPERUSER to role \"{stem}_boss\"", refused.StandardError);
            Assert.Equal(0L, await servers.Postgres.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_roles WHERE rolname = '{stem}_boss'"));

            var allowed = await ObsBackupCli.RunAsync(env, "restore", name, "--yes", "--allow-privileged-roles");
            Assert.True(allowed.ExitCode == 0, allowed.StandardError);
            Assert.True(await servers.Postgres.ScalarAsync<bool>("postgres", $"SELECT rolsuper FROM pg_roles WHERE rolname = '{stem}_boss'"));
        }
        finally
        {
            await servers.Postgres.ExecuteAsync("postgres", $"DROP ROLE IF EXISTS {stem}_boss");
        }
    }
}
