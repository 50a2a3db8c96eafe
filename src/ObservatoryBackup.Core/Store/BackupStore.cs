using System.Runtime.CompilerServices;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Streams;

namespace ObservatoryBackup.Store;

/// <summary>Makes the <see cref="IObjectStore"/> a run uses: the S3 one unless a test says otherwise.</summary>
public delegate IObjectStore ObjectStoreFactory(StorageSettings settings);

/// <summary>
/// The bucket of backups as the use cases need it, on any <see cref="IObjectStore"/> and always
/// through the same decorators (<see cref="Stack"/>: retried and logged, then translated): streamed
/// uploads that never overwrite (<see cref="StreamingUpload"/>), whole and resumable reads, and the
/// cleanup of what killed runs left.
/// </summary>
public sealed class BackupStore : IDisposable
{
    private readonly EventLog _log;

    /// <summary>The bucket of <paramref name="settings"/> on its S3 server.</summary>
    public BackupStore(StorageSettings settings, EventLog log) : this(new S3ObjectStore(settings), log) { }

    /// <summary>The bucket of <paramref name="store"/>, used through its decorators.</summary>
    public BackupStore(IObjectStore store, EventLog log)
    {
        Objects = Stack(store, log);
        _log = log;
    }

    /// <summary>
    /// The one composition of the decorators every store is used through: each request retried while
    /// the store calls its failure transient, each retry logged (<see cref="RetryingObjectStore"/>),
    /// then what finally fails translated into the engine's exception (<see cref="TranslatingObjectStore"/>).
    /// </summary>
    private static IObjectStore Stack(IObjectStore store, EventLog log) =>
        new TranslatingObjectStore(new RetryingObjectStore(store, RetryPolicy.For(store.Settings), log));

    /// <summary>A store of <paramref name="settings"/>: made by <paramref name="factory"/> when given (a test's), else the S3 one.</summary>
    public static BackupStore Open(StorageSettings settings, EventLog log, ObjectStoreFactory? factory = null)
    {
        // where credentials the SDK found came from, never what they are
        if (settings.UseCredentialChain) log.Info("storage_credentials", ("source", settings.CredentialSource));
        return new(factory is null ? new S3ObjectStore(settings) : factory(settings), log);
    }

    /// <summary>The store through its decorators, one request per method.</summary>
    internal IObjectStore Objects { get; }

    /// <summary>How uploads are cut into parts: S3's, unless a test says otherwise.</summary>
    internal PartPlan Parts { get; init; } = PartPlan.S3;

    public StorageSettings Settings => Objects.Settings;

    public Task<bool> BucketExistsAsync(CancellationToken ct) => Objects.BucketExistsAsync(ct);

    public Task CreateBucketAsync(CancellationToken ct) => Objects.CreateBucketAsync(ct);

    /// <summary>
    /// Every object under the prefix, in the store's order, each marked <see cref="StoredBackup.Pinned"/>
    /// when its pin's marker is there and <see cref="StoredBackup.Signed"/> when its signature object
    /// is: the markers and signatures lie under the prefix too, so one listing finds all, and they are
    /// left out of what it gives. A name whose time cannot be true by the log's clock is marked
    /// <see cref="StoredBackup.Suspect"/>.
    /// </summary>
    public async IAsyncEnumerable<StoredBackup> ListAsync([EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var item in (await ListWithOrphansAsync(ct).ConfigureAwait(false)).Backups) yield return item;
    }

