using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Testing;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

/// <summary>
/// Any S3 account: SSE-C on every request that needs it, a region and storage class of the user's,
/// and the AWS SDK's credential chain, against radosgw (started with rgw crypt require ssl = false).
/// </summary>
public class S3OptionsTests(Servers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task An_sse_c_backup_is_unreadable_without_its_key_and_restores_with_it()
    {
        var (db, bucket) = (Servers.UniqueName("ssec"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateRandomBlobsAsync(Pg, db, 10); // multipart: every part carries the key
        var digest = await Pg.ContentDigestAsync(db);
        var key = RandomNumberGenerator.GetBytes(32);
        var withKey = SettingsFor(db, bucket) with { Storage = S3.Settings(bucket) with { CustomerKey = key } };

        var backup = await BackupAsync(withKey);

        using (var client = S3.Client())
        {
            var plain = await Assert.ThrowsAsync<AmazonS3Exception>(() => client.GetObjectAsync(bucket, backup.ObjectName));
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, plain.StatusCode);
        }
        var target = Servers.UniqueName("ssec-restored");
        await RestoreAsync(withKey with { Database = withKey.Database! with { Database = target } }, backup.ObjectName);
        Assert.Equal(digest, await Pg.ContentDigestAsync(target));

        var without = await Assert.ThrowsAsync<StorageException>(() =>
            new BackupTestEngine(new TestOptions(SettingsFor(db, bucket)), new RecordingLog()).RunAsync(backup.ObjectName, verifyOnly: true, keep: false, default));
        Assert.Contains("OBS_S3_SSE_C_KEY_FILE", without.Message);
    }

    [Fact]
    public async Task A_region_and_storage_class_of_the_users_are_sent()
    {
        var (db, bucket) = (Servers.UniqueName("region"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var settings = SettingsFor(db, bucket) with { Storage = S3.Settings(bucket) with { Region = "eu-west-1", StorageClass = "STANDARD" } };

        var backup = await BackupAsync(settings);

        using var client = S3.Client();
        Assert.Equal(backup.Size, (await client.GetObjectMetadataAsync(bucket, backup.ObjectName)).ContentLength);
        var tested = await new BackupTestEngine(new TestOptions(settings), new RecordingLog()).RunAsync(backup.ObjectName, verifyOnly: true, keep: false, default);
        Assert.True(tested.Passed);
    }

    [Fact]
    public async Task Server_side_encryption_is_asked_for_on_the_upload()
    {
        var (db, bucket) = (Servers.UniqueName("sse"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);

        // radosgw Pacific (probed) takes AES256 without saying so in HEAD; aws:kms without a key id it refuses, naming the header it missed
        var aes = await BackupAsync(SettingsFor(db, bucket) with { Storage = S3.Settings(bucket) with { ServerSideEncryption = "AES256" } });
        Assert.Single(await S3.ListAsync(bucket));
        var kms = await Assert.ThrowsAsync<StorageException>(() =>
            BackupAsync(SettingsFor(db, bucket) with { Storage = S3.Settings(bucket) with { ServerSideEncryption = "aws:kms" } }, clock: new FixedClock(DateTimeOffset.UtcNow.AddMinutes(1))));
        Assert.Contains("x-amz-server-side-encryption-aws-kms-key-id", kms.Message);
        Assert.Equal([aes.ObjectName], await S3.ListAsync(bucket));
    }

    [Fact]
    public async Task Without_minio_keys_the_cli_takes_aws_credentials_from_the_sdks_chain_and_names_the_source()
    {
        var (db, bucket) = (Servers.UniqueName("chain"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var env = ObsBackupCli.Environment(Servers, db, bucket);
        env["MINIO_ACCESS_KEY"] = null;
        env["MINIO_SECRET_KEY"] = null;
        env["AWS_ACCESS_KEY_ID"] = S3.AccessKey;
        env["AWS_SECRET_ACCESS_KEY"] = S3.SecretKey;
        env["AWS_PROFILE"] = null;
        env["AWS_SESSION_TOKEN"] = null;

        var result = await ObsBackupCli.RunAsync(env, "backup");

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.Contains("\"storage_credentials\"", result.StandardOutput);
        Assert.Contains("AWS_ACCESS_KEY_ID", result.StandardOutput);
        Assert.DoesNotContain(S3.SecretKey, result.StandardOutput + result.StandardError);
        Assert.Single(await S3.ListAsync(bucket));
    }
}
