namespace ObservatoryBackup.Store;

/// <summary>
/// What the engine needs of an object store: one bucket, one request per method, no retries of its
/// own, and the store's own word on what its failures mean (<see cref="Classify"/>,
/// <see cref="Translate"/>). <see cref="S3ObjectStore"/> is the real one (AWSSDK.S3); tests have an
/// in-memory one. <see cref="BackupStore"/> uses every store through the same decorators
/// (<see cref="RetryingObjectStore"/>, then <see cref="TranslatingObjectStore"/>), which ask the
/// store instead of knowing its exceptions.
/// </summary>
public interface IObjectStore : IDisposable
{
    /// <summary>Where the store is, and which bucket: for messages.</summary>
    Configuration.StorageSettings Settings { get; }

    /// <summary>
    /// What <paramref name="error"/>, which failed one of this store's requests (or a read's consumer),
    /// means: whether a retry may help, or what is missing. The engine's own exceptions are never
    /// <see cref="StoreFault.Transient"/>.
    /// </summary>
    StoreFault Classify(Exception error);

    /// <summary>
    /// The engine's exception for <paramref name="error"/>, which finally failed a request about
    /// <paramref name="objectName"/> (null: about the bucket), naming endpoint, bucket or object and
    /// saying what the store answered. The engine's own exceptions are given back as they are.
    /// </summary>
    Errors.ObsBackupException Translate(Exception error, string? objectName);

    Task<bool> BucketExistsAsync(CancellationToken ct);

    /// <summary>Creates the bucket (with Object Lock when the settings lock backups); one that exists already (another run made it first) is no failure.</summary>
    Task CreateBucketAsync(CancellationToken ct);

    /// <summary>Whether the bucket has Object Lock enabled, so that objects can be written locked.</summary>
    Task<bool> ObjectLockEnabledAsync(CancellationToken ct);

    /// <summary>Whether the bucket keeps versions (versioning enabled or suspended): there a plain delete only hides an object behind a delete marker.</summary>
    Task<bool> VersioningEnabledAsync(CancellationToken ct);

    /// <summary>Every version of one object, delete markers included.</summary>
    Task<IReadOnlyList<ObjectVersion>> ListVersionsAsync(string objectName, CancellationToken ct);

    /// <summary>The date until which one version is locked, or null when it has no retention.</summary>
    Task<DateTimeOffset?> RetainUntilAsync(string objectName, string versionId, CancellationToken ct);

    /// <summary>Deletes one version (or delete marker) for good; a locked version is refused by the store.</summary>
    Task DeleteVersionAsync(string objectName, string versionId, CancellationToken ct);

    /// <summary>Every object under <paramref name="prefix"/>, in the store's order.</summary>
    IAsyncEnumerable<StoredBackup> ListAsync(string prefix, CancellationToken ct);

    /// <summary>Size, time and ETag of one object, or null when there is none.</summary>
    Task<StoredBackup?> StatAsync(string objectName, CancellationToken ct);

    /// <summary>Writes <paramref name="content"/> as the object, only if no object has that name (If-None-Match: *); locked when the settings say so.</summary>
    Task PutIfAbsentAsync(string objectName, ReadOnlyMemory<byte> content, string contentType, CancellationToken ct);

    /// <summary>Starts a multipart upload; returns its id.</summary>
    Task<string> InitiateMultipartAsync(string objectName, string contentType, CancellationToken ct);

    /// <summary>Sends one part; returns its ETag.</summary>
    Task<string> UploadPartAsync(string objectName, string uploadId, int partNumber, ReadOnlyMemory<byte> content, CancellationToken ct);

    /// <summary>
    /// Completes the upload, only if no object has that name on stores that honour If-None-Match there.
    /// An upload the store no longer knows (its completion already happened) fails as
    /// <see cref="StoreFault.NotFound"/>, translated to <c>BackupNotFound</c>.
    /// </summary>
    Task CompleteMultipartAsync(string objectName, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken ct);

    /// <summary>Removes a multipart upload and its parts.</summary>
    Task AbortMultipartAsync(string objectName, string uploadId, CancellationToken ct);

    /// <summary>Multipart uploads under <paramref name="prefix"/> that were started and never completed or aborted.</summary>
    IAsyncEnumerable<PendingUpload> ListUploadsAsync(string prefix, CancellationToken ct);

    /// <summary>
    /// Reads the object from byte <paramref name="offset"/> (asked anew at each attempt) to its end
    /// through <paramref name="consume"/>; when <paramref name="etag"/> is given, an object with another
    /// ETag (replaced since it was listed) fails the read. Reading from its end gives an empty stream.
    /// Time <paramref name="consume"/> spends elsewhere than reading is not the store's idle time.
    /// </summary>
    Task<T> ReadAsync<T>(string objectName, Func<long> offset, string? etag, Func<Stream, CancellationToken, Task<T>> consume, CancellationToken ct);

    Task DeleteAsync(string objectName, CancellationToken ct);
}

/// <summary>One version of an object in a versioned bucket, or a delete marker.</summary>
public sealed record ObjectVersion(string VersionId, bool IsDeleteMarker);

/// <summary>A sent part of a multipart upload.</summary>
public sealed record UploadedPart(int PartNumber, string ETag);

/// <summary>A multipart upload that was started and not finished.</summary>
public sealed record PendingUpload(string ObjectName, string UploadId, DateTimeOffset Initiated);
