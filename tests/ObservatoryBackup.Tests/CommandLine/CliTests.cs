using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.CommandLine;

/// <summary>obs-backup as cron runs it: a separate process configured by environment variables only.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class CliTests(Servers servers)
{
    private PostgresServer Pg => servers.Postgres;
    private S3Server S3 => servers.S3;

    private Dictionary<string, string?> Env(string database, string bucket) => ObsBackupCli.Environment(servers, database, bucket);

    private static Task<BufferedCommandResult> RunAsync(IReadOnlyDictionary<string, string?> env, params string[] args) => ObsBackupCli.RunAsync(env, args);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task Test_proves_the_newest_backup_restores_and_exits_by_the_result()
    {
        var (db, bucket) = (Servers.UniqueName("cli-test"), Servers.UniqueName("cli-bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 100);
        Assert.Equal(0, (await RunAsync(Env(db, bucket), "backup")).ExitCode);

        var full = await RunAsync(Env(db, bucket), "test", "--latest");
        Assert.True(full.ExitCode == 0, full.StandardError);
        var finished = Lines(full.StandardOutput)[^1];
        Assert.Matches("\"event\": \"test_finished\", \"status\": \"success\"", finished);
        Assert.Contains("\"database\": \"obs_test_", finished);

        var verified = await RunAsync(Env(db, bucket), "test", "--latest", "--verify-only");
        Assert.True(verified.ExitCode == 0, verified.StandardError);

        var missing = await RunAsync(Env(db, bucket), "test", "postgres/2020/01/01/nothing_20200101_000000.sql.gz");
        Assert.Equal(1, missing.ExitCode);
        Assert.Matches("\"event\": \"test_finished\", \"status\": \"failed\"", Lines(missing.StandardOutput)[^1]);
    }

    [Fact]
    public async Task Status_exits_by_freshness_and_runs_write_prometheus_metrics()
    {
        var (db, bucket) = (Servers.UniqueName("cli-status"), Servers.UniqueName("cli-bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var metrics = Path.Combine(Directory.CreateTempSubdirectory("obs-metrics-").FullName, "obs_backup.prom");
        var env = Env(db, bucket);
        env["OBS_METRICS_FILE"] = metrics;

        var none = await RunAsync(env, "status", "--database", db);
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("There is no backup of database", none.StandardError);

        Assert.Equal(0, (await RunAsync(env, "backup")).ExitCode);
        Assert.Equal(0, (await RunAsync(env, "test", "--latest")).ExitCode);
        var fresh = await RunAsync(env, "status", "--database", db);
        Assert.True(fresh.ExitCode == 0, fresh.StandardError);
        var line = Assert.Single(Lines(fresh.StandardOutput));
        Assert.Matches("\"level\": \"INFO\", \"event\": \"backup_status\".*\"count\": 1.*\"fresh\": true", line);

        await Task.Delay(1100);
        var stale = await RunAsync(env, "status", "--database", db, "--max-age", "1s");
        Assert.Equal(1, stale.ExitCode);
        Assert.Matches("\"level\": \"ERROR\", \"event\": \"backup_status\".*\"fresh\": false", Assert.Single(Lines(stale.StandardOutput)));

        var samples = File.ReadAllLines(metrics).Where(l => !l.StartsWith('#')).ToList();
        var labels = $"{{database=\"{db}\",bucket=\"{bucket}\"}}";
        foreach (var name in new[] { "obs_backup_last_success_timestamp_seconds", "obs_backup_last_duration_seconds", "obs_backup_last_size_bytes",
                     "obs_backup_last_test_success_timestamp_seconds", "obs_backup_stored_newest_timestamp_seconds" })
            Assert.Contains(samples, l => l.StartsWith(name + labels + " ", StringComparison.Ordinal));
        Assert.Contains($"obs_backup_last_status{labels} 1", samples);
        Assert.Contains($"obs_backup_last_test_status{labels} 1", samples);
        Assert.Contains($"obs_backup_stored_backups{labels} 1", samples);
        await Promtool.AssertMetricsPassAsync(metrics);
        Assert.Equal([metrics], Directory.GetFiles(Path.GetDirectoryName(metrics)!));
    }

    [Fact]
    public async Task A_run_without_keys_warns_that_it_uses_minios_built_in_ones()
    {
        var env = Env("postgres", Servers.UniqueName("cli-bkt"));
        foreach (var name in new[] { "MINIO_ACCESS_KEY", "MINIO_SECRET_KEY", "AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "OBS_S3_CREDENTIALS" })
            env[name] = null;

        // the built-in keys, which the test server may refuse (and the bucket is missing): the warning comes first either way
        var run = await RunAsync(env, "list");

        Assert.Matches("\"level\": \"WARNING\", \"event\": \"storage_default_credentials\", \"keys\": \"access key and secret key\".*minioadmin", run.StandardOutput + run.StandardError);
        var keyed = await RunAsync(Env("postgres", Servers.UniqueName("cli-bkt")), "list");
        Assert.DoesNotContain("storage_default_credentials", keyed.StandardOutput + keyed.StandardError);
    }

    [Fact]
    public async Task Backup_with_compression_zstd_lists_and_restores()
    {
        var (db, bucket) = (Servers.UniqueName("cli-zstd"), Servers.UniqueName("cli-bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 50);
        var backup = await RunAsync(Env(db, bucket), "backup", "--compression", "zstd");
        Assert.True(backup.ExitCode == 0, backup.StandardError);
        var name = Regex.Match(backup.StandardOutput, "\"object_name\": \"(postgres/[^\"]+\\.sql\\.zst)\"").Groups[1].Value;
        Assert.NotEmpty(name);
        Assert.Matches("\"compression\": \"zstd\", \"compression_level\": 1[,}]", backup.StandardOutput); // zstd's own default
        Assert.Contains(name, (await RunAsync(Env(db, bucket), "list")).StandardOutput);
        await Task.Delay(1100); // the next backup's name needs another second
        var higher = await RunAsync(Env(db, bucket), "backup", "--compression", "zstd", "--compression-level", "12");
        Assert.True(higher.ExitCode == 0, higher.StandardError);
        Assert.Matches("\"compression_level\": 12[,}]", higher.StandardOutput);
        var target = Servers.UniqueName("cli-zstd-dst");
        var restore = await RunAsync(Env(target, bucket), "restore", name, "--yes");
        Assert.True(restore.ExitCode == 0, restore.StandardError);
        Assert.Equal(await Pg.ContentDigestAsync(db), await Pg.ContentDigestAsync(target));

        var bad = await RunAsync(Env(db, bucket), "backup", "--compression", "lz4");
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("obs-backup: error: --compression must be gzip or zstd, not 'lz4'.", bad.StandardError.Trim());
    }

    [Fact]
    public async Task A_bad_option_is_named_as_the_option()
    {
        var result = await RunAsync(Env("postgres", "cli-unused"), "backup", "--compression-level", "12");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("obs-backup: error: --compression-level must be from 1 to 9 for gzip, not 12.", result.StandardError.Trim());
        Assert.Contains("\"event\": \"invalid_configuration\", \"variable\": \"--compression-level\"", result.StandardOutput);
        Assert.DoesNotContain("-CompressionLevel", result.StandardOutput + result.StandardError);
    }

    [Fact]
    public async Task A_bad_variable_is_named_as_the_variable()
    {
        var env = Env("postgres", "cli-unused");
        env["BACKUP_RETENTION_DAYS"] = "thirty";
        var result = await RunAsync(env, "backup");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("obs-backup: error: BACKUP_RETENTION_DAYS must be 0 (keep everything) or a whole number of days up to 36500, not 'thirty'.", result.StandardError.Trim());
    }

    [Fact]
    public async Task Backup_list_and_restore_as_the_scripts_did()
    {
        var source = Servers.UniqueName("cli-src");
        var target = Servers.UniqueName("cli-dst");
        var bucket = Servers.UniqueName("cli-bkt");
        await SampleDatabase.CreateAsync(Pg, source, rows: 400);

        var backup = await RunAsync(Env(source, bucket), "backup");
        Assert.True(backup.ExitCode == 0, backup.StandardError);
        var lines = Lines(backup.StandardOutput);
        Assert.All(lines, l => Assert.Matches("""^\{"timestamp": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "level": "INFO", "event": "[a-z_]+".*\}$""", l));
        var finished = Regex.Match(lines[^1], """^\{"timestamp": "[^"]+", "level": "INFO", "event": "backup_finished", "status": "success", "object_name": "(postgres/\d{4}/\d\d/\d\d/cli-src-[0-9a-f-]+_\d{8}_\d{6}\.sql\.gz)"\}$""");
        Assert.True(finished.Success, lines[^1]);
        var objectName = finished.Groups[1].Value;
        Assert.DoesNotContain(PostgresServer.AdminPassword, backup.StandardOutput + backup.StandardError);

        var list = await RunAsync(Env(source, bucket), "list");
        Assert.Equal(0, list.ExitCode);
        var stat = (await new ObservatoryBackup.Store.BackupCatalog(S3.Settings(bucket), new ObservatoryBackup.Logging.EventLog(new RecordingLog(), TimeProvider.System)).ListAsync(new(), default)).Single();
        var table = list.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // header and rows as in the spec's example, column for column
        Assert.Equal("Object name                                                             Size  Last modified", table[0]);
        Assert.Equal(new string('-', 110), table[1]);
        var row = Assert.Single(table[2..]);
        Assert.StartsWith(objectName + " ", row);
        Assert.Equal(stat.Size.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), row[..74].TrimStart()[(objectName.Length)..].Trim());
        Assert.Equal(stat.LastModified.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC", row[76..]);
        Assert.Equal(' ', row[74]);

        var restore = await RunAsync(Env(target, bucket), "restore", objectName, "--yes");
        Assert.True(restore.ExitCode == 0, restore.StandardError);
        Assert.Contains("\"event\": \"restore_finished\", \"status\": \"success\"", Lines(restore.StandardOutput)[^1]);
        Assert.Equal(await Pg.RowCountsAsync(source), await Pg.RowCountsAsync(target));
    }

    [Fact]
    public async Task The_native_executable_and_the_portable_build_read_each_others_backups_in_any_locale()
    {
        // on Linux the tests run the native executable that ships there; the portable one must agree with it
        if (OperatingSystem.IsLinux()) Assert.True(File.Exists(ObsBackupCli.NativeExecutable), ObsBackupCli.NativeExecutable);
        var portable = ("dotnet", new[] { ObsBackupCli.PortableDll });
        var (source, bucket) = (Servers.UniqueName("cli-both"), Servers.UniqueName("cli-bkt"));
        await SampleDatabase.CreateAsync(Pg, source, rows: 300);

        var byPortable = await ObsBackupCli.RunAsync(portable, Env(source, bucket), "backup");
        Assert.True(byPortable.ExitCode == 0, byPortable.StandardError);
        await Task.Delay(1100); // the next backup's name needs another second
        var byNative = await RunAsync(Env(source, bucket), "backup", "--compression", "zstd");
        Assert.True(byNative.ExitCode == 0, byNative.StandardError);
        var names = await S3.ListAsync(bucket);
        Assert.Equal(2, names.Count);

        foreach (var (command, name) in new[] { (portable, names.Single(n => n.EndsWith(".zst"))), (ObsBackupCli.Command, names.Single(n => n.EndsWith(".gz"))) })
        {
            var target = Servers.UniqueName("cli-both-dst");
            var restore = await ObsBackupCli.RunAsync(command, Env(target, bucket), "restore", name, "--yes");
            Assert.True(restore.ExitCode == 0, restore.StandardError);
            Assert.Equal(await Pg.ContentDigestAsync(source), await Pg.ContentDigestAsync(target));

            // sizes and times as the scripts printed them, whatever the locale says
            var env = Env(source, bucket);
            env["LC_ALL"] = env["LANG"] = "de_DE.UTF-8";
            var list = await ObsBackupCli.RunAsync(command, env, "list");
            Assert.True(list.ExitCode == 0, list.StandardError);
            var size = (await new ObservatoryBackup.Store.BackupCatalog(S3.Settings(bucket), new ObservatoryBackup.Logging.EventLog(new RecordingLog(), TimeProvider.System)).ListAsync(new(), default)).Single(b => b.ObjectName == name).Size;
            Assert.Contains(size.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + "  ", list.StandardOutput);
        }
    }

    [Fact]
    public async Task Restore_without_yes_refuses_when_input_is_not_a_terminal()
    {
        var db = Servers.UniqueName("cli-live");
        var bucket = Servers.UniqueName("cli-bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        Assert.Equal(0, (await RunAsync(Env(db, bucket), "backup")).ExitCode);
        var objectName = (await S3.ListAsync(bucket)).Single();
        await Pg.ExecuteAsync(db, "CREATE TABLE after_backup (x int)");

        var result = await RunAsync(Env(db, bucket), "restore", objectName);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("--yes", Assert.Single(Lines(result.StandardError)));
        Assert.Contains("\"event\": \"restore_aborted\"", result.StandardOutput);
        Assert.Contains("public.after_backup", (await Pg.RowCountsAsync(db)).Keys);
    }

    [Fact]
    public async Task Dry_run_and_prune()
    {
        var db = Servers.UniqueName("cli-src");
        var bucket = Servers.UniqueName("cli-bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var old = $"postgres/2020/01/01/{db}_20200101_000000.sql.gz";
        var newest = $"postgres/2020/01/02/{db}_20200102_000000.sql.gz"; // old too, but the newest of its database
        const string foreign = "postgres/2020/01/01/keep-me.sql.gz";
        await S3.PutAsync(bucket, old, "x"u8.ToArray());
        await S3.PutAsync(bucket, newest, "x"u8.ToArray());
        await S3.PutAsync(bucket, foreign, "x"u8.ToArray());

        var dry = await RunAsync(Env(db, bucket), "backup", "--dry-run");
        Assert.Equal(0, dry.ExitCode);
        Assert.Contains("\"event\": \"dry_run\"", dry.StandardOutput);
        Assert.Contains(old, dry.StandardOutput);
        Assert.Equal(3, (await S3.ListAsync(bucket)).Count);

        var pruneDry = await RunAsync(Env(db, bucket), "prune", "--dry-run");
        Assert.Equal(0, pruneDry.ExitCode);
        Assert.Equal(3, (await S3.ListAsync(bucket)).Count);

        var prune = await RunAsync(Env(db, bucket), "prune");
        Assert.Equal(0, prune.ExitCode);
        Assert.Contains("\"event\": \"deleted_old_backup\", \"object_name\": \"" + old + "\"", prune.StandardOutput);
        Assert.Equal(new[] { foreign, newest }.Order(), (await S3.ListAsync(bucket)).Order());
    }

    [Fact]
    public async Task Errors_are_one_line_with_a_non_zero_exit()
    {
        var env = Env("postgres", Servers.UniqueName("cli-bkt"));
        env["DATABASE_URL"] = null;
        var missing = await RunAsync(env, "backup");
        Assert.Equal(2, missing.ExitCode);
        Assert.StartsWith("obs-backup: error: DATABASE_URL is required", Assert.Single(Lines(missing.StandardError)));
        Assert.Contains("\"event\": \"missing_required_env_var\", \"variable\": \"DATABASE_URL\"", missing.StandardOutput);

        env = Env("postgres", Servers.UniqueName("cli-bkt"));
        env["MINIO_SECRET_KEY"] = "wrong-secret";
        var denied = await RunAsync(env, "list");
        Assert.Equal(1, denied.ExitCode);
        // the listing's own events go to stderr (stdout is the table); the error is one line among them
        Assert.Contains("refused the credentials", Assert.Single(Lines(denied.StandardError), l => !l.StartsWith('{')));
        Assert.Contains("\"event\": \"list_failed\"", denied.StandardError);
        Assert.DoesNotContain("wrong-secret", denied.StandardError);

        var badName = await RunAsync(Env("postgres", "any-bucket"), "restore", "../../etc/passwd", "--yes");
        Assert.Equal(2, badName.ExitCode); // a bad argument, as the README's table says
        Assert.Contains("not a backup object name", Assert.Single(Lines(badName.StandardError)));

        var usage = await RunAsync(Env("postgres", "any-bucket"), "restore");
        Assert.Equal(2, usage.ExitCode);
    }

    [Fact]
    public async Task Usage_errors_exit_2_and_say_what_was_wanted()
    {
        var env = Env("postgres", Servers.UniqueName("cli-bkt"));
        var level = await RunAsync(env, "backup", "--compression-level", "abc");
        Assert.Equal(2, level.ExitCode);
        Assert.Contains("--compression-level takes a whole number (gzip 1-9, zstd 1-19), not 'abc'", level.StandardError);
        Assert.DoesNotContain("Nullable", level.StandardError);

        var both = await RunAsync(env, "test", "postgres/2026/01/01/postgres_20260101_000000.sql.gz", "--latest");
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--latest", both.StandardError);
        Assert.DoesNotContain("test_start", both.StandardOutput);

        env["OBS_LOG_FORMAT"] = "xml";
        var format = await RunAsync(env, "list");
        Assert.Equal(2, format.ExitCode);
        Assert.Contains("OBS_LOG_FORMAT must be text or json, not 'xml'", format.StandardError);
    }

    [Fact]
    public async Task A_wrong_secret_on_a_request_without_an_answer_body_says_what_the_store_answered()
    {
        var env = Env("postgres", Servers.UniqueName("cli-bkt"));
        env["MINIO_SECRET_KEY"] = "wrong-secret";
        // a HEAD request: the store's refusal has no body to name its error code
        var result = await RunAsync(env, "test", "postgres/2026/01/01/postgres_20260101_000000.sql.gz", "--verify-only");
        Assert.Equal(1, result.ExitCode);
        var error = Assert.Single(Lines(result.StandardError));
        Assert.Contains("refused the credentials", error);
        Assert.Contains("HTTP 403 Forbidden", error);
        Assert.DoesNotContain("Exception of type", error);
        Assert.DoesNotContain("wrong-secret", result.StandardOutput + result.StandardError);
    }
}
