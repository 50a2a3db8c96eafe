using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.Tests.Fixtures;

/// <summary>
/// A real S3 server on loopback: a one-node Ceph cluster with radosgw (tests/s3/radosgw.sh),
/// started once per test run. OBS_TEST_S3_ENDPOINT/_ACCESS_KEY/_SECRET_KEY point the tests at another server instead.
/// </summary>
public sealed class S3Server : IAsyncDisposable
{
    private readonly string? _dir;

    private S3Server(string endpoint, string accessKey, string secretKey, string? dir)
    {
        Endpoint = endpoint;
        AccessKey = accessKey;
        SecretKey = secretKey;
        _dir = dir;
    }

    public string Endpoint { get; }
    public string AccessKey { get; }
    public string SecretKey { get; }

    public static async Task<S3Server> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("OBS_TEST_S3_ENDPOINT") is { Length: > 0 } external)
            return new S3Server(external,
                Environment.GetEnvironmentVariable("OBS_TEST_S3_ACCESS_KEY") ?? "minioadmin",
                Environment.GetEnvironmentVariable("OBS_TEST_S3_SECRET_KEY") ?? "minioadmin", null);

        return await Shell.OnFreePortAsync(async port =>
        {
            // made new: a drawn name can meet the leftover of a killed run
            var dir = Directory.CreateTempSubdirectory("obs-s3-").FullName;
            const string access = "OBSTESTACCESSKEY0001";
            var script = Path.Combine(Shell.RepoRoot, "tests", "s3", "radosgw.sh");
            string secret;
            try
            {
                // the mon's port too, so that it is not the one another server of this run is about to bind
                var env = new Dictionary<string, string?> { ["OBS_S3_MON_PORT"] = Shell.FreePort().ToString() };
                await Shell.RunAsync("bash", [script, "start", dir, port.ToString(), access], env, timeout: TimeSpan.FromMinutes(3));
                secret = (await File.ReadAllTextAsync(Path.Combine(dir, "secret_key"))).Trim();
            }
            catch
            {
                await Shell.RunAsync("bash", [script, "stop", dir]);
                throw;
            }
            return new S3Server($"127.0.0.1:{port}", access, secret, dir);
        });
    }

    public StorageSettings Settings(string bucket, string? secretKey = null) => new()
    {
        Endpoint = Endpoint,
        AccessKey = AccessKey,
        SecretKey = secretKey ?? SecretKey,
        Bucket = bucket,
        UseSsl = false,
    };

    /// <summary>A client of the tests' own, configured as the product configures its store.</summary>
    public AmazonS3Client Client() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = $"http://{Endpoint}",
        UseHttp = true,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    public async Task<bool> BucketExistsAsync(string bucket)
    {
        using var client = Client();
        try
        {
            await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 1 });
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchBucket")
        {
            return false;
        }
    }

    public async Task<List<string>> ListAsync(string bucket)
    {
        if (!await BucketExistsAsync(bucket)) return [];
        using var client = Client();
        var names = new List<string>();
        string? token = null;
        do
        {
            var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, ContinuationToken = token });
            names.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return names;
    }

    public async Task<List<string>> IncompleteUploadsAsync(string bucket)
    {
        if (!await BucketExistsAsync(bucket)) return [];
        using var client = Client();
        var uploads = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
        return (uploads.MultipartUploads ?? []).Select(u => u.Key).ToList();
    }

    public async Task PutAsync(string bucket, string objectName, byte[] content)
    {
        using var client = Client();
        if (!await BucketExistsAsync(bucket)) await client.PutBucketAsync(bucket);
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = objectName, InputStream = new MemoryStream(content) });
    }

    public async Task<byte[]> GetAsync(string bucket, string objectName)
    {
        using var client = Client();
        using var response = await client.GetObjectAsync(bucket, objectName);
        var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        if (_dir is not null)
            await Shell.RunAsync("bash", [Path.Combine(Shell.RepoRoot, "tests", "s3", "radosgw.sh"), "stop", _dir]);
    }
}
