using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.Store;

/// <summary>
/// The bucket on an S3-compatible server, through AWSSDK.S3: path-style addressing, checksums only
/// where the operation requires them (what S3-compatible stores accept), the SDK's own retries off
/// (<see cref="RetryingObjectStore"/> retries and logs), and an <see cref="IdleTimeout"/> on every
/// request, so that a silent server fails in bounded time. Its failures are the SDK's and the
/// network's own exceptions; it says what they mean (<see cref="S3Errors"/>), so that no code
/// above it knows the SDK's exception types.
/// </summary>
public sealed class S3ObjectStore : IObjectStore
{
    private readonly AmazonS3Client _client;

    public S3ObjectStore(StorageSettings settings)
    {
        Settings = settings;
        var config = new AmazonS3Config
        {
            ServiceURL = $"{(settings.UseSsl ? "https" : "http")}://{settings.Endpoint}",
            UseHttp = !settings.UseSsl,
            ForcePathStyle = !settings.VirtualHostedStyle,
            AuthenticationRegion = settings.Region,
            IgnoreConfiguredEndpointUrls = true,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            // no retries of the SDK's own: every retry goes through RetryingObjectStore, which logs it
            MaxErrorRetry = 0,
            MaxStaleConnectionRetries = 0,
            // connections live and die with this store, not in a process-wide cache
            CacheHttpClient = false,
            ConnectTimeout = settings.ConnectTimeout,
            // each request is bounded by its IdleTimeout; this only backs it up
            Timeout = TimeSpan.FromHours(1),
        };
        if (settings.UseCredentialChain) RegisterSecurityTokenService();
        _client = settings.UseCredentialChain
            ? new AmazonS3Client(Amazon.Runtime.Credentials.DefaultAWSCredentialsIdentityResolver.GetCredentials(config), config)
            : new AmazonS3Client(new BasicAWSCredentials(settings.AccessKey, settings.SecretKey), config);
    }

    public StorageSettings Settings { get; }
    private string Bucket => Settings.Bucket;

    public StoreFault Classify(Exception error) => S3Errors.Classify(error);

    public Errors.ObsBackupException Translate(Exception error, string? objectName) => S3Errors.Translate(error, Settings, objectName);

    private static int _stsRegistered;

    /// <summary>
    /// Web identity (a Kubernetes service account's token) is exchanged for credentials through STS,
    /// which the SDK otherwise finds by reflection: gone from a trimmed, native obs-backup.
    /// </summary>
    private static void RegisterSecurityTokenService()
    {
        if (Interlocked.Exchange(ref _stsRegistered, 1) == 1) return;
        Amazon.RuntimeDependencies.GlobalRuntimeDependencyRegistry.Instance.RegisterSecurityTokenServiceClient(context =>
            new Amazon.SecurityToken.AmazonSecurityTokenServiceClient(context.SecurityTokenServiceClientContextData.Region));
    }

    private S3StorageClass? StorageClass => Settings.StorageClass is { } c ? S3StorageClass.FindValue(c) : null;
    private ServerSideEncryptionMethod? Sse => Settings.ServerSideEncryption is { } m ? ServerSideEncryptionMethod.FindValue(m) : null;
    private ServerSideEncryptionCustomerMethod? CustomerMethod => Settings.CustomerKey is null ? null : ServerSideEncryptionCustomerMethod.AES256;
    private string? CustomerKey => Settings.CustomerKey is { } key ? Convert.ToBase64String(key) : null;

