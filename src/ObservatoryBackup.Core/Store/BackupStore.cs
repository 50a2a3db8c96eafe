using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Streams;
using Polly;

namespace ObservatoryBackup.Store;

/// <summary>
/// The bucket of backups on an S3-compatible server, through AWSSDK.S3: path-style addressing,
/// checksums only where the operation requires them (what S3-compatible stores accept), and the
/// SDK's own retries off: every request goes through <see cref="TransientFaults"/> (retried and
/// logged) and an <see cref="IdleTimeout"/> (a silent server fails in bounded time).
/// </summary>
public sealed class BackupStore : IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly ResiliencePipeline _retries;

    private readonly EventLog? _log;

    /// <param name="log">Told of each retried request (see <see cref="TransientFaults"/>) and of cleanup that failed.</param>
    public BackupStore(StorageSettings settings, EventLog? log = null)
    {
        Settings = settings;
        _log = log;
        _retries = TransientFaults.Pipeline(log is null ? null : log.StorageRetry, settings.RetryBaseDelay);
        var config = new AmazonS3Config
        {
            ServiceURL = $"{(settings.UseSsl ? "https" : "http")}://{settings.Endpoint}",
            UseHttp = !settings.UseSsl,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            IgnoreConfiguredEndpointUrls = true,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            // no retries of the SDK's own: every retry goes through TransientFaults, which logs it
            MaxErrorRetry = 0,
            MaxStaleConnectionRetries = 0,
            // connections live and die with this store, not in a process-wide cache
            CacheHttpClient = false,
            ConnectTimeout = settings.ConnectTimeout,
            // each request is bounded by its IdleTimeout; this only backs it up
            Timeout = TimeSpan.FromHours(1),
        };
        _client = new AmazonS3Client(new BasicAWSCredentials(settings.AccessKey, settings.SecretKey), config);
    }

    public StorageSettings Settings { get; }
    private string Bucket => Settings.Bucket;

    public Task<bool> BucketExistsAsync(CancellationToken ct) =>
        CallAsync(async idle =>
        {
            try
            {
                await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = BackupKey.Prefix, MaxKeys = 1 }, idle.Token).ConfigureAwait(false);
                return true;
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchBucket")
            {
                return false;
            }
        }, null, ct);

    public Task CreateBucketAsync(CancellationToken ct) =>
        CallAsync(async idle =>
        {
            try
            {
                await _client.PutBucketAsync(new PutBucketRequest { BucketName = Bucket }, idle.Token).ConfigureAwait(false);
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "BucketAlreadyOwnedByYou")
            {
                // another run created it first
            }
            return true;
        }, null, ct);

    /// <summary>Every object under <paramref name="prefix"/>, in the store's order.</summary>
    public async IAsyncEnumerable<StoredBackup> ListAsync([EnumeratorCancellation] CancellationToken ct, string prefix = BackupKey.Prefix)
    {
        string? continuation = null;
        do
        {
            var page = await CallAsync(idle => _client.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = Bucket,
                Prefix = prefix,
                ContinuationToken = continuation,
            }, idle.Token), null, ct).ConfigureAwait(false);
            foreach (var item in page.S3Objects ?? [])
            {
                if (item.Key.EndsWith('/')) continue;
                yield return new StoredBackup(item.Key, Bucket, item.Size ?? 0, Utc(item.LastModified));
            }
            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (continuation is not null);
    }

    /// <summary>Size and time of one object, or null when it does not exist.</summary>
    public Task<StoredBackup?> StatAsync(string objectName, CancellationToken ct) =>
        CallAsync<StoredBackup?>(async idle =>
        {
            try
            {
                var head = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = objectName }, idle.Token).ConfigureAwait(false);
                return new StoredBackup(objectName, Bucket, head.ContentLength, Utc(head.LastModified)) { ETag = head.ETag };
            }
            catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
        }, objectName, ct);

    /// <summary>
    /// Uploads a stream of unknown length under <paramref name="objectName"/>, never over an existing
    /// object; completes only when <paramref name="content"/> ends, and removes its own partial upload
    /// when reading it, or the store, fails. Returns the bytes stored. See <see cref="StreamingUpload"/>.
    /// </summary>
    public Task<long> UploadAsync(string objectName, Stream content, string contentType, CancellationToken ct) =>
        new StreamingUpload(this, objectName, contentType).RunAsync(content, ct);

    /// <summary>
    /// Copies the whole object into <paramref name="destination"/>. A retried request starts again
    /// from the beginning, so the destination must be seekable: it is emptied before each attempt.
    /// </summary>
    /// <param name="size">The object's size, for progress; null when not known.</param>
    public Task DownloadAsync(string objectName, Stream destination, long? size, Action<TransferProgress>? progress, CancellationToken ct)
    {
        if (!destination.CanSeek) throw new ArgumentException("A download needs a seekable destination, so that a retry can start over.", nameof(destination));
        return ReadAsync(objectName, size, progress, async (stream, token) =>
        {
            destination.SetLength(0);
            await stream.CopyToAsync(destination, 1 << 20, token).ConfigureAwait(false);
            return true;
        }, ct);
    }

    /// <summary>
    /// Streams the whole object through <paramref name="consume"/>, with no copy on disk. A retried
    /// request calls <paramref name="consume"/> again from the first byte.
    /// </summary>
    public Task<T> ReadAsync<T>(string objectName, long? size, Action<TransferProgress>? progress, Func<Stream, CancellationToken, Task<T>> consume, CancellationToken ct) =>
        CallAsync(async idle =>
        {
            using var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = objectName }, idle.Token).ConfigureAwait(false);
            var counting = new CountingStream(new ActivityStream(response.ResponseStream, idle.Touch), progress, "download", size);
            var result = await consume(counting, idle.Token).ConfigureAwait(false);
            counting.Complete();
            return result;
        }, objectName, ct);

    /// <summary>
    /// Copies <paramref name="stored"/> into <paramref name="destination"/> once, front to back, for a
    /// destination that cannot start over (a pipe into psql): a retried request resumes at the next
    /// byte with a ranged GET that must match the object's ETag, so a replaced object fails the read
    /// instead of being spliced in. Time spent waiting on <paramref name="destination"/> is not idle time.
    /// </summary>
    public async Task CopyOnceAsync(StoredBackup stored, Stream destination, Action<TransferProgress>? progress, CancellationToken ct)
    {
        var buffer = new byte[1 << 16];
        var copied = new CountingStream(destination, progress, "download", stored.Size);
        await CallAsync(async idle =>
        {
            if (copied.Bytes == stored.Size && stored.Size > 0) return true; // failed after the last byte
            using var response = await _client.GetObjectAsync(new GetObjectRequest
            {
                BucketName = Bucket,
                Key = stored.ObjectName,
                EtagToMatch = stored.ETag,
                ByteRange = copied.Bytes > 0 ? new ByteRange(copied.Bytes, stored.Size - 1) : null,
            }, idle.Token).ConfigureAwait(false);
            var body = new ActivityStream(response.ResponseStream, idle.Touch);
            int n;
            while ((n = await body.ReadAsync(buffer, idle.Token).ConfigureAwait(false)) > 0)
            {
                await copied.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                idle.Touch();
            }
            if (copied.Bytes != stored.Size)
                throw new IOException($"the object store ended the download at byte {copied.Bytes:N0} of {stored.Size:N0}");
            return true;
        }, stored.ObjectName, ct).ConfigureAwait(false);
        copied.Complete();
    }

    public Task DeleteAsync(string objectName, CancellationToken ct) =>
        CallAsync(async idle =>
        {
            await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = objectName }, idle.Token).ConfigureAwait(false);
            return true;
        }, objectName, ct);

    internal Task PutIfAbsentAsync(string objectName, ArraySegment<byte> content, string contentType, CancellationToken ct) =>
        CallAsync(async idle =>
        {
            await _client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = Bucket,
                Key = objectName,
                ContentType = contentType,
                IfNoneMatch = "*",
                InputStream = Body(content, idle),
            }, idle.Token).ConfigureAwait(false);
            return true;
        }, objectName, ct);

    internal Task<string> InitiateMultipartAsync(string objectName, string contentType, CancellationToken ct) =>
        CallAsync(async idle => (await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = objectName,
            ContentType = contentType,
        }, idle.Token).ConfigureAwait(false)).UploadId, objectName, ct);

    /// <summary>Sends one part from memory; a retry resends the same bytes. Returns its ETag.</summary>
    internal Task<string> UploadPartAsync(string objectName, string uploadId, int partNumber, ArraySegment<byte> content, CancellationToken ct) =>
        CallAsync(async idle => (await _client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = Bucket,
            Key = objectName,
            UploadId = uploadId,
            PartNumber = partNumber,
            InputStream = Body(content, idle),
        }, idle.Token).ConfigureAwait(false)).ETag, objectName, ct);

    /// <summary>Completes the upload only if no object of that name exists (on stores that honour If-None-Match). Returns the object's ETag.</summary>
    internal Task<string> CompleteMultipartAsync(string objectName, string uploadId, IReadOnlyList<PartETag> parts, CancellationToken ct) =>
        CallAsync(async idle => (await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = objectName,
            UploadId = uploadId,
            PartETags = [.. parts],
            IfNoneMatch = "*",
        }, idle.Token).ConfigureAwait(false)).ETag, objectName, ct);

    /// <summary>Removes one multipart upload and its parts; best effort, never throws, logs a failure (the upload's parts stay billed until a later run removes them).</summary>
    internal async Task AbortMultipartAsync(string objectName, string uploadId)
    {
        using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await CallAsync(async idle =>
            {
                await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Bucket, Key = objectName, UploadId = uploadId }, idle.Token).ConfigureAwait(false);
                return true;
            }, objectName, cleanup.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The caller reports the original failure; the next run's cleanup finds what is left.
            _log?.Warning("multipart_abort_failed", ("object_name", objectName), ("upload_id", uploadId), ("error", ex.Message));
        }
    }

    /// <summary>
    /// Aborts multipart uploads under <c>postgres/</c> started before <paramref name="startedBefore"/>:
    /// what backups killed mid-upload left. Returns the object names whose uploads were removed.
    /// </summary>
    public async Task<IReadOnlyList<string>> RemoveStaleUploadsAsync(DateTimeOffset startedBefore, CancellationToken ct)
    {
        var removed = new List<string>();
        string? keyMarker = null, uploadMarker = null;
        do
        {
            var page = await CallAsync(idle => _client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest
            {
                BucketName = Bucket,
                Prefix = BackupKey.Prefix,
                KeyMarker = keyMarker,
                UploadIdMarker = uploadMarker,
            }, idle.Token), null, ct).ConfigureAwait(false);
            foreach (var upload in page.MultipartUploads ?? [])
            {
                if (Utc(upload.Initiated) >= startedBefore) continue;
                await AbortMultipartAsync(upload.Key, upload.UploadId).ConfigureAwait(false);
                removed.Add(upload.Key);
            }
            (keyMarker, uploadMarker) = page.IsTruncated == true ? (page.NextKeyMarker, page.NextUploadIdMarker) : (null, null);
        }
        while (keyMarker is not null);
        return removed;
    }

    /// <summary>Runs one request with retries and an idle timeout, turning its failures (but not the caller's cancellation) into engine exceptions.</summary>
    private async Task<T> CallAsync<T>(Func<IdleTimeout, Task<T>> call, string? objectName, CancellationToken ct)
    {
        try
        {
            return await _retries.ExecuteAsync(async token =>
            {
                using var idle = new IdleTimeout(Settings.IdleTimeout, token);
                try
                {
                    return await call(idle).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (idle.Expired(token))
                {
                    throw new TimeoutException($"the object store sent or took nothing for {idle.Idle.TotalSeconds:0} s", ex);
                }
            }, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw StorageErrors.Translate(ex, Settings, objectName);
        }
    }

    private static ActivityStream Body(ArraySegment<byte> content, IdleTimeout idle) =>
        new(new MemoryStream(content.Array!, content.Offset, content.Count, writable: false), idle.Touch);

    private static DateTimeOffset Utc(DateTime? time) =>
        time is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t.ToUniversalTime(), DateTimeKind.Utc)) : DateTimeOffset.MinValue;

    public void Dispose() => _client.Dispose();
}
