using System.Net;
using System.Net.Sockets;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Backup;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Store;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

public class RetentionAndAccessTests(Servers servers) : IntegrationTest(servers)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 31, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Retention_deletes_exactly_the_old_scheme_conforming_objects()
    {
        var db = Servers.UniqueName("src");
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        string[] old =
        [
            $"postgres/2026/02/28/{db}_20260228_015959.sql.gz",
            $"postgres/2025/12/01/{db}_20251201_020000.sql.gz",
        ];
        string[] kept =
        [
            $"postgres/2026/03/01/{db}_20260301_020001.sql.gz",  // younger than 30 days
            $"postgres/2026/03/30/{db}_20260330_020000.sql.gz",
            "postgres/2025/12/01/observatory_20251201_020000.sql.gz",  // another database's: retention after this backup leaves it
            "postgres/2025/01/01/notes.txt",                           // outside the scheme
            "postgres/2025/01/01/observatory_20250101_000000.sql",
            "postgres/2025/01/02/observatory_20250101_000000.sql.gz",  // path/date mismatch
            "elsewhere/2025/01/01/observatory_20250101_000000.sql.gz", // outside postgres/
        ];
        foreach (var name in old.Concat(kept)) await S3.PutAsync(bucket, name, "x"u8.ToArray());
        var log = new RecordingLog();

        var result = await BackupAsync(SettingsFor(db, bucket), log, new FixedClock(Now));

        Assert.Equal($"postgres/2026/03/31/{db}_20260331_020000.sql.gz", result.ObjectName);
        Assert.Equal(old.Order(), result.Pruned.Order());
        Assert.Equal(kept.Append(result.ObjectName).Order(), (await S3.ListAsync(bucket)).Order());
        Assert.Equal(2, (int)log.Single("prune_complete")["deleted"]!);
        Assert.Equal(Now.AddDays(-30), (DateTimeOffset)log.Single("prune_start")["cutoff"]!);
        Assert.Equal(2, log.Events.Count(e => e.Name == "deleted_old_backup"));
    }

    [Fact]
    public async Task Zero_retention_deletes_nothing()
    {
        var db = Servers.UniqueName("src");
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        await S3.PutAsync(bucket, "postgres/2020/01/01/observatory_20200101_000000.sql.gz", "x"u8.ToArray());

        var result = await BackupAsync(SettingsFor(db, bucket, retentionDays: 0));

        Assert.Empty(result.Pruned);
        Assert.Equal(2, (await S3.ListAsync(bucket)).Count);
    }

    [Fact]
    public async Task The_dry_run_proves_access_reports_the_plan_and_writes_nothing()
    {
        var db = Servers.UniqueName("src");
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var old = $"postgres/2020/01/01/{db}_20200101_000000.sql.gz";
        await S3.PutAsync(bucket, old, "x"u8.ToArray());
        var log = new RecordingLog();
        var engine = new BackupEngine(new BackupOptions(SettingsFor(db, bucket)), log, new FixedClock(Now));

        var dry = engine.DescribeDryRun(await engine.PlanAsync(default));

        Assert.True(dry.DryRun);
        Assert.Equal($"postgres/2026/03/31/{db}_20260331_020000.sql.gz", dry.ObjectName);
        Assert.Equal([old], dry.Pruned);
        Assert.Equal([old], await S3.ListAsync(bucket));

        // a dry run with a wrong secret fails: it is what credential rotation relies on
        var wrong = SettingsFor(db, bucket) with { Storage = S3.Settings(bucket, secretKey: "not-the-secret") };
        var ex = await Assert.ThrowsAsync<StorageException>(() => new BackupEngine(new BackupOptions(wrong), new RecordingLog()).PlanAsync(default));
        Assert.Equal(ObsErrorKind.AuthenticationFailed, ex.Kind);
    }

    [Fact]
    public async Task The_dry_run_does_not_create_a_missing_bucket()
    {
        var db = Servers.UniqueName("src");
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var log = new RecordingLog();
        var engine = new BackupEngine(new BackupOptions(SettingsFor(db, bucket)), log);
        engine.DescribeDryRun(await engine.PlanAsync(default));

        Assert.Contains("bucket_missing", log.Names);
        Assert.False(await S3.BucketExistsAsync(bucket));
    }

    [Fact]
    public async Task A_second_backup_in_the_same_second_is_refused_without_overwriting()
    {
        var db = Servers.UniqueName("src");
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var first = await BackupAsync(SettingsFor(db, bucket), clock: new FixedClock(Now));
        var content = await S3.GetAsync(bucket, first.ObjectName);
        await Pg.ExecuteAsync(db, "INSERT INTO research.queries (term) VALUES ('changed')");

        var ex = await Assert.ThrowsAsync<BackupDataException>(() => BackupAsync(SettingsFor(db, bucket), clock: new FixedClock(Now.AddMilliseconds(400))));

        Assert.Equal(ObsErrorKind.AlreadyExists, ex.Kind);
        Assert.Equal(content, await S3.GetAsync(bucket, first.ObjectName));
    }

    [Fact]
    public async Task Wrong_storage_credentials_give_a_clear_error_without_the_secret()
    {
        var bucket = Servers.UniqueName("bkt");
        await S3.PutAsync(bucket, "postgres/x", "x"u8.ToArray());
        var catalog = new BackupCatalog(S3.Settings(bucket, secretKey: "wrong-secret-value"), new ObservatoryBackup.Logging.EventLog(new RecordingLog(), TimeProvider.System));

        var ex = await Assert.ThrowsAsync<StorageException>(() => catalog.ListAsync(new BackupQuery(), default));

        Assert.Equal(ObsErrorKind.AuthenticationFailed, ex.Kind);
        Assert.Contains("refused the credentials", ex.Message);
        Assert.Contains(S3.AccessKey, ex.Message);
        Assert.DoesNotContain("wrong-secret-value", ex.Message);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_a_connection_error()
    {
        // bound and never listening: the port refuses every connection, and no other process can take it meanwhile
        using var refusing = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        refusing.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var settings = S3.Settings("any-bucket") with { Endpoint = $"127.0.0.1:{((IPEndPoint)refusing.LocalEndPoint!).Port}" };
        var ex = await Assert.ThrowsAsync<StorageException>(() => new BackupCatalog(settings, new ObservatoryBackup.Logging.EventLog(new RecordingLog(), TimeProvider.System)).ListAsync(new BackupQuery(), default));
        Assert.Equal(ObsErrorKind.ConnectionFailed, ex.Kind);
    }

    [Fact]
    public async Task Wrong_database_password_is_an_authentication_error_without_the_password()
    {
        var bucket = Servers.UniqueName("bkt");
        var settings = SettingsFor("postgres", bucket) with
        {
            Database = Configuration.DatabaseUrl.Parse(Pg.Url("postgres", PostgresServer.AdminUser, "bad-password-123")),
        };
        var ex = await Assert.ThrowsAsync<DatabaseException>(() => new BackupEngine(new BackupOptions(settings), new RecordingLog()).PlanAsync(default));
        Assert.Equal(ObsErrorKind.AuthenticationFailed, ex.Kind);
        Assert.DoesNotContain("bad-password-123", ex.Message);
    }

    [Fact]
    public async Task Listing_is_newest_first_and_filters()
    {
        var bucket = Servers.UniqueName("bkt");
        string[] names =
        [
            "postgres/2026/02/15/observatory_20260215_020000.sql.gz",
            "postgres/2026/02/16/observatory_20260216_020000.sql.gz",
            "postgres/2026/01/10/observatory_20260110_020000.sql.gz",
        ];
        foreach (var n in names) await S3.PutAsync(bucket, n, new byte[1234]);
        var catalog = new BackupCatalog(S3.Settings(bucket), new ObservatoryBackup.Logging.EventLog(new RecordingLog(), TimeProvider.System));

        var all = await catalog.ListAsync(new BackupQuery(), default);
        Assert.Equal([names[1], names[0], names[2]], all.Select(b => b.ObjectName));
        Assert.All(all, b => Assert.Equal((1234L, bucket), (b.Size, b.Bucket)));

        Assert.Equal([names[1]], (await catalog.ListAsync(new BackupQuery { Latest = true }, default)).Select(b => b.ObjectName));
        Assert.Equal([names[0]], (await catalog.ListAsync(new BackupQuery
        {
            After = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero),
            Before = new DateTimeOffset(2026, 2, 16, 0, 0, 0, TimeSpan.Zero),
        }, default)).Select(b => b.ObjectName));
    }
}
