using System.Text;
using CliWrap.Buffered;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Credentials;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Tests.Fixtures;
using ObservatoryBackup.Tests.Integration;

namespace ObservatoryBackup.Tests.Faults;

/// <summary>Guarantee: every failure is logged (ERROR and the failed *_finished line) and explained in one line, never as a stack trace.</summary>
public class FailuresAreReportedTests(Servers servers) : IntegrationTest(servers)
{
    private Dictionary<string, string?> CliEnv(string database, string bucket) => ObsBackupCli.Environment(Servers, database, bucket);

    public static TheoryData<string, string, string> BackupFailures => new()
    {
        // what is changed, to what, and the error the failed backup_finished carries
        { "DATABASE_URL", "wrong password", "DatabaseAuthenticationFailed" },
        { "DATABASE_URL", "unreachable", "DatabaseUnreachable" },
        { "MINIO_ENDPOINT", "127.0.0.1:1", "StorageUnreachable" },
        { "MINIO_SECURE", "true", "StorageUnreachable" },
        { "OBS_PG_DUMP", "/nonexistent/pg_dump", "pg_dumpNotFound" },
        { "OBS_PG_DUMP", "not executable", "PgToolNotExecutable" },
        { "OBS_PG_DUMP", "killed by signal 9", "PgDumpFailed" },
    };

