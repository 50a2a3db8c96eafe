using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Tests.Fixtures;

/// <summary>
/// A bucket in memory that behaves as S3 does where the engine depends on it: conditional writes,
/// multipart uploads with S3's ETags (MD5 of a part; MD5 of the parts' MD5s and "-N" for the whole),
/// an upload that is gone once completed, ranged reads that must match an ETag. It fails with the
/// engine's exceptions S3's failures are translated into, and says what its failures mean as any
/// store does: an injected network failure (an <see cref="IOException"/>) is transient.
/// <see cref="Fault"/> injects a failure before or after a request.
/// </summary>
public sealed class MemoryObjectStore(string bucket = "memory-bucket") : IObjectStore
{
    private sealed record Blob(byte[] Data, string ETag, DateTimeOffset Modified);
    private sealed record Upload(string ObjectName, DateTimeOffset Initiated, ConcurrentDictionary<int, byte[]> Parts);

    private readonly ConcurrentDictionary<string, Blob> _objects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Upload> _uploads = new(StringComparer.Ordinal);

    public StorageSettings Settings { get; } = new() { Endpoint = "memory", AccessKey = "memory", SecretKey = "memory", Bucket = bucket, RetryBaseDelay = TimeSpan.FromMilliseconds(1) };

    /// <summary>Called with the request's name (e.g. "CompleteMultipart") and object; a returned exception is thrown before the request runs.</summary>
    public Func<string, string?, Exception?>? Fault { get; set; }

    /// <summary>Called after a request ran; a returned exception is thrown as if its answer was lost.</summary>
    public Func<string, string?, Exception?>? LostAnswer { get; set; }

    /// <summary>Wraps the body each read gives: a test's way to drop a download halfway.</summary>
    public Func<Stream, Stream>? ReadBody { get; set; }

    public bool BucketCreated { get; set; } = true;
    public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;
    public IReadOnlyCollection<string> ObjectNames => _objects.Keys.Order(StringComparer.Ordinal).ToList();
    public int PendingUploads => _uploads.Count;
    public ConcurrentQueue<string> Requests { get; } = new();

    public StoreFault Classify(Exception error) => StorageErrors.Classify(error);

    public ObsBackupException Translate(Exception error, string? objectName) => StorageErrors.Translate(error, Settings, objectName);

    public byte[] Get(string objectName) => _objects[objectName].Data;

    public void Put(string objectName, byte[] data, DateTimeOffset? modified = null) =>
        _objects[objectName] = new Blob(data, Md5(data), modified ?? Now);

    public Task<bool> BucketExistsAsync(CancellationToken ct) => Run("BucketExists", null, () => BucketCreated);

    public Task CreateBucketAsync(CancellationToken ct) => Run("CreateBucket", null, () => BucketCreated = true);

    // an unversioned bucket without Object Lock: the radosgw tests cover the versioned, locked one
    public Task<bool> ObjectLockEnabledAsync(CancellationToken ct) => Run("ObjectLockEnabled", null, () => false);

    public Task<bool> VersioningEnabledAsync(CancellationToken ct) => Run("VersioningEnabled", null, () => false);

    public Task<IReadOnlyList<ObjectVersion>> ListVersionsAsync(string objectName, CancellationToken ct) =>
        Run<IReadOnlyList<ObjectVersion>>("ListVersions", objectName, () => _objects.ContainsKey(objectName) ? [new ObjectVersion("null", false)] : []);

    public Task<DateTimeOffset?> RetainUntilAsync(string objectName, string versionId, CancellationToken ct) =>
        Run<DateTimeOffset?>("RetainUntil", objectName, () => null);

    public Task DeleteVersionAsync(string objectName, string versionId, CancellationToken ct) => DeleteAsync(objectName, ct);

