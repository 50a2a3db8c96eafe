using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using ObservatoryBackup.Configuration;
using ObjectLockMode = ObservatoryBackup.Configuration.ObjectLockMode;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Retention;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

/// <summary>
/// Immutable backups with S3 Object Lock, on radosgw (which keeps a locked version and refuses its
/// delete): every backup written locked, single request and multipart; a bucket without Object Lock
/// refused before the dump; retention deletes expired versions, keeps locked ones, and writes no
/// delete marker over a live backup.
/// </summary>
public class ObjectLockTests(Servers servers) : IntegrationTest(servers)
{
    private ObsSettings Locked(string db, string bucket, ObjectLockMode mode = ObjectLockMode.Compliance) =>
        SettingsFor(db, bucket) with { Storage = S3.Settings(bucket) with { Lock = new ObjectLock(1, mode) } };

    [Fact]
    public async Task A_bucket_without_object_lock_is_refused_before_the_dump_starts()
    {
        var (db, bucket) = (Servers.UniqueName("lock-no"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        using (var client = S3.Client()) await client.PutBucketAsync(bucket);
        var log = new RecordingLog();

        var ex = await Assert.ThrowsAsync<StorageException>(() => BackupAsync(Locked(db, bucket), log));

        Assert.Equal(ErrorIds.ObjectLockNotEnabled, ex.ErrorId);
        Assert.Contains(bucket, ex.Message);
        Assert.DoesNotContain("pg_dump_start", log.Names);
        Assert.Empty(await S3.ListAsync(bucket));
    }

    [Theory]
    [InlineData(1)]   // one request
    [InlineData(12)]  // multipart: every part carries its checksum
    public async Task Every_backup_is_written_locked_and_its_version_cannot_be_deleted(int mebibytes)
    {
        var (db, bucket) = (Servers.UniqueName("lock"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateRandomBlobsAsync(Pg, db, mebibytes);

        var backup = await BackupAsync(Locked(db, bucket));

        using var client = S3.Client();
        var head = await client.GetObjectMetadataAsync(bucket, backup.ObjectName);
        Assert.Equal(Amazon.S3.ObjectLockMode.Compliance, head.ObjectLockMode);
        Assert.InRange(head.ObjectLockRetainUntilDate!.Value.ToUniversalTime(), DateTime.UtcNow.AddHours(23), DateTime.UtcNow.AddHours(25));
        var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = backup.ObjectName, VersionId = head.VersionId }));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(backup.Size, (await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = backup.ObjectName, VersionId = head.VersionId })).ContentLength);
    }

    [Fact]
    public async Task Retention_deletes_expired_versions_keeps_locked_ones_and_leaves_no_delete_marker()
    {
        var (db, bucket) = (Servers.UniqueName("lock-prune"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        // locked for a day, by its name taken in January
        var locked = (await BackupAsync(Locked(db, bucket, ObjectLockMode.Governance), clock: new FixedClock(new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero)))).ObjectName;
        // a lock that ends in two seconds, and the newest backup (which retention always spares)
        var expiring = $"postgres/2026/01/02/{db}_20260102_020000.sql.gz";
        var newest = $"postgres/2026/01/03/{db}_20260103_020000.sql.gz";
        var content = Dumps.Gzip("-- PostgreSQL database dump complete\n");
        using (var client = S3.Client())
        {
            await client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket, Key = expiring, InputStream = new MemoryStream(content), MD5Digest = Convert.ToBase64String(MD5.HashData(content)),
                ObjectLockMode = Amazon.S3.ObjectLockMode.Governance, ObjectLockRetainUntilDate = DateTime.UtcNow.AddSeconds(2),
            });
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = newest, InputStream = new MemoryStream(content), MD5Digest = Convert.ToBase64String(MD5.HashData(content)) });
        }
        await Task.Delay(TimeSpan.FromSeconds(3));
        var log = new RecordingLog();

        var result = await new Pruner(SettingsFor(db, bucket), log, new FixedClock(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero))).RunAsync(dryRun: false, default);

        Assert.Equal([expiring], result.Deleted);
        Assert.Equal([locked], result.Locked);
        Assert.Empty(result.Failed);
        Assert.Equal(locked, log.Single("prune_locked")["object_name"]);
        // the locked backup is still listed: no delete marker hides it; nothing of the expired one is left
        Assert.Equal([locked, newest], (await S3.ListAsync(bucket)).Order(StringComparer.Ordinal));
        using var check = S3.Client();
        var versions = await check.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Prefix = "postgres/" });
        Assert.DoesNotContain(versions.Versions, v => v.Key == expiring);
        Assert.DoesNotContain(versions.Versions, v => v.IsDeleteMarker == true);
    }
}
