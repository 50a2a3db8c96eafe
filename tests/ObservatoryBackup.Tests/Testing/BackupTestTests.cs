using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Testing;
using ObservatoryBackup.Tests.Fixtures;
using ObservatoryBackup.Tests.Integration;

namespace ObservatoryBackup.Tests.Testing;

/// <summary>Test-ObsBackup's engine: a backup is proven by restoring it and counting every table's rows.</summary>
public class BackupTestTests(Servers servers) : IntegrationTest(servers)
{
    private async Task<long> ScratchDatabasesAsync() =>
        await Pg.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname LIKE '{BackupTestEngine.ScratchPrefix}%'");

    private Task<BackupTestResult> TestAsync(string database, string bucket, string objectName, bool verifyOnly = false, bool keep = false, RecordingLog? log = null, CancellationToken ct = default) =>
        new BackupTestEngine(new TestOptions(SettingsFor(database, bucket)), log ?? new RecordingLog()).RunAsync(objectName, verifyOnly, keep, ct);

    [Fact]
    public async Task A_good_backup_restores_every_row_of_every_table_and_leaves_nothing_behind()
    {
        var (db, bucket) = (Servers.UniqueName("tested"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 300);
        var digest = await Pg.ContentDigestAsync(db);
        var backup = await BackupAsync(SettingsFor(db, bucket));
        var scratchBefore = await ScratchDatabasesAsync();
        var log = new RecordingLog();

        var result = await TestAsync(db, bucket, backup.ObjectName, log: log);

        Assert.True(result.Passed);
        Assert.Empty(result.Mismatches);
        var counts = await Pg.RowCountsAsync(db);
        Assert.Equal(counts.Count, result.Tables);
        Assert.Equal(counts.Values.Sum(), result.Rows);
        Assert.StartsWith(BackupTestEngine.ScratchPrefix, result.Database);
        Assert.False(await Pg.DatabaseExistsAsync(result.Database!));
        Assert.Equal(scratchBefore, await ScratchDatabasesAsync());
        Assert.Equal(digest, await Pg.ContentDigestAsync(db)); // the source is never touched
        Assert.Equal(("test_start", "test_finished", "success"), (log.Names.First(), log.Names.Last(), (string?)log.Events[^1]["status"]));

        var verified = await TestAsync(db, bucket, backup.ObjectName, verifyOnly: true);
        Assert.True(verified.Passed && verified.VerifyOnly);
        Assert.Null(verified.Database);
        Assert.Equal((result.Tables, result.Rows, result.SqlSize), (verified.Tables, verified.Rows, verified.SqlSize));
    }

    [Fact]
    public async Task Rows_lost_on_restore_fail_the_test_and_name_the_table()
    {
        var (db, bucket) = (Servers.UniqueName("lossy"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 50);
        var sql = Dumps.Gunzip(await S3.GetAsync(bucket, (await BackupAsync(SettingsFor(db, bucket))).ObjectName));
        // an edit after the COPY data: the block carries every row, the restored table loses one (in a
        // backup without a manifest, which would refuse the edit before any restore)
        var marker = "\n--\n-- PostgreSQL database dump complete";
        var edited = Dumps.WithoutManifest(sql).Replace(marker, "\nDELETE FROM public.\"Mixed Case \"\"Table\"\"\" WHERE k = 1;" + marker);
        Assert.NotEqual(sql, edited);
        var name = $"postgres/2026/02/01/{db}_20260201_000000.sql.gz";
        await S3.PutAsync(bucket, name, Dumps.Gzip(edited));
        var log = new RecordingLog();

        var result = await TestAsync(db, bucket, name, log: log);

        Assert.False(result.Passed);
        var mismatch = Assert.Single(result.Mismatches);
        Assert.Equal("public.\"Mixed Case \"\"Table\"\"\"", mismatch.Table);
        Assert.Equal((3L, 2L), (mismatch.InBackup, mismatch.Restored));
        Assert.Equal(mismatch.Table, log.Single("table_mismatch")["table"]);
        Assert.Equal("failed", log.Events[^1]["status"]);
        Assert.False(await Pg.DatabaseExistsAsync(result.Database!));
    }

    [Fact]
    public async Task A_truncated_backup_fails_before_any_restore()
    {
        var (db, bucket) = (Servers.UniqueName("cut"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 2000);
        var whole = await S3.GetAsync(bucket, (await BackupAsync(SettingsFor(db, bucket))).ObjectName);
        var name = $"postgres/2026/02/02/{db}_20260202_000000.sql.gz";
        await S3.PutAsync(bucket, name, whole[..(whole.Length / 2)]);
        var log = new RecordingLog();

        foreach (var verifyOnly in new[] { true, false })
        {
            var ex = await Assert.ThrowsAsync<BackupDataException>(() => TestAsync(db, bucket, name, verifyOnly, log: log));
            Assert.Equal("BackupCorrupt", ex.ErrorId);
        }
        Assert.DoesNotContain("create_database", log.Names);
        Assert.Equal("BackupCorrupt", log.Events[^1]["error_id"]);
    }

    [Fact]
    public async Task A_cancelled_test_drops_its_scratch_database()
    {
        var (db, bucket) = (Servers.UniqueName("stopped"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var backup = await BackupAsync(SettingsFor(db, bucket));
        using var psql = new FakeTool("psql", """touch "$(dirname "$0")/restoring"; sleep 60""");
        var settings = SettingsFor(db, bucket) with { PsqlPath = new Configuration.ToolPath(psql.Path) };
        var scratchBefore = await ScratchDatabasesAsync();
        using var cancel = new CancellationTokenSource();

        var test = new BackupTestEngine(new TestOptions(settings), new RecordingLog()).RunAsync(backup.ObjectName, verifyOnly: false, keep: false, cancel.Token);
        while (!File.Exists(psql.FileNamed("restoring"))) await Task.Delay(100);
        Assert.Equal(scratchBefore + 1, await ScratchDatabasesAsync());
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => test);
        Assert.Equal(scratchBefore, await ScratchDatabasesAsync());
    }
}
