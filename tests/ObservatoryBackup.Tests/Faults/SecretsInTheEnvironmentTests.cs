using ObservatoryBackup.Backup;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Faults;

/// <summary>
/// Guarantee: pg_dump, pg_dumpall and psql get the connection and nothing else of ours from the process's environment.
/// The test sets that environment's variables, which every process another test starts meanwhile would inherit: it runs alone.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public class SecretsInTheEnvironmentTests(LonePostgres postgres)
{
    // a deployment's store keys: the store itself is in memory
    private const string S3SecretKey = "Zq9s3SecretKeyOfTheDeployment";
    private const string S3AccessKey = "ZQ9S3ACCESSKEY";

    [Fact]
    public async Task Pg_dump_pg_dumpall_and_psql_get_the_connection_and_nothing_else_of_ours()
    {
        var pg = postgres.Postgres;
        var db = Servers.UniqueName("env");
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateAsync(pg, db, rows: 20);
        var url = pg.Url(db);
        // ours, in the process's environment as a deployment has them; and the caller's libpq settings, which say where to connect or what to run.
        // Each carries "Zq9-": a load role's password is 32 random letters and digits, and holds "Zq9" itself one restore in 8,000.
        var ours = new Dictionary<string, string>
        {
            ["MINIO_SECRET_KEY"] = S3SecretKey, ["MINIO_ACCESS_KEY"] = S3AccessKey, ["MINIO_ROOT_PASSWORD"] = "Zq9-root",
            ["AWS_SECRET_ACCESS_KEY"] = "Zq9-aws", ["AWS_ACCESS_KEY_ID"] = "Zq9-awsid", ["AWS_SESSION_TOKEN"] = "Zq9-token",
            ["DATABASE_URL"] = url, ["DATABASE_URL_FILE"] = "/run/secrets/Zq9-url",
            ["CREDENTIAL_ENCRYPTION_KEY"] = "Zq9-key", ["CREDENTIAL_ENCRYPTION_KEY_NEW"] = "Zq9-new", ["CREDENTIAL_ENCRYPTION_KEY_OLD"] = "Zq9-old",
            ["OBS_S3_CREDENTIALS"] = "Zq9-creds", ["OBS_AGE_IDENTITY_FILE"] = "/Zq9-/identity", ["OBS_NOTIFY_URL"] = "https://hook.example/Zq9-",
            ["OBS_S3_SSE_C_KEY_FILE"] = "/Zq9-/ssec", ["PGSERVICE"] = "Zq9-service", ["PGHOSTADDR"] = "127.0.0.1", ["PGAPPNAME"] = "Zq9-app",
        };
        // what a program and libpq need, set by the caller: these pass
        var theirs = new Dictionary<string, string> { ["LC_MESSAGES"] = "C", ["PGSSLROOTCERT"] = "/nonexistent/root.crt", ["TZ"] = "UTC" };
        var saved = ours.Keys.Concat(theirs.Keys).ToDictionary(k => k, Environment.GetEnvironmentVariable);
        const string Record = """env -0 > "$(dirname "$0")/env-$(basename "$0")-$$-$RANDOM" """;
        using var pgDump = new FakeTool("pg_dump", $"exec {PostgresServer.BinDir}/pg_dump \"$@\"", Record);
        pgDump.Beside("pg_dumpall", $"exec {PostgresServer.BinDir}/pg_dumpall \"$@\"", Record);
        var psql = pgDump.Beside("psql", $"exec {PostgresServer.BinDir}/psql \"$@\"", Record);
        try
        {
            foreach (var (name, value) in ours.Concat(theirs)) Environment.SetEnvironmentVariable(name, value);
            var store = new MemoryObjectStore(bucket);
            var settings = new ObsSettings
            {
                Database = DatabaseUrl.Parse(url),
                Storage = store.Settings,
                PgDumpPath = new ToolPath(pgDump.Path),
                PsqlPath = new ToolPath(psql),
            };
            var backup = new BackupEngine(new BackupOptions(settings), new RecordingLog()) { OpenStore = _ => store };
            var dump = await backup.ExecuteAsync(await backup.PlanAsync(default), default);
            var globals = new BackupEngine(new BackupOptions(settings) { Kind = BackupKind.Globals }, new RecordingLog()) { OpenStore = _ => store };
            await globals.ExecuteAsync(await globals.PlanAsync(default), default);
            await new RestoreEngine(new RestoreOptions(settings), new RecordingLog()) { OpenStore = _ => store }.RunAsync(dump.ObjectName, RestoreMode.Staged, default);
            var copy = settings with { Database = DatabaseUrl.Parse(pg.Url(db + "_copy")), RestoreJobs = 2 };
            await new RestoreEngine(new RestoreOptions(copy), new RecordingLog()) { OpenStore = _ => store }.RunAsync(dump.ObjectName, RestoreMode.Staged, default);
        }
        finally
        {
            foreach (var (name, value) in saved) Environment.SetEnvironmentVariable(name, value);
        }

        var runs = Directory.GetFiles(Path.GetDirectoryName(pgDump.Path)!, "env-*")
            .Select(f => (Tool: Path.GetFileName(f).Split('-')[1], Env: File.ReadAllText(f).Split('\0', StringSplitOptions.RemoveEmptyEntries)
                .Select(v => v.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1])))
            .ToList();
        // each program's version check and its run; psql alone and as the workers of a parallel load (one, then two connections)
        Assert.Equal(["pg_dump", "pg_dumpall", "psql"], runs.Select(r => r.Tool).Distinct().Order());
        Assert.True(runs.Count(r => r.Tool == "psql") >= 5, $"{runs.Count(r => r.Tool == "psql")} psql runs");
        var target = DatabaseUrl.Parse(url);
        foreach (var (tool, env) in runs)
        {
            foreach (var name in ours.Keys) Assert.False(env.ContainsKey(name), $"{tool} got {name}");
            foreach (var (name, value) in env)
            {
                Assert.DoesNotContain("Zq9-", value, StringComparison.Ordinal);
                Assert.DoesNotContain(S3SecretKey, value, StringComparison.Ordinal);
                Assert.DoesNotContain(S3AccessKey, value, StringComparison.Ordinal);
                Assert.True(ToolEnvironment.IsPassed(name) || SetByUsOrBash.Contains(name), $"{tool} got {name}");
            }
            foreach (var (name, value) in theirs) Assert.Equal(value, env.GetValueOrDefault(name));
            Assert.False(string.IsNullOrEmpty(env.GetValueOrDefault("PATH")), $"{tool} has no PATH");
        }
        // what the run needs: the connection, password included, in libpq's variables
        foreach (var (tool, env) in runs.Where(r => r.Env.ContainsKey("PGHOST")))
        {
            Assert.Equal(target.Host, env["PGHOST"]);
            Assert.Equal(target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), env["PGPORT"]);
            if (tool == "psql")
            {
                // a restore's psql connects as the load role made for it, with that role's password: the connecting user's never reaches it
                Assert.StartsWith("obs_load_", env["PGUSER"], StringComparison.Ordinal);
                Assert.Matches("^[A-Za-z0-9]{32}$", env["PGPASSWORD"]);
                continue;
            }
            Assert.Equal(target.User, env["PGUSER"]);
            Assert.Equal(PostgresServer.AdminPassword, env["PGPASSWORD"]);
        }
        Assert.All(runs.GroupBy(r => r.Tool), tool => Assert.Contains(tool, r => r.Env.ContainsKey("PGPASSWORD")));
    }

    // besides what the allow-list passes: the connection, and what bash sets itself
    private static readonly HashSet<string> SetByUsOrBash = new(StringComparer.Ordinal)
        { "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGCONNECT_TIMEOUT", "PGCLIENTENCODING", "PWD", "SHLVL", "_" };
}
