using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Backup;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Store;
using ObservatoryBackup.Tests.Fixtures;
using ObservatoryBackup.Tests.Integration;

namespace ObservatoryBackup.Tests.Faults;

/// <summary>Guarantee: nothing hangs, and neither Ctrl+C, SIGTERM nor SIGKILL leaves debris for long.</summary>
public class HangsAndDebrisTests(Servers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task A_store_that_accepts_connections_but_never_answers_fails_in_bounded_time()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(backlog: 64); // the kernel accepts; nobody ever reads or answers
        var db = Servers.UniqueName("hang");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var storage = S3.Settings("bkt-silent") with
        {
            Endpoint = $"127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}",
            IdleTimeout = TimeSpan.FromSeconds(1),
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
        };
        var log = new RecordingLog();

        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<StorageException>(() => new BackupEngine(new BackupOptions(SettingsFor(db, "bkt-silent") with { Storage = storage }), log).PlanAsync(default));

        // five attempts of one idle period each, and the backoff between them (about 6 s); the upper bound leaves
        // a loaded machine room and is still far below five of the default idle periods (150 s)
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(45));
        Assert.Equal(("StorageUnreachable", ObsErrorKind.ConnectionFailed), (ex.ErrorId, ex.Kind));
        Assert.Contains("sent or took nothing for 1 s", ex.Message);
        Assert.Equal(RetryPolicy.MaxRetries, log.Events.Count(e => e.Name == "storage_retry"));
        Assert.Equal("failed", log.Events[^1]["status"]);
    }

    [Fact]
    public async Task Sigterm_during_a_backup_aborts_the_upload_and_logs_the_failure()
    {
        var db = Servers.UniqueName("term");
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        using var pgDump = new FakeTool("pg_dump", """
            head -c 20971520 /dev/urandom
            touch "$(dirname "$0")/streamed"
            sleep 60
            """);
        var env = CliEnv(db, bucket);
        env["OBS_PG_DUMP"] = pgDump.Path;

        using var cli = ObsBackupCli.Start(env, "backup");
        var stdout = cli.StandardOutput.ReadToEndAsync();
        var stderr = cli.StandardError.ReadToEndAsync();
        await WaitForAsync(() => File.Exists(pgDump.FileNamed("streamed")) && S3.IncompleteUploadsAsync(bucket).Result.Count > 0);
        Signal(cli, "TERM");
        await cli.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60)); // a hang guard: the cleanup takes a second or two

        Assert.NotEqual(0, cli.ExitCode);
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches("\"event\": \"backup_finished\", \"status\": \"failed\"", lines[^1]);
        Assert.Empty(await S3.IncompleteUploadsAsync(bucket));
        Assert.Empty(await S3.ListAsync(bucket));
        Assert.DoesNotContain("Unhandled", await stderr);
    }

    [Fact]
    public async Task Sigterm_during_a_restore_drops_the_staging_database_and_leaves_no_file()
    {
        var (source, target, bucket) = (Servers.UniqueName("src"), Servers.UniqueName("term-tgt"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, source, rows: 10);
        await SampleDatabase.CreateAsync(Pg, target, rows: 3);
        var digest = await Pg.ContentDigestAsync(target);
        var backup = await BackupAsync(SettingsFor(source, bucket));
        using var psql = new FakeTool("psql", """
            touch "$(dirname "$0")/restoring"
            sleep 60
            """);
        var temp = Directory.CreateTempSubdirectory("obs-tmp-").FullName;
        var env = CliEnv(target, bucket);
        env["OBS_PSQL"] = psql.Path;
        env["TMPDIR"] = temp;

        using var cli = ObsBackupCli.Start(env, "restore", backup.ObjectName, "--yes");
        var stdout = cli.StandardOutput.ReadToEndAsync();
        await WaitForAsync(() => File.Exists(psql.FileNamed("restoring")));
        Signal(cli, "TERM");
        await cli.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60)); // a hang guard: the cleanup takes a second or two

        Assert.NotEqual(0, cli.ExitCode);
        Assert.Matches("\"event\": \"restore_finished\", \"status\": \"failed\"", (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        Assert.Empty(Directory.GetFiles(temp, "obs-restore-*"));
        Assert.Equal(0L, await Pg.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname LIKE '{target}_obs%'"));
        Assert.Equal(digest, await Pg.ContentDigestAsync(target));
    }

    [Fact]
    public async Task After_a_sigkill_the_next_runs_remove_what_was_left_and_say_so()
    {
        var (db, bucket) = (Servers.UniqueName("killed"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var first = await BackupAsync(SettingsFor(db, bucket));
        // what a SIGKILL leaves: a multipart upload, a staging database, a temporary file
        using (var client = S3.Client())
            await client.InitiateMultipartUploadAsync(bucket, BackupKey.For(db, DateTimeOffset.UtcNow.AddSeconds(-5)));
        var staging = StagingNames.NameWithSuffix(db, "_obs_restore_20200101000000");
        await Pg.CreateDatabaseAsync(staging);
        var temp = Directory.CreateTempSubdirectory("obs-tmp-").FullName;
        var leftover = Path.Combine(temp, "obs-restore-0123456789abcdef0123456789abcdef.sql.gz");
        await File.WriteAllTextAsync(leftover, "partial");

        var backupLog = new RecordingLog();
        await BackupAsync(SettingsFor(db, bucket), backupLog, new FixedClock(DateTimeOffset.UtcNow.AddDays(2)));
        var restoreLog = new RecordingLog();
        await RestoreAsync(SettingsFor(db, bucket) with { TempDirectory = temp }, first.ObjectName, log: restoreLog);

        Assert.Empty(await S3.IncompleteUploadsAsync(bucket));
        Assert.Contains(backupLog.Events, e => e.Name == "removed_leftover" && (string?)e["kind"] == "multipart_upload");
        Assert.False(await Pg.DatabaseExistsAsync(staging));
        Assert.False(File.Exists(leftover));
        Assert.Equal(["staging_database", "temp_file"], restoreLog.Events.Where(e => e.Name == "removed_leftover").Select(e => (string)e["kind"]!).Order());
    }

    [Fact]
    public async Task A_temp_file_held_by_a_running_restore_is_not_a_leftover()
    {
        var temp = Directory.CreateTempSubdirectory("obs-tmp-").FullName;
        var held = Path.Combine(temp, "obs-restore-00000000000000000000000000000000.sql.gz");
        var dead = Path.Combine(temp, "obs-restore-11111111111111111111111111111111.sql.gz");
        await File.WriteAllTextAsync(dead, "left by a killed restore");
        await using (new FileStream(held, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
        {
            Assert.Equal([dead], RestoreTempFile.RemoveLeftovers(temp));
            Assert.True(File.Exists(held));
        }
    }

    private Dictionary<string, string?> CliEnv(string database, string bucket) => ObsBackupCli.Environment(Servers, database, bucket);

    private static void Signal(Process process, string signal) => Process.Start("kill", [$"-{signal}", process.Id.ToString()])!.WaitForExit();

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the process never reached the point to interrupt");
            await Task.Delay(100);
        }
    }
}