    public async IAsyncEnumerable<StoredBackup> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var items = await Run("List", null, () => _objects
            .Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(o => o.Key, StringComparer.Ordinal)
            .Select(o => new StoredBackup(o.Key, Settings.Bucket, o.Value.Data.Length, o.Value.Modified) { Prefix = Settings.Prefix })
            .ToList());
        foreach (var item in items) yield return item;
    }

    public Task<StoredBackup?> StatAsync(string objectName, CancellationToken ct) =>
        Run("Stat", objectName, () => _objects.TryGetValue(objectName, out var blob)
            ? new StoredBackup(objectName, Settings.Bucket, blob.Data.Length, blob.Modified) { ETag = blob.ETag, Prefix = Settings.Prefix }
            : null);

    public Task PutIfAbsentAsync(string objectName, ReadOnlyMemory<byte> content, string contentType, CancellationToken ct) =>
        Run("PutIfAbsent", objectName, () =>
        {
            var data = content.ToArray();
            if (!_objects.TryAdd(objectName, new Blob(data, Md5(data), Now))) throw StorageErrorsAlreadyExists(objectName);
            return true;
        });

    public Task<string> InitiateMultipartAsync(string objectName, string contentType, CancellationToken ct) =>
        Run("InitiateMultipart", objectName, () =>
        {
            var id = Guid.NewGuid().ToString("N");
            _uploads[id] = new Upload(objectName, Now, new ConcurrentDictionary<int, byte[]>());
            return id;
        });

    public Task<string> UploadPartAsync(string objectName, string uploadId, int partNumber, ReadOnlyMemory<byte> content, CancellationToken ct) =>
        Run("UploadPart", objectName, () =>
        {
            var data = content.ToArray();
            UploadOf(uploadId, objectName).Parts[partNumber] = data;
            return Md5(data);
        });

    public Task CompleteMultipartAsync(string objectName, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken ct) =>
        Run("CompleteMultipart", objectName, () =>
        {
            var upload = UploadOf(uploadId, objectName);
            if (_objects.ContainsKey(objectName)) throw StorageErrorsAlreadyExists(objectName);
            var data = new List<byte>();
            foreach (var part in parts.OrderBy(p => p.PartNumber))
            {
                if (!upload.Parts.TryGetValue(part.PartNumber, out var bytes) || Md5(bytes) != part.ETag)
                    throw new StorageException(ObsErrorKind.OperationFailed, ErrorIds.StorageError, $"InvalidPart {part.PartNumber}", objectName);
                data.AddRange(bytes);
            }
            var etag = $"\"{Convert.ToHexStringLower(MD5.HashData(parts.OrderBy(p => p.PartNumber).SelectMany(p => Convert.FromHexString(p.ETag.Trim('"'))).ToArray()))}-{parts.Count}\"";
            _objects[objectName] = new Blob([.. data], etag, Now);
            _uploads.TryRemove(uploadId, out _);
            return true;
        });

    public Task AbortMultipartAsync(string objectName, string uploadId, CancellationToken ct) =>
        Run("AbortMultipart", objectName, () => _uploads.TryRemove(uploadId, out _));

    public async IAsyncEnumerable<PendingUpload> ListUploadsAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var uploads = await Run("ListUploads", null, () => _uploads
            .Where(u => u.Value.ObjectName.StartsWith(prefix, StringComparison.Ordinal))
            .Select(u => new PendingUpload(u.Value.ObjectName, u.Key, u.Value.Initiated)).ToList());
        foreach (var upload in uploads) yield return upload;
    }

    public async Task<T> ReadAsync<T>(string objectName, Func<long> offset, string? etag, Func<Stream, CancellationToken, Task<T>> consume, CancellationToken ct)
    {
        var body = await Run("Read", objectName, () =>
        {
            if (!_objects.TryGetValue(objectName, out var blob))
                throw new BackupDataException(ObsErrorKind.NotFound, ErrorIds.BackupNotFound, objectName, $"No backup '{objectName}'.");
            if (etag is not null && etag != blob.ETag)
                // S3's 412, as S3ObjectStore translates it
                throw StorageErrorsAlreadyExists(objectName);
            var from = (int)Math.Min(offset(), blob.Data.Length);
            return new MemoryStream(blob.Data, from, blob.Data.Length - from, writable: false);
        });
        return await consume(ReadBody?.Invoke(body) ?? body, ct);
    }

    public Task DeleteAsync(string objectName, CancellationToken ct) => Run("Delete", objectName, () => _objects.TryRemove(objectName, out _));

    private Upload UploadOf(string uploadId, string objectName) =>
        _uploads.TryGetValue(uploadId, out var upload) && upload.ObjectName == objectName
            ? upload
            // what S3's NoSuchUpload is translated into
            : throw new BackupDataException(ObsErrorKind.NotFound, ErrorIds.BackupNotFound, objectName, $"No upload '{uploadId}'.");

    private BackupDataException StorageErrorsAlreadyExists(string objectName) =>
        new(ObsErrorKind.AlreadyExists, ErrorIds.BackupAlreadyExists, objectName, $"A backup named '{objectName}' already exists in bucket '{Settings.Bucket}'; nothing was overwritten.");

    private Task<T> Run<T>(string request, string? objectName, Func<T> action)
    {
        Requests.Enqueue(objectName is null ? request : $"{request} {objectName}");
        if (Fault?.Invoke(request, objectName) is { } before) return Task.FromException<T>(before);
        var result = action();
        if (LostAnswer?.Invoke(request, objectName) is { } after) return Task.FromException<T>(after);
        return Task.FromResult(result);
    }

    private static string Md5(byte[] data) => $"\"{Convert.ToHexStringLower(MD5.HashData(data))}\"";

    public void Dispose() { }
}
