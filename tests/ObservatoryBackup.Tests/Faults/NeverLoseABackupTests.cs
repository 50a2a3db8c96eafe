using ObservatoryBackup.Configuration;
using ObservatoryBackup.Backup;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Tests.Fixtures;
using ObservatoryBackup.Tests.Integration;

namespace ObservatoryBackup.Tests.Faults;

/// <summary>Guarantee: a backup never overwrites or deletes another, and an incomplete dump is never stored or pruned for.</summary>
public class NeverLoseABackupTests(Servers servers) : IntegrationTest(servers)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 31, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Backups_of_two_databases_in_the_same_second_both_survive()
    {
        var (first, second) = (Servers.UniqueName("twin-a"), Servers.UniqueName("twin-b"));
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateAsync(Pg, first, rows: 10);
        await SampleDatabase.CreateAsync(Pg, second, rows: 20);

        var a = await BackupAsync(SettingsFor(first, bucket), clock: new FixedClock(Now));
        var b = await BackupAsync(SettingsFor(second, bucket), clock: new FixedClock(Now));

        Assert.NotEqual(a.ObjectName, b.ObjectName);
        Assert.Equal(new[] { a.ObjectName, b.ObjectName }.Order(), (await S3.ListAsync(bucket)).Order());
        Assert.Equal(first, BackupKey.TryParse(a.ObjectName)!.Value.Database);
    }

    [Fact]
    public async Task A_second_backup_of_a_database_fails_at_once_while_one_runs()
    {
        var db = Servers.UniqueName("locked");
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var earlier = await BackupAsync(SettingsFor(db, bucket));
        // what a running backup holds: the database's lock, in the maintenance database
        await using var running = Pg.Connect("postgres");
        await running.OpenAsync();
        await using (var take = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_lock(hashtextextended('{DatabaseLock.Resource(db)}', 0))", running))
            await take.ExecuteNonQueryAsync();
        var log = new RecordingLog();

        var started = DateTime.UtcNow;
        var ex = await Assert.ThrowsAsync<DatabaseException>(() => BackupAsync(SettingsFor(db, bucket), log, new FixedClock(Now)));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        Assert.Equal(("BackupInProgress", ObsErrorKind.Busy), (ex.ErrorId, ex.Kind));
        Assert.Equal([earlier.ObjectName], await S3.ListAsync(bucket));
        Assert.Equal(("failed", "BackupInProgress"), ((string?)log.Events[^1]["status"], (string?)log.Events[^1]["error_id"]));
        Assert.DoesNotContain("pg_dump_start", log.Names);
    }

    [Fact]
    public async Task A_name_taken_after_the_plan_is_neither_overwritten_nor_deleted()
    {
        var db = Servers.UniqueName("race");
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        await S3.PutAsync(bucket, "postgres/readme.txt", "x"u8.ToArray());
        var engine = new BackupEngine(new BackupOptions(SettingsFor(db, bucket)), new RecordingLog(), new FixedClock(Now));
        var plan = await engine.PlanAsync(default);
        // another writer takes the name between the plan and the upload
        await S3.PutAsync(bucket, plan.ObjectName, "theirs"u8.ToArray());

        var ex = await Assert.ThrowsAsync<BackupDataException>(() => engine.ExecuteAsync(plan, default));

        Assert.Equal("BackupAlreadyExists", ex.ErrorId);
        Assert.Equal("theirs"u8.ToArray(), await S3.GetAsync(bucket, plan.ObjectName));
    }

    [Fact]
    public async Task A_name_taken_during_a_multipart_upload_is_neither_overwritten_nor_deleted()
    {
        var db = Servers.UniqueName("race-mp");
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        // 20 MiB of incompressible COPY data, so the upload is multipart; then pg_dump waits until the test says go
        using var pgDump = new FakeTool("pg_dump", """
            printf 'COPY public.blobs (b) FROM stdin;\n'
            head -c 15728640 /dev/urandom | base64 -w 76
            printf '\\.\n'
            touch "$(dirname "$0")/streamed"
            while [ ! -f "$(dirname "$0")/go" ]; do sleep 0.1; done
            printf '\n--\n-- PostgreSQL database dump complete\n--\n\n'
            """);
        var engine = new BackupEngine(new BackupOptions(SettingsFor(db, bucket, pgDump: pgDump.Path)), new RecordingLog(), new FixedClock(Now));
        var plan = await engine.PlanAsync(default);

        var backup = engine.ExecuteAsync(plan, default);
        while (!File.Exists(pgDump.FileNamed("streamed"))) await Task.Delay(100);
        await S3.PutAsync(bucket, plan.ObjectName, "theirs"u8.ToArray());
        File.WriteAllText(pgDump.FileNamed("go"), "");

        var ex = await Assert.ThrowsAsync<BackupDataException>(() => backup);
        Assert.Equal("BackupAlreadyExists", ex.ErrorId);
        Assert.Equal("theirs"u8.ToArray(), await S3.GetAsync(bucket, plan.ObjectName));
        Assert.Empty(await S3.IncompleteUploadsAsync(bucket));
    }

    [Theory]
    [InlineData("exit 0")]                                                         // nothing at all
    [InlineData("printf -- '-- PostgreSQL database dump\\nCREATE TABLE t (x int);\\nCOPY t (x) FROM stdin;\\n1\\n'")] // cut short
    // cut inside a COPY block, yet ending with pg_dump's closing line: inside COPY data it is a row
    [InlineData("printf -- '-- PostgreSQL database dump\\nCREATE TABLE t (x int);\\nCOPY t (x) FROM stdin;\\n1\\n--\\n-- PostgreSQL database dump complete\\n--\\n'")]
    public async Task A_dump_without_pg_dumps_closing_line_is_not_stored_and_prunes_nothing(string body)
    {
        var db = Servers.UniqueName("short");
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var expired = BackupKey.For(db, Now.AddDays(-90));
        await S3.PutAsync(bucket, expired, "old but good"u8.ToArray());
        using var pgDump = new FakeTool("pg_dump", body);
        var log = new RecordingLog();

        var ex = await Assert.ThrowsAsync<PgDumpFailedException>(() => BackupAsync(SettingsFor(db, bucket, pgDump: pgDump.Path), log, new FixedClock(Now)));

        Assert.Equal("PgDumpIncomplete", ex.ErrorId);
        Assert.Equal([expired], await S3.ListAsync(bucket));
        Assert.Empty(await S3.IncompleteUploadsAsync(bucket));
        Assert.DoesNotContain("prune_start", log.Names);
        Assert.Equal("failed", log.Events[^1]["status"]);
    }

    [Fact]
    public async Task A_backup_under_a_tenth_of_the_previous_one_warns_and_keeps_old_backups()
    {
        var db = Servers.UniqueName("shrunk");
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var expired = BackupKey.For(db, Now.AddDays(-90));
        var previous = BackupKey.For(db, Now.AddDays(-1));
        await S3.PutAsync(bucket, expired, new byte[100]);
        await S3.PutAsync(bucket, previous, new byte[1 << 20]); // the database was much bigger yesterday
        var log = new RecordingLog();

        var result = await BackupAsync(SettingsFor(db, bucket), log, new FixedClock(Now));

        Assert.True(result.PruneSkipped);
        Assert.Empty(result.Pruned);
        var warning = log.Single("backup_size_drop");
        Assert.Equal((Logging.LogLevel.WARNING, previous), (warning.Level, (string?)warning["previous_object_name"]));
        Assert.Equal(new[] { expired, previous, result.ObjectName }.Order(), (await S3.ListAsync(bucket)).Order());

        // a normal-sized backup the next day prunes again
        var normal = await BackupAsync(SettingsFor(db, bucket), new RecordingLog(), new FixedClock(Now.AddDays(1)));
        Assert.Equal([expired], normal.Pruned);
    }
}
