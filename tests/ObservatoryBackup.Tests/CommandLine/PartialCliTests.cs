using System.Text.Json;
using CliWrap.Buffered;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.CommandLine;

/// <summary><c>obs-backup contents</c> and <c>restore --table/--schema</c> as a separate process, configured by the environment.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class PartialCliTests(Servers servers)
{
    private PostgresServer Pg => servers.Postgres;

    private Dictionary<string, string?> Env(string database, string bucket) => ObsBackupCli.Environment(servers, database, bucket);

    private static Task<BufferedCommandResult> RunAsync(IReadOnlyDictionary<string, string?> env, params string[] args) => ObsBackupCli.RunAsync(env, args);

    [Fact]
    public async Task Contents_lists_a_backups_tables_and_restore_table_restores_one_into_a_new_target_database_only()
    {
        var (db, bucket) = (Servers.UniqueName("cli-part"), Servers.UniqueName("cli-bkt"));
        await Pg.CreateDatabaseAsync(db);
        await Pg.ExecuteAsync(db, """
            CREATE SCHEMA lab;
            CREATE TABLE lab.t (id serial PRIMARY KEY, v text); INSERT INTO lab.t (v) VALUES ('a'), ('b'), ('c');
            CREATE TABLE public.u (x int); INSERT INTO public.u VALUES (1), (2);
            """);
        Assert.Equal(0, (await RunAsync(Env(db, bucket), "backup")).ExitCode);
        var list = await RunAsync(Env(db, bucket), "list", "--json");
        var objectName = JsonDocument.Parse(list.StandardOutput).RootElement[0].GetProperty("object_name").GetString()!;

        var contents = await RunAsync(Env(db, bucket), "contents", objectName, "--json");
        Assert.True(contents.ExitCode == 0, contents.StandardError);
        var json = JsonDocument.Parse(contents.StandardOutput).RootElement;
        Assert.False(json.GetProperty("verified").GetBoolean());
        Assert.Equal(["lab.t:3", "public.u:2"], json.GetProperty("tables").EnumerateArray().Select(t => $"{t.GetProperty("table").GetString()}:{t.GetProperty("rows").GetInt64()}"));
        var verified = await RunAsync(Env(db, bucket), "contents", objectName, "--verify");
        Assert.True(verified.ExitCode == 0, verified.StandardError);
        Assert.Matches(@"(?m)^lab\.t\s+3$", verified.StandardOutput);
        Assert.Contains("counted in the SQL, manifest proven", verified.StandardOutput, StringComparison.Ordinal);

        var existing = await RunAsync(Env(db, bucket), "restore", objectName, "--table", "lab.t", "--yes");
        Assert.Equal(2, existing.ExitCode);
        Assert.Contains("--table and --schema restore part of a backup only into a database that does not exist yet", existing.StandardError, StringComparison.Ordinal);
        var regex = await RunAsync(Env(db, bucket), "restore", objectName, "--table", "t[0-9]", "--yes");
        Assert.Equal(2, regex.ExitCode);
        Assert.Contains("--table", regex.StandardError, StringComparison.Ordinal);

        var target = Servers.UniqueName("cli-parted");
        var restore = await RunAsync(Env(db, bucket), "restore", objectName, "--table", "T", "--target-database", target, "--jobs", "2", "--yes");
        Assert.True(restore.ExitCode == 0, restore.StandardError);
        Assert.Equal(["lab.t"], (await Pg.RowCountsAsync(target)).Keys);
        Assert.Equal(4, await Pg.ScalarAsync<int>(target, "INSERT INTO lab.t (v) VALUES ('d') RETURNING id"));
    }
}