    public Task<bool> BucketExistsAsync(CancellationToken ct) =>
        RequestAsync(async idle =>
        {
            try
            {
                await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = Settings.Prefix, MaxKeys = 1 }, idle.Token).ConfigureAwait(false);
                return true;
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchBucket")
            {
                return false;
            }
        }, ct);

    public Task CreateBucketAsync(CancellationToken ct) =>
        RequestAsync(async idle =>
        {
            try
            {
                await _client.PutBucketAsync(new PutBucketRequest { BucketName = Bucket, ObjectLockEnabledForBucket = Settings.Lock is not null }, idle.Token).ConfigureAwait(false);
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "BucketAlreadyOwnedByYou")
            {
                // another run created it first
            }
            return true;
        }, ct);

    public Task<bool> ObjectLockEnabledAsync(CancellationToken ct) =>
        RequestAsync(async idle =>
        {
            try
            {
                var config = await _client.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = Bucket }, idle.Token).ConfigureAwait(false);
                return config.ObjectLockConfiguration?.ObjectLockEnabled == ObjectLockEnabled.Enabled;
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "ObjectLockConfigurationNotFoundError")
            {
                return false;
            }
        }, ct);

    public Task<bool> VersioningEnabledAsync(CancellationToken ct) =>
        RequestAsync(async idle =>
        {
            var versioning = await _client.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = Bucket }, idle.Token).ConfigureAwait(false);
            var status = versioning.VersioningConfig?.Status;
            return status == VersionStatus.Enabled || status == VersionStatus.Suspended;
        }, ct);

    public async Task<IReadOnlyList<ObjectVersion>> ListVersionsAsync(string objectName, CancellationToken ct)
    {
        var versions = new List<ObjectVersion>();
        string? keyMarker = null, versionMarker = null;
        do
        {
            var page = await RequestAsync(idle => _client.ListVersionsAsync(new ListVersionsRequest
            {
                BucketName = Bucket,
                Prefix = objectName,
                KeyMarker = keyMarker,
                VersionIdMarker = versionMarker,
            }, idle.Token), ct).ConfigureAwait(false);
            versions.AddRange((page.Versions ?? []).Where(v => v.Key == objectName).Select(v => new ObjectVersion(v.VersionId, v.IsDeleteMarker == true)));
            (keyMarker, versionMarker) = page.IsTruncated == true ? (page.NextKeyMarker, page.NextVersionIdMarker) : (null, null);
        }
        while (keyMarker is not null);
        return versions;
    }

    public Task<DateTimeOffset?> RetainUntilAsync(string objectName, string versionId, CancellationToken ct) =>
        RequestAsync<DateTimeOffset?>(async idle =>
        {
            try
            {
                var retention = await _client.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = Bucket, Key = objectName, VersionId = versionId }, idle.Token).ConfigureAwait(false);
                return retention.Retention?.RetainUntilDate is { } until ? Utc(until) : null;
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode is "NoSuchObjectLockConfiguration" or "ObjectLockConfigurationNotFoundError" || ex.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
        }, ct);

    public Task DeleteVersionAsync(string objectName, string versionId, CancellationToken ct) =>
        RequestAsync(idle => _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = objectName, VersionId = versionId }, idle.Token), ct);

    public async IAsyncEnumerable<StoredBackup> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        string? continuation = null;
        do
        {
            var page = await RequestAsync(idle => _client.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = Bucket,
                Prefix = prefix,
                ContinuationToken = continuation,
            }, idle.Token), ct).ConfigureAwait(false);
            foreach (var item in page.S3Objects ?? [])
            {
                if (item.Key.EndsWith('/')) continue;
                yield return new StoredBackup(item.Key, Bucket, item.Size ?? 0, Utc(item.LastModified)) { Prefix = Settings.Prefix };
            }
            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (continuation is not null);
    }

    public Task<StoredBackup?> StatAsync(string objectName, CancellationToken ct) =>
        RequestAsync<StoredBackup?>(async idle =>
        {
            try
            {
                var head = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest
                {
                    BucketName = Bucket, Key = objectName, ServerSideEncryptionCustomerMethod = CustomerMethod, ServerSideEncryptionCustomerProvidedKey = CustomerKey,
                }, idle.Token).ConfigureAwait(false);
                return new StoredBackup(objectName, Bucket, head.ContentLength, Utc(head.LastModified)) { ETag = head.ETag, Prefix = Settings.Prefix };
            }
            catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
        }, ct);

    public Task PutIfAbsentAsync(string objectName, ReadOnlyMemory<byte> content, string contentType, CancellationToken ct) =>
        RequestAsync(async idle =>
        {
            var request = new PutObjectRequest
            {
                BucketName = Bucket,
                Key = objectName,
                ContentType = contentType,
                IfNoneMatch = "*",
                InputStream = Body(content, idle),
                StorageClass = StorageClass,
                ServerSideEncryptionMethod = Sse,
                ServerSideEncryptionKeyManagementServiceKeyId = Settings.KmsKeyId,
                ServerSideEncryptionCustomerMethod = CustomerMethod,
                ServerSideEncryptionCustomerProvidedKey = CustomerKey,
            };
            if (Settings.Lock is { } locked)
            {
                (request.ObjectLockMode, request.ObjectLockRetainUntilDate) = (LockMode(locked), locked.RetainUntil(DateTimeOffset.UtcNow).UtcDateTime);
                // a locked write must carry a checksum (S3 requires it)
                request.MD5Digest = Md5(content);
            }
            await _client.PutObjectAsync(request, idle.Token).ConfigureAwait(false);
            return true;
        }, ct);

    public Task<string> InitiateMultipartAsync(string objectName, string contentType, CancellationToken ct) =>
        RequestAsync(async idle =>
        {
            var request = new InitiateMultipartUploadRequest
            {
                BucketName = Bucket,
                Key = objectName,
                ContentType = contentType,
                StorageClass = StorageClass,
                ServerSideEncryptionMethod = Sse,
                ServerSideEncryptionKeyManagementServiceKeyId = Settings.KmsKeyId,
                ServerSideEncryptionCustomerMethod = CustomerMethod,
                ServerSideEncryptionCustomerProvidedKey = CustomerKey,
            };
            if (Settings.Lock is { } locked)
                (request.ObjectLockMode, request.ObjectLockRetainUntilDate) = (LockMode(locked), locked.RetainUntil(DateTimeOffset.UtcNow).UtcDateTime);
            return (await _client.InitiateMultipartUploadAsync(request, idle.Token).ConfigureAwait(false)).UploadId;
        }, ct);

    public Task<string> UploadPartAsync(string objectName, string uploadId, int partNumber, ReadOnlyMemory<byte> content, CancellationToken ct) =>
        RequestAsync(async idle => (await _client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = Bucket,
            Key = objectName,
            UploadId = uploadId,
            PartNumber = partNumber,
            InputStream = Body(content, idle),
            // each part of a locked upload carries its checksum too
            MD5Digest = Settings.Lock is null ? null : Md5(content),
            ServerSideEncryptionCustomerMethod = CustomerMethod,
            ServerSideEncryptionCustomerProvidedKey = CustomerKey,
        }, idle.Token).ConfigureAwait(false)).ETag, ct);

    public async Task CompleteMultipartAsync(string objectName, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken ct)
    {
        var completed = await RequestAsync(async idle => await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = objectName,
            UploadId = uploadId,
            PartETags = [.. parts.Select(p => new PartETag(p.PartNumber, p.ETag))],
            IfNoneMatch = "*",
        }, idle.Token).ConfigureAwait(false), ct).ConfigureAwait(false);
        if (Settings.Lock is { } locked) await EnsureLockedAsync(objectName, completed.VersionId, locked, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Radosgw (Pacific, tested) ignores the lock given when a multipart upload starts: the completed
    /// object is checked, and locked afterwards where it is not, before the backup counts as written.
    /// </summary>
    private async Task EnsureLockedAsync(string objectName, string? versionId, ObjectLock locked, CancellationToken ct)
    {
        var head = await RequestAsync(idle => _client.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = Bucket, Key = objectName, VersionId = versionId, ServerSideEncryptionCustomerMethod = CustomerMethod, ServerSideEncryptionCustomerProvidedKey = CustomerKey,
        }, idle.Token), ct).ConfigureAwait(false);
        if (head.ObjectLockMode is not null && head.ObjectLockRetainUntilDate is not null) return;
        await RequestAsync(idle => _client.PutObjectRetentionAsync(new PutObjectRetentionRequest
        {
            BucketName = Bucket,
            Key = objectName,
            VersionId = head.VersionId ?? versionId,
            Retention = new ObjectLockRetention { Mode = RetentionMode(locked), RetainUntilDate = locked.RetainUntil(DateTimeOffset.UtcNow).UtcDateTime },
        }, idle.Token), ct).ConfigureAwait(false);
    }

    public Task AbortMultipartAsync(string objectName, string uploadId, CancellationToken ct) =>
        RequestAsync(idle => _client.AbortMultipartUploadAsync(
            new AbortMultipartUploadRequest { BucketName = Bucket, Key = objectName, UploadId = uploadId }, idle.Token), ct);

    public async IAsyncEnumerable<PendingUpload> ListUploadsAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        string? keyMarker = null, uploadMarker = null;
        do
        {
            var page = await RequestAsync(idle => _client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest
            {
                BucketName = Bucket,
                Prefix = prefix,
                KeyMarker = keyMarker,
                UploadIdMarker = uploadMarker,
            }, idle.Token), ct).ConfigureAwait(false);
            foreach (var upload in page.MultipartUploads ?? [])
                yield return new PendingUpload(upload.Key, upload.UploadId, Utc(upload.Initiated));
            (keyMarker, uploadMarker) = page.IsTruncated == true ? (page.NextKeyMarker, page.NextUploadIdMarker) : (null, null);
        }
        while (keyMarker is not null);
    }

    public Task<T> ReadAsync<T>(string objectName, Func<long> offset, string? etag, Func<Stream, CancellationToken, Task<T>> consume, CancellationToken ct) =>
        RequestAsync(async idle =>
        {
            var from = offset();
            GetObjectResponse response;
            try
            {
                response = await _client.GetObjectAsync(new GetObjectRequest
                {
                    BucketName = Bucket,
                    Key = objectName,
                    EtagToMatch = etag,
                    ByteRange = from > 0 ? new ByteRange($"bytes={from}-") : null,
                    ServerSideEncryptionCustomerMethod = CustomerMethod,
                    ServerSideEncryptionCustomerProvidedKey = CustomerKey,
                }, idle.Token).ConfigureAwait(false);
            }
            catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && from > 0)
            {
                return await consume(Stream.Null, idle.Token).ConfigureAwait(false); // read to its end already
            }
            using (response)
            {
                // idle is the time a read waits; the consumer's own time (a pipe into psql) does not count
                idle.Pause();
                return await consume(new ActivityStream(response.ResponseStream, idle.Touch, idle.Pause), idle.Token).ConfigureAwait(false);
            }
        }, ct);

    public Task DeleteAsync(string objectName, CancellationToken ct) =>
        RequestAsync(idle => _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = objectName }, idle.Token), ct);

    /// <summary>Runs one request under an idle timeout; a request that went idle fails as a <see cref="TimeoutException"/>.</summary>
    private async Task<T> RequestAsync<T>(Func<IdleTimeout, Task<T>> call, CancellationToken ct)
    {
        using var idle = new IdleTimeout(Settings.IdleTimeout, ct);
        try
        {
            return await call(idle).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (idle.Expired(ct))
        {
            throw new TimeoutException($"the object store sent or took nothing for {idle.Idle.TotalSeconds:0} s", ex);
        }
    }

    /// <summary>A part's bytes as the SDK's request body; a retry sends them again from memory.</summary>
    private static ActivityStream Body(ReadOnlyMemory<byte> content, IdleTimeout idle) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(content, out var segment)
            ? new(new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false), idle.Touch, idle.Touch)
            : new(new MemoryStream(content.ToArray(), writable: false), idle.Touch, idle.Touch);

    // the SDK names the same two modes with one type for uploads and another for retention
    private static Amazon.S3.ObjectLockMode LockMode(ObjectLock locked) =>
        locked.Mode == Configuration.ObjectLockMode.Compliance ? Amazon.S3.ObjectLockMode.Compliance : Amazon.S3.ObjectLockMode.Governance;

    private static ObjectLockRetentionMode RetentionMode(ObjectLock locked) =>
        locked.Mode == Configuration.ObjectLockMode.Compliance ? ObjectLockRetentionMode.Compliance : ObjectLockRetentionMode.Governance;

    private static string Md5(ReadOnlyMemory<byte> content) => Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(content.Span));

    private static DateTimeOffset Utc(DateTime? time) =>
        time is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t.ToUniversalTime(), DateTimeKind.Utc)) : DateTimeOffset.MinValue;

    public void Dispose() => _client.Dispose();
}
