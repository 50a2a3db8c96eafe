using System.Buffers;
using System.Security.Cryptography;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Store;

/// <summary>
/// Uploads a stream of unknown length, reading the next part while the current one is sent.
/// <list type="bullet">
/// <item>A stream that fits in one part is one conditional PutObject (If-None-Match: *).</item>
/// <item>Otherwise a multipart upload with two part buffers, reused; part sizes grow with the data
/// (<see cref="PartSizes"/>); each part is retried from memory.</item>
/// <item>It completes only after the stream has ended normally (a stream that throws, such as a
/// failed dump, aborts the upload), and only when the name is still free: checked just before, and
/// sent as If-None-Match on stores that honour it.</item>
/// <item>On any failure it aborts its own upload, and nothing else.</item>
/// </list>
/// </summary>
internal sealed class StreamingUpload(BackupStore store, string objectName, string contentType)
{
    // First-size part buffers outlive one upload: a pwsh session that backs up again reuses them instead
    // of leaving 16 MiB of large-object garbage per backup until the next full collection. Larger parts
    // (past 6 GiB compressed) are not kept: the pool takes arrays up to the first part's size only.
    private static readonly ArrayPool<byte> PartBuffers = ArrayPool<byte>.Create(PartSizes.FirstPartSize, maxArraysPerBucket: 4);

    private readonly List<byte[]> _rented = [];

    public async Task<long> RunAsync(Stream content, CancellationToken ct)
    {
        try
        {
            return await UploadAsync(content, ct).ConfigureAwait(false);
        }
        finally
        {
            // no send is in flight by now: the loop awaits each, and a failure awaits the one under way
            foreach (var buffer in _rented) PartBuffers.Return(buffer);
        }
    }

    private async Task<long> UploadAsync(Stream content, CancellationToken ct)
    {
        var current = Rent(store.Parts.SizeOf(1));
        var length = await FillAsync(content, current, ct).ConfigureAwait(false);
        if (length < current.Length)
        {
            await store.Objects.PutIfAbsentAsync(objectName, current.AsMemory(0, length), contentType, ct).ConfigureAwait(false);
            return length;
        }

        // Not cancelled halfway: the store may create the upload and the answer with its id be lost,
        // leaving nothing to abort. It is one short request, bounded by the idle timeout.
        var uploadId = await store.Objects.InitiateMultipartAsync(objectName, contentType, CancellationToken.None).ConfigureAwait(false);
        Task<string>? sending = null;
        try
        {
            ct.ThrowIfCancellationRequested();
            var parts = new List<UploadedPart>();
            byte[]? spare = null;
            long total = 0;
            for (var partNumber = 1; ; partNumber++)
            {
                sending = store.Objects.UploadPartAsync(objectName, uploadId, partNumber, current.AsMemory(0, length), ct);
                var (next, nextLength) = length < current.Length || partNumber == store.Parts.MaxParts
                    ? (spare, 0)
                    : await ReadNextAsync(content, spare, partNumber + 1, ct).ConfigureAwait(false);
                parts.Add(new UploadedPart(partNumber, await sending.ConfigureAwait(false)));
                total += length;
                if (nextLength == 0)
                {
                    if (partNumber == store.Parts.MaxParts && await content.ReadAsync(new byte[1], ct).ConfigureAwait(false) > 0)
                        throw new StorageException(ObsErrorKind.OperationFailed, ErrorIds.BackupTooLarge,
                            $"The backup is larger than an S3 object can be ({store.Parts.MaxObjectSize:N0} bytes in {store.Parts.MaxParts:N0} parts).", objectName);
                    break;
                }
                (spare, current, length) = (current, next!, nextLength);
            }

            // likewise whole or not at all: a completion cut off halfway may still have made the object
            await CompleteAsync(uploadId, parts, CancellationToken.None).ConfigureAwait(false);
            return total;
        }
        catch
        {
            // a part still being sent would land after the abort and keep the upload alive on some stores
            if (sending is not null) await Task.WhenAny(sending).ConfigureAwait(false);
            await store.AbortMultipartAsync(objectName, uploadId).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A buffer of exactly <paramref name="size"/> bytes (part sizes are powers of two, as the pool's arrays are), given back when the upload ends.</summary>
    private byte[] Rent(int size)
    {
        var buffer = size <= PartSizes.FirstPartSize ? PartBuffers.Rent(size) : new byte[size];
        if (buffer.Length != size) throw new InvalidOperationException($"A part buffer of {buffer.Length:N0} bytes was given for a part of {size:N0}.");
        _rented.Add(buffer);
        return buffer;
    }

    /// <summary>Reads part <paramref name="partNumber"/> into <paramref name="buffer"/>, replaced by a bigger one when parts grow.</summary>
    private async Task<(byte[] Buffer, int Length)> ReadNextAsync(Stream content, byte[]? buffer, int partNumber, CancellationToken ct)
    {
        var size = store.Parts.SizeOf(partNumber);
        if (buffer is null || buffer.Length != size) buffer = Rent(size);
        return (buffer, await FillAsync(content, buffer, ct).ConfigureAwait(false));
    }

    private async Task CompleteAsync(string uploadId, List<UploadedPart> parts, CancellationToken ct)
    {
        // Stores that ignore If-None-Match on completion (radosgw before Squid) are still checked here.
        if (await store.Objects.StatAsync(objectName, ct).ConfigureAwait(false) is not null)
            throw StorageErrors.AlreadyExists(store.Settings, objectName);
        try
        {
            await store.Objects.CompleteMultipartAsync(objectName, uploadId, parts, ct).ConfigureAwait(false);
        }
        catch (BackupDataException ex) when (ex.ErrorId == ErrorIds.BackupNotFound)
        {
            // NoSuchUpload: a completion whose response was lost and then retried. The object is ours
            // if its ETag is the multipart ETag of exactly these parts.
            var stored = await store.Objects.StatAsync(objectName, ct).ConfigureAwait(false);
            if (stored?.ETag is not { } etag || !string.Equals(etag.Trim('"'), MultipartETag(parts), StringComparison.OrdinalIgnoreCase))
                throw;
        }
    }

    /// <summary>S3's ETag of a completed multipart upload: MD5 of the parts' binary MD5s, then "-" and the part count.</summary>
    internal static string MultipartETag(IReadOnlyList<UploadedPart> parts)
    {
        var digests = parts.OrderBy(p => p.PartNumber).SelectMany(p => Convert.FromHexString(p.ETag.Trim('"'))).ToArray();
        return $"{Convert.ToHexStringLower(MD5.HashData(digests))}-{parts.Count}";
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
    private static async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken ct)
    {
        var filled = 0;
        int n;
        while (filled < buffer.Length && (n = await content.ReadAsync(buffer.AsMemory(filled), ct).ConfigureAwait(false)) > 0)
            filled += n;
        return filled;
    }
}
