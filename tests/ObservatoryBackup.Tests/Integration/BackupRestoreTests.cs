using System.IO.Compression;
using System.Text;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

public class BackupRestoreTests(Servers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task Backup_list_and_restore_into_another_database_gives_identical_rows()
    {
        var source = Servers.UniqueName("src");
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateAsync(Pg, source);
        var log = new RecordingLog();

        var result = await BackupAsync(SettingsFor(source, bucket), log);

        Assert.Matches($@"^postgres/\d{{4}}/\d{{2}}/\d{{2}}/{source}_\d{{8}}_\d{{6}}\.sql\.gz$", result.ObjectName);
        Assert.Equal([result.ObjectName], await S3.ListAsync(bucket));
        Assert.Contains("bucket_created", log.Names);
        Assert.Equal(["backup_start", "bucket_created", "pg_dump_start", "upload_start", "pg_dump_complete", "upload_complete",
            "prune_start", "prune_complete", "backup_finished"], log.Names);
        Assert.Equal("success", log.Single("backup_finished")["status"]);
        Assert.DoesNotContain(PostgresServer.AdminPassword, log.AllJson);
        Assert.True(result.Size > 0 && result.DumpSize > result.Size);

        var listed = Assert.Single(await new ObservatoryBackup.Store.BackupCatalog(S3.Settings(bucket), new ObservatoryBackup.Logging.EventLog(new RecordingLog(), TimeProvider.System)).ListAsync(new(), default));
        Assert.Equal((result.ObjectName, result.Size!.Value, result.StartedAt), (listed.ObjectName, listed.Size, listed.Timestamp!.Value));

        var target = Servers.UniqueName("restored");
        var restoreLog = new RecordingLog();
        var restored = await RestoreAsync(SettingsFor(target, bucket), result.ObjectName, log: restoreLog);

        Assert.False(restored.Replaced);
        Assert.Equal(await Pg.RowCountsAsync(source), await Pg.RowCountsAsync(target));
        Assert.Equal(await Pg.ContentDigestAsync(source), await Pg.ContentDigestAsync(target));
        // staged: streamed from the store with no temporary file, verified on its way into the staging
        // database as a load role made for it, swapped in only after that and after the role is gone
        // without trusted keys, the log says the backup's signature was not checked (and that it has none)
        Assert.Equal("unsigned", restoreLog.Single("signature_not_checked")["signature"]);
        // restored under another name than its backup's database: the log says so, as "into"
        Assert.Equal(target, restoreLog.Single("restore_into")["database"]);
        Assert.Equal(["restore_requested", "restore_into", "signature_not_checked", "create_database", "load_role_created", "download_start",
            "restore_start", "backup_verified", "restore_complete", "restore_proven", "privileges_applied", "load_role_dropped", "rename_database", "restore_finished"],
            restoreLog.Names.Where(n => n != "download_complete"));
        Assert.True(restoreLog.Names.ToList().IndexOf("download_complete") < restoreLog.Names.ToList().IndexOf("backup_verified"));
        Assert.DoesNotContain("temp_file_removed", restoreLog.Names);
        Assert.False(await Pg.DatabaseExistsAsync((string)restoreLog.Single("restore_start")["database"]!));
    }

    [Theory]
    [InlineData(RestoreMode.Staged)]
    [InlineData(RestoreMode.InPlace)]
    public async Task Restore_replaces_an_existing_database_and_ends_its_sessions(RestoreMode mode)
    {
        var db = Servers.UniqueName("live");
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 300);
        var before = await Pg.ContentDigestAsync(db);
        var backup = await BackupAsync(SettingsFor(db, bucket));

        await Pg.ExecuteAsync(db, "DELETE FROM research.results WHERE id > 100; CREATE TABLE later (x int); INSERT INTO later VALUES (1);");
        await using var idle = Pg.Connect(db);
        await idle.OpenAsync();

        var log = new RecordingLog();
        var result = await RestoreAsync(SettingsFor(db, bucket), backup.ObjectName, mode, log);

        Assert.True(result.Replaced);
        Assert.Equal(before, await Pg.ContentDigestAsync(db));
        Assert.Equal(1, (int)log.Single("terminate_connections")["terminated"]!);
        Assert.Equal(0L, await Pg.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname LIKE '{db}%' AND datname <> '{db}'"));
    }

    [Fact]
    public async Task A_pg_dump_that_fails_after_streaming_everything_leaves_no_object_and_no_upload()
    {
        var db = Servers.UniqueName("src");
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 50_000);
        // Fault injection: the real pg_dump runs to the end, then the exit status says it failed.
        var fake = Path.Combine(Path.GetTempPath(), $"pg_dump_fails_{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(fake, $"""
            #!/bin/sh
            "{PostgresServer.BinDir}/pg_dump" "$@" || exit $?
            echo "pg_dump: error: simulated failure after the last byte" >&2
            exit 3
            """);
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var log = new RecordingLog();
        try
        {
            var ex = await Assert.ThrowsAsync<PgDumpFailedException>(() => BackupAsync(SettingsFor(db, bucket, pgDump: fake), log));
            Assert.Equal(3, ex.ExitCode);
            Assert.Contains("simulated failure after the last byte", ex.Message);
        }
        finally
        {
            File.Delete(fake);
        }

        Assert.Empty(await S3.ListAsync(bucket));
        Assert.Empty(await S3.IncompleteUploadsAsync(bucket));
        Assert.Contains("pg_dump_failed", log.Names);
        Assert.Equal("failed", log.Events.Last()["status"]);
        Assert.DoesNotContain("upload_complete", log.Names);
    }

    [Fact]
    public async Task A_pg_dump_refused_by_the_server_fails_with_its_stderr_and_leaves_nothing()
    {
        var db = Servers.UniqueName("src");
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        // a real failure: a user that may connect but not read one table
        var user = "limited_" + Guid.NewGuid().ToString("N")[..6];
        await Pg.ExecuteAsync("postgres", $"CREATE ROLE {user} LOGIN PASSWORD 'limited pw'");
        await Pg.ExecuteAsync(db, $"GRANT USAGE ON SCHEMA research TO {user}; GRANT SELECT ON research.queries TO {user};");
        var settings = SettingsFor(db, bucket) with { Database = Configuration.DatabaseUrl.Parse(Pg.Url(db, user, "limited pw")) };

        var ex = await Assert.ThrowsAsync<PgDumpFailedException>(() => BackupAsync(settings));

        Assert.Contains("permission denied", ex.StandardError);
        Assert.Empty(await S3.ListAsync(bucket));
        Assert.Empty(await S3.IncompleteUploadsAsync(bucket));
    }

    [Fact]
    public async Task A_large_dump_streams_in_several_upload_parts_and_restores()
    {
        var db = Servers.UniqueName("big");
        var bucket = Servers.UniqueName("bkt");
        // incompressible, so the upload needs several 8 MiB parts
        await SampleDatabase.CreateRandomBlobsAsync(Pg, db, mebibytes: 48);

        var backup = await BackupAsync(SettingsFor(db, bucket));
        Assert.True(backup.Size > 32L << 20, $"compressed size {backup.Size}");

        var target = Servers.UniqueName("big-restored");
        await RestoreAsync(SettingsFor(target, bucket), backup.ObjectName);
        Assert.Equal(await Pg.ContentDigestAsync(db), await Pg.ContentDigestAsync(target));
    }

    [Fact]
    public async Task Concurrent_multipart_backups_in_one_process_never_share_a_buffer()
    {
        // part buffers and gzip blocks come from process-wide pools: two uploads at once, each of
        // several parts, must each store exactly their own database
        var bucket = Servers.UniqueName("bkt");
        var sources = new[] { Servers.UniqueName("pool-a"), Servers.UniqueName("pool-b") };
        foreach (var db in sources) await SampleDatabase.CreateRandomBlobsAsync(Pg, db, mebibytes: 20);

        var backups = await Task.WhenAll(sources.Select(db => BackupAsync(SettingsFor(db, bucket))));
        Assert.All(backups, b => Assert.True(b.Size > 16L << 20, $"compressed size {b.Size}"));

        foreach (var (db, backup) in sources.Zip(backups))
        {
            var target = Servers.UniqueName("pool-restored");
            await RestoreAsync(SettingsFor(target, bucket), backup.ObjectName);
            Assert.Equal(await Pg.ContentDigestAsync(db), await Pg.ContentDigestAsync(target));
        }
    }

    [Fact]
    public async Task A_truncated_backup_is_refused_and_the_target_is_unchanged()
    {
        var db = Servers.UniqueName("live");
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 3000);
        var backup = await BackupAsync(SettingsFor(db, bucket));
        var whole = await S3.GetAsync(bucket, backup.ObjectName);
        var truncated = "postgres/2026/01/02/observatory_20260102_030405.sql.gz";
        await S3.PutAsync(bucket, truncated, whole[..(whole.Length * 2 / 3)]);
        var damaged = "postgres/2026/01/02/observatory_20260102_030406.sql.gz";
        var flipped = (byte[])whole.Clone();
        flipped[flipped.Length / 2] ^= 0xFF;
        await S3.PutAsync(bucket, damaged, flipped);
        await Pg.ExecuteAsync(db, "INSERT INTO research.queries (term) VALUES ('written after the backup')");
        var digest = await Pg.ContentDigestAsync(db);

        foreach (var name in new[] { truncated, damaged })
        {
            foreach (var mode in new[] { RestoreMode.Staged, RestoreMode.InPlace })
            {
                var ex = await Assert.ThrowsAsync<BackupDataException>(() => RestoreAsync(SettingsFor(db, bucket), name, mode));
                Assert.Equal(("BackupCorrupt", ObsErrorKind.InvalidData), (ex.ErrorId, ex.Kind));
                Assert.Equal(digest, await Pg.ContentDigestAsync(db));
            }
        }
    }

    [Fact]
    public async Task A_dump_cut_short_before_compression_is_refused()
    {
        var db = Servers.UniqueName("live");
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var digest = await Pg.ContentDigestAsync(db);
        // a valid gzip of SQL that lacks pg_dump's closing line
        var name = "postgres/2026/01/03/observatory_20260103_000000.sql.gz";
        await S3.PutAsync(bucket, name, Dumps.Gzip("-- PostgreSQL database dump\nCREATE TABLE half (x int);\n"));

        var ex = await Assert.ThrowsAsync<BackupDataException>(() => RestoreAsync(SettingsFor(db, bucket), name));
        Assert.Contains("dump complete", ex.Message);
        Assert.Equal(digest, await Pg.ContentDigestAsync(db));
    }

    [Fact]
    public async Task A_failing_statement_stops_the_restore_and_the_staged_target_is_untouched()
    {
        var db = Servers.UniqueName("live");
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var digest = await Pg.ContentDigestAsync(db);
        var name = "postgres/2026/01/04/observatory_20260104_000000.sql.gz";
        await S3.PutAsync(bucket, name, Dumps.Gzip("""
            CREATE TABLE first (x int);
            INSERT INTO first VALUES (1);
            INSERT INTO no_such_table VALUES (1);
            CREATE TABLE never (x int);
            --
            -- PostgreSQL database dump complete
            --
            """));
        var log = new RecordingLog();

        var ex = await Assert.ThrowsAsync<RestoreFailedException>(() => RestoreAsync(SettingsFor(db, bucket), name, log: log));

        Assert.True(ex.TargetUntouched);
        Assert.Contains("no_such_table", ex.StandardError);
        Assert.Equal(digest, await Pg.ContentDigestAsync(db));
        Assert.Equal(0L, await Pg.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname LIKE '{db}_obs%'"));
        Assert.Contains("restore_failed", log.Names);
    }

    [Fact]
    public async Task Restoring_a_missing_backup_is_not_found_and_changes_nothing()
    {
        var db = Servers.UniqueName("live");
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        await S3.PutAsync(bucket, "postgres/readme.txt", "x"u8.ToArray());

        var ex = await Assert.ThrowsAsync<BackupDataException>(() =>
            RestoreAsync(SettingsFor(db, bucket), "postgres/2020/01/01/observatory_20200101_000000.sql.gz"));
        Assert.Equal(ObsErrorKind.NotFound, ex.Kind);
        Assert.True(await Pg.DatabaseExistsAsync(db));
    }
}
