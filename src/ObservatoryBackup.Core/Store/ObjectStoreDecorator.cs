using System.Runtime.CompilerServices;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Store;

/// <summary>
/// An <see cref="IObjectStore"/> around another that does one thing to every request
/// (<see cref="CallAsync"/>) and passes the rest through: the store's settings, its word on its
/// failures, its disposal. A listing is one request: read whole inside the call, then given out.
/// </summary>
internal abstract class ObjectStoreDecorator(IObjectStore inner) : IObjectStore
{
    protected IObjectStore Inner => inner;

    /// <summary>Runs one request of the inner store, <paramref name="call"/>, about <paramref name="objectName"/> (null: the bucket).</summary>
    protected abstract Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, string? objectName, CancellationToken ct);

    public StorageSettings Settings => inner.Settings;

    public StoreFault Classify(Exception error) => inner.Classify(error);

    public ObsBackupException Translate(Exception error, string? objectName) => inner.Translate(error, objectName);

    public Task<bool> BucketExistsAsync(CancellationToken ct) => CallAsync(inner.BucketExistsAsync, null, ct);

    public Task CreateBucketAsync(CancellationToken ct) => CallAsync(async t => { await inner.CreateBucketAsync(t).ConfigureAwait(false); return true; }, null, ct);

    public Task<bool> ObjectLockEnabledAsync(CancellationToken ct) => CallAsync(inner.ObjectLockEnabledAsync, null, ct);

    public Task<bool> VersioningEnabledAsync(CancellationToken ct) => CallAsync(inner.VersioningEnabledAsync, null, ct);

    public Task<IReadOnlyList<ObjectVersion>> ListVersionsAsync(string objectName, CancellationToken ct) =>
        CallAsync(t => inner.ListVersionsAsync(objectName, t), objectName, ct);

    public Task<DateTimeOffset?> RetainUntilAsync(string objectName, string versionId, CancellationToken ct) =>
        CallAsync(t => inner.RetainUntilAsync(objectName, versionId, t), objectName, ct);

    public Task DeleteVersionAsync(string objectName, string versionId, CancellationToken ct) =>
        CallAsync(async t => { await inner.DeleteVersionAsync(objectName, versionId, t).ConfigureAwait(false); return true; }, objectName, ct);

    /// <summary>A listing that fails halfway is retried whole, then given out: what a retry lists is what the caller sees.</summary>
    public async IAsyncEnumerable<StoredBackup> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var item in await CallAsync(t => Collect(inner.ListAsync(prefix, t), t), null, ct).ConfigureAwait(false))
            yield return item;
    }

    public async IAsyncEnumerable<PendingUpload> ListUploadsAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var upload in await CallAsync(t => Collect(inner.ListUploadsAsync(prefix, t), t), null, ct).ConfigureAwait(false))
            yield return upload;
    }

    public Task<StoredBackup?> StatAsync(string objectName, CancellationToken ct) => CallAsync(t => inner.StatAsync(objectName, t), objectName, ct);

    public Task PutIfAbsentAsync(string objectName, ReadOnlyMemory<byte> content, string contentType, CancellationToken ct) =>
        CallAsync(async t => { await inner.PutIfAbsentAsync(objectName, content, contentType, t).ConfigureAwait(false); return true; }, objectName, ct);

    public Task<string> InitiateMultipartAsync(string objectName, string contentType, CancellationToken ct) =>
        CallAsync(t => inner.InitiateMultipartAsync(objectName, contentType, t), objectName, ct);

    public Task<string> UploadPartAsync(string objectName, string uploadId, int partNumber, ReadOnlyMemory<byte> content, CancellationToken ct) =>
        CallAsync(t => inner.UploadPartAsync(objectName, uploadId, partNumber, content, t), objectName, ct);

    public Task CompleteMultipartAsync(string objectName, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken ct) =>
        CallAsync(async t => { await inner.CompleteMultipartAsync(objectName, uploadId, parts, t).ConfigureAwait(false); return true; }, objectName, ct);

    public Task AbortMultipartAsync(string objectName, string uploadId, CancellationToken ct) =>
        CallAsync(async t => { await inner.AbortMultipartAsync(objectName, uploadId, t).ConfigureAwait(false); return true; }, objectName, ct);

    public Task<T> ReadAsync<T>(string objectName, Func<long> offset, string? etag, Func<Stream, CancellationToken, Task<T>> consume, CancellationToken ct) =>
        CallAsync(t => inner.ReadAsync(objectName, offset, etag, consume, t), objectName, ct);

    public Task DeleteAsync(string objectName, CancellationToken ct) =>
        CallAsync(async t => { await inner.DeleteAsync(objectName, t).ConfigureAwait(false); return true; }, objectName, ct);

    private static async Task<List<T>> Collect<T>(IAsyncEnumerable<T> items, CancellationToken ct)
    {
        var all = new List<T>();
        await foreach (var item in items.WithCancellation(ct).ConfigureAwait(false)) all.Add(item);
        return all;
    }

    public void Dispose() => inner.Dispose();
}