    /// <summary>
    /// What <see cref="ListAsync"/> gives, and the signature objects whose backup is gone (a delete
    /// that removed the backup and then failed), which retention removes.
    /// </summary>
    public async Task<(IReadOnlyList<StoredBackup> Backups, IReadOnlyList<string> OrphanSignatures)> ListWithOrphansAsync(CancellationToken ct)
    {
        var listed = new List<StoredBackup>();
        var pinned = new HashSet<string>(StringComparer.Ordinal);
        var signatures = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var item in Objects.ListAsync(Settings.Prefix, ct).ConfigureAwait(false))
        {
            if (item.ObjectName.StartsWith(PinPrefix, StringComparison.Ordinal)) pinned.Add(Settings.Prefix + item.ObjectName[PinPrefix.Length..]);
            else if (BackupKey.IsSignature(item.ObjectName)) signatures.Add(item.ObjectName);
            else listed.Add(item);
        }
        var now = _log.Clock.GetUtcNow();
        var backups = listed.Select(item => item with
        {
            Pinned = pinned.Contains(item.ObjectName),
            Signed = signatures.Remove(BackupKey.SignatureOf(item.ObjectName)),
            SuspectReason = SuspectName.Reason(item.Timestamp, item.LastModified, now),
        }).ToList();
        return (backups, signatures.Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>Size, time and ETag of one object, or null when it does not exist.</summary>
    public Task<StoredBackup?> StatAsync(string objectName, CancellationToken ct) => Objects.StatAsync(objectName, ct);

    /// <summary>Size, time and ETag of a backup that must exist: <c>BackupNotFound</c> otherwise, naming it, the bucket and the endpoint.</summary>
    /// <param name="consequence">What its absence means for the caller, said after the message (", nothing to pin").</param>
    public async Task<StoredBackup> RequireAsync(string objectName, CancellationToken ct, string consequence = "") =>
        await StatAsync(objectName, ct).ConfigureAwait(false)
        ?? throw new BackupDataException(ObsErrorKind.NotFound, ErrorIds.BackupNotFound, objectName,
            $"No backup '{objectName}' in bucket '{Settings.Bucket}' at {Settings.Endpoint}{consequence}.");

    public Task DeleteAsync(string objectName, CancellationToken ct) => Objects.DeleteAsync(objectName, ct);

    /// <summary>
    /// Where pins live: a marker object per pinned backup, <c>.pins/</c> under the cluster's prefix
    /// followed by the backup's name relative to it. Under the prefix, because a bucket policy that
    /// lets a backup job list only <c>postgres/</c> must not make the job fail; markers rather than
    /// object tags, because one listing finds every pin and every S3-compatible store has objects.
    /// <see cref="ListAsync"/> reads them with the backups.
    /// </summary>
    public const string PinFolder = ".pins/";

    private string PinPrefix => Settings.Prefix + PinFolder;

    private string PinOf(string objectName) =>
        PinPrefix + (objectName.StartsWith(Settings.Prefix, StringComparison.Ordinal) ? objectName[Settings.Prefix.Length..] : objectName);

    /// <summary>Marks <paramref name="objectName"/> as pinned: retention never deletes it. Pinning twice is no failure.</summary>
    public async Task PinAsync(string objectName, CancellationToken ct)
    {
        try
        {
            await Objects.PutIfAbsentAsync(PinOf(objectName), Array.Empty<byte>(), "application/octet-stream", ct).ConfigureAwait(false);
        }
        catch (BackupDataException ex) when (ex.ErrorId == ErrorIds.BackupAlreadyExists)
        {
            // pinned already
        }
    }

    /// <summary>Removes the pin of <paramref name="objectName"/>; removing a pin that is not there is no failure.</summary>
    public Task UnpinAsync(string objectName, CancellationToken ct) => Objects.DeleteAsync(PinOf(objectName), ct);

    /// <summary>Whether the bucket has Object Lock enabled, so that locked backups can be written to it.</summary>
    public Task<bool> ObjectLockEnabledAsync(CancellationToken ct) => Objects.ObjectLockEnabledAsync(ct);

    /// <summary>Whether the bucket keeps versions: there deleting a backup means deleting its versions (<see cref="RemoveVersionsAsync"/>).</summary>
    public Task<bool> VersioningEnabledAsync(CancellationToken ct) => Objects.VersioningEnabledAsync(ct);

    /// <summary>
    /// Removes a backup from a bucket that keeps versions, where a plain delete would only hide it
    /// behind a delete marker: every version whose lock has expired (or that has none) is deleted;
    /// a version still locked at <paramref name="now"/> is kept, and no delete marker is written over
    /// it. Once no version is left, the object's delete markers go too. Returns the versions kept.
    /// </summary>
    public async Task<IReadOnlyList<(string VersionId, DateTimeOffset RetainUntil)>> RemoveVersionsAsync(string objectName, DateTimeOffset now, CancellationToken ct)
    {
        var versions = await Objects.ListVersionsAsync(objectName, ct).ConfigureAwait(false);
        var locked = new List<(string, DateTimeOffset)>();
        foreach (var version in versions.Where(v => !v.IsDeleteMarker))
        {
            if (await Objects.RetainUntilAsync(objectName, version.VersionId, ct).ConfigureAwait(false) is { } until && until > now)
                locked.Add((version.VersionId, until));
            else
                await Objects.DeleteVersionAsync(objectName, version.VersionId, ct).ConfigureAwait(false);
        }
        if (locked.Count == 0)
            foreach (var marker in versions.Where(v => v.IsDeleteMarker))
                await Objects.DeleteVersionAsync(objectName, marker.VersionId, ct).ConfigureAwait(false);
        return locked;
    }

    /// <summary>
    /// Uploads a stream of unknown length under <paramref name="objectName"/>, never over an existing
    /// object; completes only when <paramref name="content"/> ends, and removes its own partial upload
    /// when reading it, or the store, fails. Returns the bytes stored. See <see cref="StreamingUpload"/>.
    /// </summary>
    public Task<long> UploadAsync(string objectName, Stream content, string contentType, CancellationToken ct) =>
        new StreamingUpload(this, objectName, contentType).RunAsync(content, ct);

    /// <summary>
    /// Writes a backup's signature object beside it, never over an existing one; under the same Object
    /// Lock, storage class and server-side encryption as every object this store writes.
    /// </summary>
    public Task PutSignatureAsync(string objectName, ReadOnlyMemory<byte> signature, CancellationToken ct) =>
        Objects.PutIfAbsentAsync(BackupKey.SignatureOf(objectName), signature, "text/plain", ct);

    /// <summary>
    /// Copies the whole of <paramref name="stored"/> into <paramref name="destination"/>, as
    /// <see cref="DownloadAsync(string, Stream, long?, Action{TransferProgress}?, CancellationToken)"/>
    /// does; from an object with the ETag it was stat'ed with, and through its content check, so the
    /// download fails unless the bytes written are the bytes the check proves.
    /// </summary>
    public Task DownloadAsync(StoredBackup stored, Stream destination, Action<TransferProgress>? progress, CancellationToken ct)
    {
        if (!destination.CanSeek) throw new ArgumentException("A download needs a seekable destination, so that a retry can start over.", nameof(destination));
        return ReadAsync(stored, progress, async (stream, token) =>
        {
            destination.SetLength(0);
            await stream.CopyToAsync(destination, 1 << 20, token).ConfigureAwait(false);
            return true;
        }, ct);
    }

    /// <summary>
    /// Streams the whole of <paramref name="stored"/> through <paramref name="consume"/>, as
    /// <see cref="ReadAsync{T}(string, long?, Action{TransferProgress}?, Func{Stream, CancellationToken, Task{T}}, CancellationToken)"/>
    /// does; from an object with the ETag it was stat'ed with (when known), and through its content
    /// check: the read fails unless the bytes proved hold, what <paramref name="consume"/> left unread included.
    /// </summary>
    public Task<T> ReadAsync<T>(StoredBackup stored, Action<TransferProgress>? progress, Func<Stream, CancellationToken, Task<T>> consume, CancellationToken ct) =>
        Replaced(stored, Objects.ReadAsync(stored.ObjectName, static () => 0, stored.ETag, async (body, token) =>
        {
            var counting = new CountingStream(body, progress, "download", stored.Size);
            if (stored.ContentCheck is not { } check)
            {
                var plain = await consume(counting, token).ConfigureAwait(false);
                counting.Complete();
                return plain;
            }
            // a retry starts from the first byte: a check of its own
            await using var checkedBody = new CheckedReadStream(counting, check());
            T result;
            try
            {
                result = await consume(checkedBody, token).ConfigureAwait(false);
            }
            catch (BackupDataException) when (!token.IsCancellationRequested)
            {
                // bytes the format refuses: if they are not the signed ones, that is what went wrong (the check throws)
                await checkedBody.DrainAsync(token).ConfigureAwait(false);
                throw;
            }
            await checkedBody.DrainAsync(token).ConfigureAwait(false);
            counting.Complete();
            return result;
        }, ct));

    /// <summary>
    /// A checked backup streamed once (<see cref="CopyOnceAsync"/>) is proven only when its stream ends, after
    /// its consumer has used its bytes: only the ETag ties it to the pass that verified it, so without one
    /// (a store that sent none) it is refused before a byte is read.
    /// </summary>
    internal void RequirePinned(StoredBackup stored)
    {
        if (stored.ContentCheck is null || !string.IsNullOrEmpty(stored.ETag)) return;
        throw new BackupDataException(ObsErrorKind.OperationFailed, ErrorIds.BackupSignatureInvalid, stored.ObjectName,
            $"The object store at {Settings.Endpoint} gave no ETag for backup '{stored.ObjectName}', so a read of it cannot be pinned to the object " +
            "whose signature was verified, and a staged restore, which streams it, is refused (a restore in place proves its private download before using it). Nothing was changed.");
    }

    /// <summary>
    /// A checked backup's read that the store refused because the object's ETag changed: the object was
    /// replaced since it was verified, which its signature's error says (the store's own words would
    /// speak of a write).
    /// </summary>
    private async Task<T> Replaced<T>(StoredBackup stored, Task<T> read)
    {
        try
        {
            return await read.ConfigureAwait(false);
        }
        catch (BackupDataException ex) when (ex.ErrorId == ErrorIds.BackupAlreadyExists && stored.ContentCheck is not null)
        {
            throw new BackupDataException(ObsErrorKind.InvalidData, ErrorIds.BackupSignatureInvalid, stored.ObjectName,
                $"Backup '{stored.ObjectName}' was replaced in bucket '{Settings.Bucket}' after its signature was checked (its ETag is no longer {stored.ETag}); nothing of the replacement was used.", ex);
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
        Objects.ReadAsync(objectName, static () => 0, null, async (body, token) =>
        {
            var counting = new CountingStream(body, progress, "download", size);
            var result = await consume(counting, token).ConfigureAwait(false);
            counting.Complete();
            return result;
        }, ct);

    /// <summary>
    /// Copies <paramref name="stored"/> into <paramref name="destination"/> once, front to back, for a
    /// destination that cannot start over (a pipe into psql): a retried request resumes at the next
    /// byte, and only from an object with the ETag it was listed with, so a replaced object fails the
    /// read instead of being spliced in.
    /// </summary>
    public async Task CopyOnceAsync(StoredBackup stored, Stream destination, Action<TransferProgress>? progress, CancellationToken ct)
    {
        RequirePinned(stored);
        var buffer = new byte[1 << 16];
        var copied = new CountingStream(destination, progress, "download", stored.Size);
        // resumed at the next byte, so one check sees the whole object across attempts
        var check = stored.ContentCheck?.Invoke();
        // a check of chunks (a verifying pass recorded them) is handed each chunk whole, and proves it before it is passed on
        var pending = check is ChunkDigests.ChunkCheck ? new byte[ChunkDigests.ChunkSize] : null;
        var (received, held) = (0L, 0);
        await Replaced(stored, Objects.ReadAsync(stored.ObjectName, () => received, stored.ETag, async (body, token) =>
        {
            int n;
            while ((n = await body.ReadAsync(buffer, token).ConfigureAwait(false)) > 0)
            {
                received += n;
                if (pending is null)
                {
                    check?.Append(buffer.AsSpan(0, n));
                    await copied.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                    continue;
                }
                for (var data = buffer.AsMemory(0, n); data.Length > 0;)
                {
                    var take = Math.Min(data.Length, pending.Length - held);
                    data[..take].CopyTo(pending.AsMemory(held));
                    (held, data) = (held + take, data[take..]);
                    if (held < pending.Length) continue;
                    check!.Append(pending);
                    await copied.WriteAsync(pending, ct).ConfigureAwait(false);
                    held = 0;
                }
            }
            if (received != stored.Size)
                throw new IOException($"the object store ended the download at byte {received:N0} of {stored.Size:N0}");
            return true;
        }, ct)).ConfigureAwait(false);
        // the last chunk is proven before it is passed on; without chunks, before the last of the stream
        // ends: a load that read bytes other than those verified fails, not finishes
        check?.Append(pending.AsSpan(0, held));
        check?.Finish();
        if (held > 0) await copied.WriteAsync(pending.AsMemory(0, held), ct).ConfigureAwait(false);
        copied.Complete();
    }

    /// <summary>Removes one multipart upload and its parts; best effort, never throws, logs a failure (the upload's parts stay billed until a later run removes them).</summary>
    internal async Task AbortMultipartAsync(string objectName, string uploadId)
    {
        using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await Objects.AbortMultipartAsync(objectName, uploadId, cleanup.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The caller reports the original failure; the next run's cleanup finds what is left.
            _log.Warning("multipart_abort_failed", ("object_name", objectName), ("upload_id", uploadId), ("error", ex.Message));
        }
    }

    /// <summary>
    /// Aborts multipart uploads under <c>postgres/</c> started before <paramref name="startedBefore"/>:
    /// what backups killed mid-upload left. Returns the object names whose uploads were removed.
    /// </summary>
    public async Task<IReadOnlyList<string>> RemoveStaleUploadsAsync(DateTimeOffset startedBefore, CancellationToken ct)
    {
        var removed = new List<string>();
        await foreach (var upload in Objects.ListUploadsAsync(Settings.Prefix, ct).ConfigureAwait(false))
        {
            if (upload.Initiated >= startedBefore) continue;
            await AbortMultipartAsync(upload.ObjectName, upload.UploadId).ConfigureAwait(false);
            removed.Add(upload.ObjectName);
        }
        return removed;
    }

    public void Dispose() => Objects.Dispose();
}