    [Theory]
    [MemberData(nameof(BackupFailures))]
    public async Task A_backup_that_fails_logs_its_failure_and_says_why_in_one_line(string variable, string fault, string errorId)
    {
        var (db, bucket) = (Servers.UniqueName("fail"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var env = CliEnv(db, bucket);
        using var tool = new FakeTool("pg_dump", fault == "killed by signal 9" ? "printf 'SET x = 1;\\n'; kill -9 $$" : "exit 0");
        if (fault == "not executable") File.SetUnixFileMode(tool.Path, UnixFileMode.UserRead);
        env[variable] = (variable, fault) switch
        {
            ("DATABASE_URL", "wrong password") => Pg.Url(db, password: "not the password"),
            ("DATABASE_URL", "unreachable") => $"postgresql://u:p@127.0.0.1:{Shell.FreePort()}/{db}?connect_timeout=3",
            ("OBS_PG_DUMP", "not executable" or "killed by signal 9") => tool.Path,
            _ => fault,
        };

        var started = DateTime.UtcNow;
        var result = await ObsBackupCli.RunAsync(env, "backup");

        Assert.Equal(1, result.ExitCode);
        var last = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.Contains("\"level\": \"ERROR\", \"event\": \"backup_finished\", \"status\": \"failed\"", last);
        Assert.Contains($"\"error_id\": \"{errorId}\"", last);
        var error = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("obs-backup: error: ", error);
        Assert.DoesNotContain("   at ", result.StandardError);
        if (fault == "killed by signal 9") Assert.Contains("killed by signal 9 (SIGKILL)", error);
        if (variable == "MINIO_SECURE")
        {
            // a TLS mismatch is not worth retrying: it fails at once and says what to check
            Assert.DoesNotContain("storage_retry", result.StandardOutput);
            Assert.Contains("MINIO_SECURE", error);
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task A_backup_refused_because_its_name_is_taken_logs_the_failure()
    {
        var (db, bucket) = (Servers.UniqueName("taken"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var now = new DateTimeOffset(2026, 4, 1, 2, 0, 0, TimeSpan.Zero);
        await S3.PutAsync(bucket, Naming.BackupKey.For(db, now), "x"u8.ToArray());
        var log = new RecordingLog();

        var ex = await Assert.ThrowsAsync<BackupDataException>(() => BackupAsync(SettingsFor(db, bucket), log, new FixedClock(now)));

        Assert.Equal("BackupAlreadyExists", ex.ErrorId);
        Assert.Equal((Logging.LogLevel.ERROR, "failed", "BackupAlreadyExists"),
            (log.Events[^1].Level, (string?)log.Events[^1]["status"], (string?)log.Events[^1]["error_id"]));
    }

    [Fact]
    public async Task A_refused_object_name_is_logged_as_a_failed_restore()
    {
        var result = await ObsBackupCli.RunAsync(CliEnv("postgres", "bkt-unused"), "restore", "../../etc/passwd", "--yes");

        Assert.Equal(2, result.ExitCode); // a bad argument
        Assert.Contains("\"event\": \"restore_failed\"", result.StandardOutput);
        Assert.Contains("\"event\": \"restore_finished\", \"status\": \"failed\"", result.StandardOutput);
        Assert.Contains("is not a backup object name", result.StandardError);
    }

    [Theory]
    [InlineData("BACKUP_RETENTION_DAYS", "1000000000")]
    [InlineData("BACKUP_RETENTION_DAYS", "36501")]
    [InlineData("DATABASE_URL", "postgresql://u:p@h/a_database_name_that_is_longer_than_the_sixty_three_bytes_postgres_allows")]
    public async Task Out_of_range_settings_are_configuration_errors_naming_the_variable(string variable, string value)
    {
        var env = CliEnv("postgres", "bkt-unused");
        env[variable] = value;
        var result = await ObsBackupCli.RunAsync(env, "backup", "--dry-run");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"obs-backup: error: {variable} ", result.StandardError);
        Assert.DoesNotContain("   at ", result.StandardError);
        Assert.Contains("\"event\": \"invalid_configuration\"", result.StandardOutput);
    }

    [Fact]
    public async Task A_staging_name_is_never_cut_inside_a_character()
    {
        // the 27-byte suffix leaves 36 bytes for the name: 33 of ASCII and then a surrogate pair, which
        // cut after its first half would still "fit" (a lone surrogate counts as 3) and no encoder takes
        var source = Servers.UniqueName("src");
        var target = "t" + new string('x', 32) + "\U0001F600" + "tail";
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateAsync(Pg, source, rows: 10);
        var backup = await BackupAsync(SettingsFor(source, bucket));
        var staging = StagingNames.NameWithSuffix(target, "_obs_restore_20260101000000");
        Assert.True(Encoding.UTF8.GetByteCount(staging) <= 63);
        Assert.Equal(staging, Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(staging)));

        await RestoreAsync(SettingsFor(target, bucket), backup.ObjectName);
        await RestoreAsync(SettingsFor(target, bucket), backup.ObjectName); // and again over itself

        Assert.Equal(await Pg.ContentDigestAsync(source), await Pg.ContentDigestAsync(target));
    }

    [Fact]
    public async Task A_failed_in_place_restore_says_the_database_is_partial()
    {
        var (db, bucket) = (Servers.UniqueName("partial"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var name = $"postgres/2026/01/07/{db}_20260107_000000.sql.gz";
        await S3.PutAsync(bucket, name, Dumps.Gzip("CREATE TABLE first (x int);\nINSERT INTO nowhere VALUES (1);\n--\n-- PostgreSQL database dump complete\n--\n"));

        var ex = await Assert.ThrowsAsync<RestoreFailedException>(() => RestoreAsync(SettingsFor(db, bucket), name, RestoreMode.InPlace));

        Assert.False(ex.TargetUntouched);
        Assert.Contains($"The database \"{db}\" now holds a partial restore", ex.Message);
        Assert.Contains("exit code 3", ex.Message);
    }

    [Fact]
    public async Task A_full_disk_for_the_restore_file_fails_at_once_naming_the_file()
    {
        var (source, target, bucket) = (Servers.UniqueName("src"), Servers.UniqueName("tgt"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateRandomBlobsAsync(Pg, source, mebibytes: 2);
        var backup = await BackupAsync(SettingsFor(source, bucket));
        var env = CliEnv(target, bucket);
        env["TMPDIR"] = Directory.CreateTempSubdirectory("obs-tmp-").FullName;
        // the runtime's W^X double mapping sizes a memfd past any small file-size limit; without it, it starts
        env["DOTNET_EnableWriteXorExecute"] = "0";

        // in place, the backup is downloaded and verified before anything is dropped (staged streams it);
        // a 512 KiB file size limit: writing the temporary file fails as a full disk would (EFBIG)
        var result = await CliWrap.Cli.Wrap("bash")
            .WithArguments(["-c", "trap '' XFSZ; ulimit -f 512; exec \"$@\" restore \"$0\" --yes --in-place", backup.ObjectName,
                ObsBackupCli.Command.Program, .. ObsBackupCli.Command.Prefix])
            .WithEnvironmentVariables(env)
            .WithValidation(CliWrap.CommandResultValidation.None)
            .ExecuteBufferedAsync();

        Assert.Equal(1, result.ExitCode);
        Assert.True(result.StandardError.Contains("The restore's temporary file"), result.StandardError + result.StandardOutput);
        Assert.Contains(env["TMPDIR"]!, result.StandardError);
        Assert.DoesNotContain("storage_retry", result.StandardOutput);
        Assert.DoesNotContain("object store", result.StandardError);
        Assert.False(await Pg.DatabaseExistsAsync(target));
        Assert.Empty(Directory.GetFiles(env["TMPDIR"]!, "obs-restore-*"));
    }

    [Fact]
    public async Task A_credential_row_without_a_key_stops_the_rotation_and_changes_nothing()
    {
        var db = Servers.UniqueName("nullkey");
        await Pg.CreateDatabaseAsync(db);
        var (oldKey, newKey) = (FernetKey.Generate(), FernetKey.Generate());
        await Pg.ExecuteAsync(db, "CREATE TABLE api_credentials (id text, credentials jsonb)");
        await Pg.ExecuteAsync(db, $"INSERT INTO api_credentials VALUES ('a', to_jsonb('{FernetToken.Encrypt(oldKey, "{}"u8)}'::text)), (NULL, to_jsonb('{FernetToken.Encrypt(oldKey, "{}"u8)}'::text))");
        var before = await Pg.ScalarAsync<string>(db, "SELECT string_agg(credentials::text, ',' ORDER BY id) FROM api_credentials");

        var ex = await Assert.ThrowsAsync<CredentialRotationException>(() =>
            new CredentialKeyRotation(DatabaseUrl.Parse(Pg.Url(db)), new CredentialTable(), oldKey, newKey, new RecordingLog()).RunAsync(dryRun: false, default));

        Assert.Equal("CredentialKeyNull", ex.ErrorId);
        Assert.Equal(before, await Pg.ScalarAsync<string>(db, "SELECT string_agg(credentials::text, ',' ORDER BY id) FROM api_credentials"));
    }
}
