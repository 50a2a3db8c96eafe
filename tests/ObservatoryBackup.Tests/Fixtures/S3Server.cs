using Minio;
using Minio.DataModel.Args;
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

        var dir = Path.Combine(Path.GetTempPath(), "obs-s3-" + Guid.NewGuid().ToString("N")[..8]);
        var port = Shell.FreePort();
        const string access = "OBSTESTACCESSKEY0001";
        const string secret = "obs-test-secret-key-0000000000000000001";
        var script = Path.Combine(Shell.RepoRoot, "tests", "s3", "radosgw.sh");
        try
        {
            await Shell.RunAsync("bash", [script, "start", dir, port.ToString(), access, secret], timeout: TimeSpan.FromMinutes(3));
        }
        catch
        {
            await Shell.RunAsync("bash", [script, "stop", dir]);
            throw;
        }
        return new S3Server($"127.0.0.1:{port}", access, secret, dir);
    }

    public StorageSettings Settings(string bucket, string? secretKey = null) => new()
    {
        Endpoint = Endpoint,
        AccessKey = AccessKey,
        SecretKey = secretKey ?? SecretKey,
        Bucket = bucket,
        UseSsl = false,
    };

    public IMinioClient Client() => new MinioClient().WithEndpoint(Endpoint).WithCredentials(AccessKey, SecretKey).Build();

    public async Task<List<string>> ListAsync(string bucket)
    {
        using var client = Client();
        if (!await client.BucketExistsAsync(new BucketExistsArgs().WithBucket(bucket))) return [];
        var names = new List<string>();
        await foreach (var item in client.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(bucket).WithRecursive(true)))
            names.Add(item.Key);
        return names;
    }

    public async Task<List<string>> IncompleteUploadsAsync(string bucket)
    {
        using var client = Client();
        var keys = new List<string>();
        await foreach (var upload in client.ListIncompleteUploadsEnumAsync(new ListIncompleteUploadsArgs().WithBucket(bucket).WithRecursive(true)))
            keys.Add(upload.Key);
        return keys;
    }

    public async Task PutAsync(string bucket, string objectName, byte[] content)
    {
        using var client = Client();
        if (!await client.BucketExistsAsync(new BucketExistsArgs().WithBucket(bucket)))
            await client.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket));
        using var stream = new MemoryStream(content);
        await client.PutObjectAsync(new PutObjectArgs().WithBucket(bucket).WithObject(objectName)
            .WithStreamData(stream).WithObjectSize(content.Length));
    }

    public async Task<byte[]> GetAsync(string bucket, string objectName)
    {
        using var client = Client();
        var buffer = new MemoryStream();
        await client.GetObjectAsync(new GetObjectArgs().WithBucket(bucket).WithObject(objectName)
            .WithCallbackStream(async (s, ct) => await s.CopyToAsync(buffer, ct)));
        return buffer.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        if (_dir is not null)
            await Shell.RunAsync("bash", [Path.Combine(Shell.RepoRoot, "tests", "s3", "radosgw.sh"), "stop", _dir]);
    }
}
