using ObservatoryBackup.Store;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

public class TransientFaultTests(Servers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task A_connection_reset_mid_upload_and_mid_download_is_retried_to_success()
    {
        var db = Servers.UniqueName("flaky");
        var bucket = Servers.UniqueName("bkt");
        await SampleDatabase.CreateRandomBlobsAsync(Pg, db, mebibytes: 20); // several upload parts
        await using var proxy = new FaultyProxy(S3.Endpoint);
        var settings = SettingsFor(db, bucket) with { Storage = S3.Settings(bucket) with { Endpoint = proxy.Endpoint } };

        proxy.Arm(4L << 20); // inside the first part
        var log = new RecordingLog();
        var backup = await BackupAsync(settings, log);

        Assert.Equal(1, proxy.Aborted);
        Assert.Contains("storage_retry", log.Names);
        Assert.Empty(await S3.IncompleteUploadsAsync(bucket));

        var target = Servers.UniqueName("flaky-restored");
        proxy.Arm(6L << 20); // inside the download, after psql has read the first MiBs: it must resume, not restart
        var restoreLog = new RecordingLog();
        await RestoreAsync(SettingsFor(target, bucket) with { Storage = settings.Storage }, backup.ObjectName, log: restoreLog);

        Assert.Equal(2, proxy.Aborted);
        Assert.Contains("storage_retry", restoreLog.Names);
        Assert.Equal(await Pg.ContentDigestAsync(db), await Pg.ContentDigestAsync(target));
    }

    [Fact]
    public async Task A_streamed_read_never_splices_in_a_replaced_object()
    {
        var bucket = Servers.UniqueName("bkt");
        const string name = "postgres/2026/02/16/spliced_20260216_020000.sql.gz";
        await S3.PutAsync(bucket, name, new byte[4096]);
        using var store = new BackupStore(S3.Settings(bucket), new ObservatoryBackup.Logging.EventLog(new RecordingLog(), TimeProvider.System));
        var stored = (await store.StatAsync(name, default))!;
        await S3.PutAsync(bucket, name, Enumerable.Repeat((byte)1, 4096).ToArray()); // replaced after it was listed

        var copy = new MemoryStream();
        await Assert.ThrowsAnyAsync<ObservatoryBackup.Errors.ObsBackupException>(() => store.CopyOnceAsync(stored, copy, null, default));
        Assert.Equal(0, copy.Length);
    }

    [Fact]
    public void Refusals_are_not_transient()
    {
        Assert.Equal(StoreFault.Transient, S3Errors.Classify(new HttpRequestException("reset")));
        Assert.Equal(StoreFault.Transient, S3Errors.Classify(new IOException("broken pipe")));
        Assert.Equal(StoreFault.Permanent, S3Errors.Classify(new Amazon.S3.AmazonS3Exception("denied") { ErrorCode = "AccessDenied", StatusCode = System.Net.HttpStatusCode.Forbidden }));
        Assert.Equal(StoreFault.NotFound, S3Errors.Classify(new Amazon.S3.AmazonS3Exception("gone") { ErrorCode = "NoSuchKey", StatusCode = System.Net.HttpStatusCode.NotFound }));
        Assert.Equal(StoreFault.Transient, S3Errors.Classify(new Amazon.S3.AmazonS3Exception("busy") { ErrorCode = "SlowDown", StatusCode = System.Net.HttpStatusCode.ServiceUnavailable }));
        Assert.Equal(StoreFault.Permanent, S3Errors.Classify(new HttpRequestException("tls", new System.Security.Authentication.AuthenticationException("handshake"))));
        Assert.Equal(StoreFault.Permanent, S3Errors.Classify(new OperationCanceledException()));
    }
}
