using System.Runtime.CompilerServices;
using Minio;
using Minio.DataModel.Args;
using Minio.Exceptions;
using ObservatoryBackup.Streams;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Naming;

namespace ObservatoryBackup.Store;

/// <summary>The bucket of backups on an S3-compatible server, through the Minio client.</summary>
public sealed class BackupStore : IDisposable
{
    private readonly IMinioClient _client;

    /// <param name="onRetry">Told of each retried request (attempt number and failure); see <see cref="TransientFaults"/>.</param>
    public BackupStore(StorageSettings settings, Action<int, Exception>? onRetry = null)
    {
        Settings = settings;
        var retries = TransientFaults.Pipeline(onRetry);
        _client = new MinioClient()
            .WithEndpoint(settings.Endpoint)
            .WithCredentials(settings.AccessKey, settings.SecretKey)
            .WithSSL(settings.UseSsl)
            .WithRetryPolicy(request => retries.ExecuteAsync(async _ => await request().ConfigureAwait(false)).AsTask())
            .Build();
    }

    public StorageSettings Settings { get; }
    private string Bucket => Settings.Bucket;

    public Task<bool> BucketExistsAsync(CancellationToken ct) =>
        GuardAsync(() => _client.BucketExistsAsync(new BucketExistsArgs().WithBucket(Bucket), ct), null, ct);

    public Task CreateBucketAsync(CancellationToken ct) =>
        GuardAsync(() => _client.MakeBucketAsync(new MakeBucketArgs().WithBucket(Bucket), ct), null, ct);

    /// <summary>Every object under <c>postgres/</c>, in the store's order.</summary>
    public async IAsyncEnumerable<StoredBackup> ListAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var args = new ListObjectsArgs().WithBucket(Bucket).WithPrefix(BackupKey.Prefix).WithRecursive(true);
        await using var items = _client.ListObjectsEnumAsync(args, ct).GetAsyncEnumerator(ct);
        while (true)
        {
            bool more;
            try
            {
                more = await items.MoveNextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                throw StorageErrors.Translate(ex, Settings);
            }
            if (!more) yield break;
            var item = items.Current;
            if (item.IsDir) continue;
            var modified = item.LastModifiedDateTime is { } lm
                ? new DateTimeOffset(DateTime.SpecifyKind(lm.ToUniversalTime(), DateTimeKind.Utc))
                : DateTimeOffset.MinValue;
            yield return new StoredBackup(item.Key, Bucket, (long)item.Size, modified);
        }
    }

    /// <summary>Size and time of one object, or null when it does not exist.</summary>
    public async Task<StoredBackup?> StatAsync(string objectName, CancellationToken ct)
    {
        try
        {
            var stat = await _client.StatObjectAsync(new StatObjectArgs().WithBucket(Bucket).WithObject(objectName), ct).ConfigureAwait(false);
            return new StoredBackup(objectName, Bucket, stat.Size,
                new DateTimeOffset(DateTime.SpecifyKind(stat.LastModified.ToUniversalTime(), DateTimeKind.Utc)));
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw StorageErrors.Translate(ex, Settings, objectName);
        }
    }

    /// <summary>
    /// Uploads a stream of unknown length as a multipart upload (Minio buffers one 16 MiB part at a time).
    /// The upload completes only when <paramref name="content"/> ends; if reading it throws, the upload is
    /// aborted so that neither an object nor an incomplete multipart upload is left behind.
    /// </summary>
    public async Task UploadAsync(string objectName, Stream content, CancellationToken ct)
    {
        try
        {
            await _client.PutObjectAsync(new PutObjectArgs()
                .WithBucket(Bucket)
                .WithObject(objectName)
                .WithStreamData(content)
                .WithObjectSize(-1)
                .WithContentType("application/gzip"), ct).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await AbortUploadAsync(objectName).ConfigureAwait(false);
            if (ex is OperationCanceledException && ct.IsCancellationRequested) throw;
            throw StorageErrors.Translate(ex, Settings, objectName);
        }
    }

    /// <summary>Removes incomplete multipart uploads of <paramref name="objectName"/>; best effort, never throws.</summary>
    public async Task AbortUploadAsync(string objectName)
    {
        using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await _client.RemoveIncompleteUploadAsync(
                new RemoveIncompleteUploadArgs().WithBucket(Bucket).WithObject(objectName), cleanup.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The caller reports the original failure; a leftover part is reclaimed by the bucket's lifecycle rules.
        }
    }

    /// <summary>
    /// Copies the whole object into <paramref name="destination"/>. A retried request starts again
    /// from the beginning, so the destination must be seekable: it is emptied before each attempt.
    /// </summary>
    /// <param name="size">The object's size, for progress; null when not known.</param>
    public Task DownloadAsync(string objectName, Stream destination, long? size, Action<TransferProgress>? progress, CancellationToken ct)
    {
        if (!destination.CanSeek) throw new ArgumentException("A download needs a seekable destination, so that a retry can start over.", nameof(destination));
        return GuardAsync(() => _client.GetObjectAsync(new GetObjectArgs()
            .WithBucket(Bucket)
            .WithObject(objectName)
            .WithCallbackStream(async (stream, token) =>
            {
                destination.SetLength(0);
                var counting = new CountingStream(stream, progress, "download", size);
                await counting.CopyToAsync(destination, 1 << 20, token).ConfigureAwait(false);
                counting.Complete();
            }),
            ct), objectName, ct);
    }

    public Task DeleteAsync(string objectName, CancellationToken ct) =>
        GuardAsync(() => _client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(Bucket).WithObject(objectName), ct), objectName, ct);

    /// <summary>Runs a store call, turning its failures (but not the caller's cancellation) into engine exceptions.</summary>
    private async Task<T> GuardAsync<T>(Func<Task<T>> call, string? objectName, CancellationToken ct)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw StorageErrors.Translate(ex, Settings, objectName);
        }
    }

    private Task GuardAsync(Func<Task> call, string? objectName, CancellationToken ct) =>
        GuardAsync(async () => { await call().ConfigureAwait(false); return true; }, objectName, ct);

    public void Dispose() => _client.Dispose();
}
