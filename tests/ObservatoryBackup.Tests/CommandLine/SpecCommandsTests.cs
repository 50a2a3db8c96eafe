using System.Text.Json;
using CliWrap.Buffered;
using ObservatoryBackup.Credentials;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.CommandLine;

/// <summary>
/// Guarantee: obs-backup is a drop-in for backup_postgres.py and restore_postgres.py. Every command
/// line of the spec (shared/spec/backup-restore.md), with the script replaced by obs-backup, runs in
/// its own process and behaves as the spec says; the scripts' event and field names are on its lines.
/// </summary>
[Collection(Fixtures.IntegrationCollection.Name)]
public sealed class SpecCommandsTests(Servers servers) : Integration.IntegrationTest(servers)
{
    private Dictionary<string, string?> Env(string database, string bucket) => ObsBackupCli.Environment(Servers, database, bucket);

    private static Task<BufferedCommandResult> RunAsync(IReadOnlyDictionary<string, string?> env, params string[] args) => ObsBackupCli.RunAsync(env, args);

    private static List<JsonElement> Events(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement)];

    private static JsonElement Event(string output, string name) => Events(output).Single(e => e.GetProperty("event").GetString() == name);

    private static void HasFields(JsonElement e, params string[] fields)
    {
        foreach (var f in fields)
            Assert.True(e.TryGetProperty(f, out _), $"{e.GetProperty("event")} lacks the scripts' field '{f}': {e}");
    }

    [Fact]
    public async Task The_spec_commands_back_up_list_and_restore_with_the_scripts_spellings()
    {
        var (db, bucket) = (Servers.UniqueName("spec"), Servers.UniqueName("spec-bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 50);
        var env = Env(db, bucket);

        // python scripts/restore_postgres.py --list, on an empty bucket
        using (var client = S3.Client()) await client.PutBucketAsync(bucket);
        var empty = await RunAsync(env, "--list");
        Assert.Equal(0, empty.ExitCode);
        Assert.Equal("No backups found.", empty.StandardOutput.Trim());
        HasFields(Event(empty.StandardError, "listing_backups"), "bucket");

        // python scripts/backup_postgres.py --dry-run: writes nothing
        var dry = await RunAsync(env, "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.StandardError);
        Assert.Contains("\"event\": \"dry_run\"", dry.StandardOutput);
        Assert.Empty(await S3.ListAsync(bucket));

        // a bare obs-backup prints help and starts nothing (a backup is `obs-backup backup`)
        var bare = await RunAsync(env);
        Assert.NotEqual(0, bare.ExitCode);
        Assert.Contains("--restore", bare.StandardOutput + bare.StandardError);
        Assert.Empty(await S3.ListAsync(bucket));

        var backup = await RunAsync(env, "backup");
        Assert.True(backup.ExitCode == 0, backup.StandardError);
        HasFields(Event(backup.StandardOutput, "backup_start"), "dbname", "bucket");
        HasFields(Event(backup.StandardOutput, "upload_complete"), "object_name", "size_bytes");
        var finished = Event(backup.StandardOutput, "backup_finished");
        Assert.Equal("success", finished.GetProperty("status").GetString());
        var objectName = finished.GetProperty("object_name").GetString()!;

        // --list prints the spec's table
        var list = await RunAsync(env, "--list");
        Assert.Equal(0, list.ExitCode);
        var lines = list.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Object name", lines[0]);
        Assert.StartsWith(objectName + " ", lines[2]);

        // python scripts/restore_postgres.py --restore OBJECT, not confirmed (no terminal): nothing happens
        var target = Servers.UniqueName("spec-restored");
        var declined = await RunAsync(Env(target, bucket), "--restore", objectName);
        Assert.Equal(3, declined.ExitCode);
        HasFields(Event(declined.StandardOutput, "restore_aborted"), "reason", "dbname", "object_name");
        Assert.False(await Pg.DatabaseExistsAsync(target));

        // ... --yes; and with DATABASE_URL pointing at a test database (the spec's restore test)
        var restored = await RunAsync(Env(target, bucket), "--restore", objectName, "--yes");
        Assert.True(restored.ExitCode == 0, restored.StandardError);
        HasFields(Event(restored.StandardOutput, "restore_requested"), "dbname", "object_name");
        Assert.Equal(await Pg.ContentDigestAsync(db), await Pg.ContentDigestAsync(target));
        var alsoYesFirst = await RunAsync(Env(target, bucket), "--yes", "--restore", objectName);
        Assert.True(alsoYesFirst.ExitCode == 0, alsoYesFirst.StandardError);

        // in place, the temporary file is named as the script named it
        var inPlace = await RunAsync(Env(target, bucket), "restore", objectName, "--yes", "--in-place");
        Assert.True(inPlace.ExitCode == 0, inPlace.StandardError);
        HasFields(Event(inPlace.StandardOutput, "temp_file_removed"), "local_path");
        HasFields(Event(inPlace.StandardOutput, "download_complete"), "size_bytes");

        // one of the scripts' options at a time
        var both = await RunAsync(env, "--list", "--dry-run");
        Assert.Equal(2, both.ExitCode);
    }

    [Fact]
    public async Task The_dry_run_checks_the_store_when_the_database_fails_and_the_database_when_the_store_fails()
    {
        var (db, bucket) = (Servers.UniqueName("spec-dry"), Servers.UniqueName("spec-bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 5);

        // the spec's credential-rotation check with new keys that do not work, the database fine
        var badKeys = Env(db, bucket);
        badKeys["MINIO_SECRET_KEY"] = "not-the-secret-key";
        var storeFails = await RunAsync(badKeys, "--dry-run");
        Assert.Equal(1, storeFails.ExitCode);
        Assert.Equal("database", Event(storeFails.StandardOutput, "check_passed").GetProperty("check").GetString());
        Assert.Equal("storage", Event(storeFails.StandardOutput, "check_failed").GetProperty("check").GetString());

        // working keys, the database unreachable: the keys are still proven
        var noDatabase = Env(db, bucket);
        noDatabase["DATABASE_URL"] = Pg.Url(db).Replace($":{Pg.Port}/", ":1/");
        var databaseFails = await RunAsync(noDatabase, "--dry-run");
        Assert.Equal(1, databaseFails.ExitCode);
        Assert.Equal("database", Event(databaseFails.StandardOutput, "check_failed").GetProperty("check").GetString());
        Assert.Equal("storage", Event(databaseFails.StandardOutput, "check_passed").GetProperty("check").GetString());
        Assert.Equal("failed", Event(databaseFails.StandardOutput, "backup_finished").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Failed_restores_log_the_scripts_events()
    {
        var (db, bucket) = (Servers.UniqueName("spec-fail"), Servers.UniqueName("spec-bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 5);
        var env = Env(db, bucket);
        var backup = await RunAsync(env, "backup");
        var objectName = Event(backup.StandardOutput, "backup_finished").GetProperty("object_name").GetString()!;

        var noPsql = Env(Servers.UniqueName("spec-t"), bucket);
        noPsql["OBS_PSQL"] = "/nonexistent/psql";
        var missing = await RunAsync(noPsql, "--restore", objectName, "--yes");
        Assert.Equal(1, missing.ExitCode);
        HasFields(Event(missing.StandardOutput, "psql_not_found"), "detail");

        using var psql = new FakeTool("psql", "cat > /dev/null; echo 'ERROR:  boom' >&2; exit 3");
        var failing = Env(Servers.UniqueName("spec-t"), bucket);
        failing["OBS_PSQL"] = psql.Path;
        var failed = await RunAsync(failing, "--restore", objectName, "--yes");
        Assert.Equal(1, failed.ExitCode);
        var psqlFailed = Event(failed.StandardOutput, "psql_failed");
        Assert.Equal(3, psqlFailed.GetProperty("returncode").GetInt32());

        var gone = await RunAsync(Env(Servers.UniqueName("spec-t"), bucket), "--restore", "postgres/2020/01/01/spec_20200101_000000.sql.gz", "--yes");
        Assert.Equal(1, gone.ExitCode);
        HasFields(Event(gone.StandardOutput, "restore_failed"), "dbname", "detail");

        var unreachable = Env(db, bucket);
        unreachable["MINIO_ENDPOINT"] = "127.0.0.1:1";
        var listFailed = await RunAsync(unreachable, "--list");
        Assert.Equal(1, listFailed.ExitCode);
        HasFields(Event(listFailed.StandardError, "list_failed"), "detail", "bucket");
    }

    [Fact]
    public async Task Key_rotation_from_the_cli_in_the_specs_order_with_a_generated_key()
    {
        var db = Servers.UniqueName("spec-app");
        await Pg.CreateDatabaseAsync(db);
        await Pg.ExecuteAsync(db, "CREATE TABLE api_credentials (id serial PRIMARY KEY, credentials jsonb)");
        var oldKey = FernetKey.Generate();
        var token = FernetToken.Encrypt(oldKey, "{\"api_key\": \"k\"}"u8.ToArray());
        await Pg.ExecuteAsync(db, $"INSERT INTO api_credentials (credentials) VALUES (to_jsonb('{token}'::text))");

        var generated = await RunAsync(Env(db, "unused"), "new-credential-key");
        Assert.Equal(0, generated.ExitCode);
        var newKeyText = generated.StandardOutput.Trim();
        var newKey = FernetKey.Parse(new Configuration.SettingValue(Errors.Setting.NewCredentialKey, newKeyText, null));

        // the application still holds the old key in CREDENTIAL_ENCRYPTION_KEY; the new one is _NEW
        var env = Env(db, "unused");
        env["CREDENTIAL_ENCRYPTION_KEY"] = oldKey.Export();
        env["CREDENTIAL_ENCRYPTION_KEY_NEW"] = newKeyText;
        env["CREDENTIAL_ENCRYPTION_KEY_OLD"] = null;

        // a dry run takes no lock: it completes while a writer holds its transaction open
        await using (var writer = Pg.Connect(db))
        {
            await writer.OpenAsync();
            await using var tx = await writer.BeginTransactionAsync();
            await using (var insert = new Npgsql.NpgsqlCommand("INSERT INTO api_credentials (credentials) VALUES (NULL)", writer, tx))
                await insert.ExecuteNonQueryAsync();
            var dry = await RunAsync(env, "rotate-credential-key", "--dry-run").WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(dry.ExitCode == 0, dry.StandardError);
            await tx.RollbackAsync();
        }

        var rotated = await RunAsync(env, "rotate-credential-key", "--yes");
        Assert.True(rotated.ExitCode == 0, rotated.StandardError);
        var stored = await Pg.ScalarAsync<string>(db, "SELECT credentials #>> '{}' FROM api_credentials");
        Assert.NotNull(FernetToken.TryDecrypt(newKey, stored));
        Assert.DoesNotContain(newKeyText, rotated.StandardOutput + rotated.StandardError);

        // _OLD and _NEW together: which key CREDENTIAL_ENCRYPTION_KEY is cannot be told
        env["CREDENTIAL_ENCRYPTION_KEY_OLD"] = oldKey.Export();
        var ambiguous = await RunAsync(env, "rotate-credential-key", "--yes");
        Assert.Equal(2, ambiguous.ExitCode);
        Assert.Contains("CREDENTIAL_ENCRYPTION_KEY_NEW", ambiguous.StandardError);
    }
}
