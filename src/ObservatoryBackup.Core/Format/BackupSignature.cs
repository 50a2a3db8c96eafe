using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Signing;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Format;

/// <summary>
/// A backup's signature: the object <c>&lt;backup&gt;.minisig</c> beside it (<see cref="BackupKey.SignatureOf"/>),
/// a detached minisign signature (prehashed <c>ED</c>) of the backup object's exact bytes, as stored
/// (after compression and encryption), with minisign's own trusted comment, so that
/// <c>minisign -Vm &lt;downloaded object&gt; -p &lt;public key&gt;</c> verifies it with no tool of ours.
/// Written by <see cref="BackupWriter.Sign"/>; read here, before any byte of the backup is used.
/// </summary>
public static class BackupSignature
{
    /// <summary>
    /// The trusted comment minisign writes, naming the object's last path segment (<see cref="FileNameOf"/>):
    /// what <c>minisign -S</c> writes for the object downloaded under its own name, and what a restore
    /// requires, so that a signature holds only for the object it was made for.
    /// </summary>
    public static string TrustedComment(string objectName, DateTimeOffset signedAt) =>
        MinisignSigner.DefaultTrustedComment(signedAt, FileNameOf(objectName));

    /// <summary>The name a backup's signature must carry in its trusted comment (<c>file:</c>): the object name's last path segment.</summary>
    public static string FileNameOf(string objectName) => objectName[(objectName.LastIndexOf('/') + 1)..];

    /// <summary>
    /// Settles what can be settled of <paramref name="stored"/>'s signature before any of the backup is
    /// read, and gives the backup back with the check every later read of it goes through
    /// (<see cref="StoredBackup.ContentCheck"/>): with <paramref name="trustedKeys"/>, a backup without a
    /// signature is <c>BackupNotSigned</c>, one whose signature is malformed, legacy, by a key not
    /// trusted or whose trusted comment was changed is <c>BackupSignatureInvalid</c> (naming the key
    /// ids); the bytes themselves are proven by each read (<c>BackupSignatureInvalid</c> when altered).
    /// Without trusted keys nothing is checked, and the log says whether the backup was signed
    /// (<c>signature_not_checked</c>, <c>signature</c>: <c>unsigned</c> or <c>signed</c>).
    /// </summary>
    public static async Task<StoredBackup> CheckAsync(BackupStore store, StoredBackup stored, IReadOnlyList<MinisignPublicKey> trustedKeys, EventLog log, CancellationToken ct)
    {
        var name = BackupKey.SignatureOf(stored.ObjectName);
        if (trustedKeys.Count == 0)
        {
            var signed = await store.StatAsync(name, ct).ConfigureAwait(false) is not null;
            log.Info("signature_not_checked", ("object_name", stored.ObjectName), ("signature", signed ? "signed" : "unsigned"), ("reason", "no trusted keys are configured"));
            return stored;
        }
        var trusted = string.Join(", ", trustedKeys.Select(k => k.KeyId.ToString()).Distinct());
        var bytes = await ReadSignatureAsync(store, name, ct).ConfigureAwait(false)
            ?? throw new BackupDataException(ObsErrorKind.PermissionDenied, ErrorIds.BackupNotSigned, stored.ObjectName,
                $"Backup '{stored.ObjectName}' is not signed (there is no {name}), and only backups signed by a trusted key are restored (trusted: {trusted}). Nothing was changed.");
        MinisignSignature signature;
        try
        {
            signature = MinisignSignature.Parse(bytes);
            _ = new MinisignVerifier(signature, trustedKeys);
        }
        catch (MinisignException ex)
        {
            throw Invalid(stored.ObjectName, ex, trusted);
        }
        RequireSignedFor(stored.ObjectName, signature);
        log.Info("signature_found", ("object_name", stored.ObjectName), ("key_id", signature.KeyId.ToString()));
        return stored with { ContentCheck = () => new Check(signature, trustedKeys, stored.ObjectName, trusted, log) };
    }

    /// <summary>
    /// Reads <paramref name="stored"/> whole once, only to prove its signature, from the object with the
    /// ETag it was stat'ed with, recording the digest of each chunk of the bytes proven in
    /// <paramref name="chunks"/>; gives the backup back with a check that proves every later read of it
    /// chunk by chunk against them (and against the signature at its end). A staged restore makes it
    /// before it streams the object into psql, so that no byte psql is given is one that was not proven,
    /// whatever the store sends under the same ETag.
    /// </summary>
    internal static async Task<StoredBackup> VerifyPassAsync(BackupStore store, StoredBackup stored, ChunkDigests chunks, Action<TransferProgress>? progress, EventLog log, CancellationToken ct)
    {
        if (stored.ContentCheck is not { } signature) return stored;
        store.RequirePinned(stored);
        log.Info("signature_pass_start", ("object_name", stored.ObjectName), ("size", stored.Size), ("etag", stored.ETag));
        await store.ReadAsync(stored, progress, async (body, token) =>
        {
            await chunks.RecordAsync(body, token).ConfigureAwait(false);
            return true;
        }, ct).ConfigureAwait(false);
        return stored with { ContentCheck = () => chunks.Check(signature(), stored.ObjectName) };
    }

    /// <summary>
    /// The signature covers the bytes only: its trusted comment (proven by the global signature) names
    /// the file it was made for, and it must be this object's, or a genuine backup copied under another
    /// name (an old one under a newer time, one database's under another's, a database's as globals)
    /// would restore.
    /// </summary>
    private static void RequireSignedFor(string objectName, MinisignSignature signature)
    {
        var expected = FileNameOf(objectName);
        var named = signature.TrustedComment.Split('\t').Where(f => f.StartsWith("file:", StringComparison.Ordinal)).Select(f => f["file:".Length..]).ToList();
        if (named is [var file] && string.Equals(file, expected, StringComparison.Ordinal)) return;
        var what = named.Count == 0 ? "names no file (no file: in its trusted comment)" : $"was made for '{string.Join("', '", named)}'";
        throw new BackupDataException(ObsErrorKind.InvalidData, ErrorIds.BackupSignatureInvalid, objectName,
            $"The signature of backup '{objectName}' by key {signature.KeyId} {what}, not for '{expected}': a backup renamed or copied " +
            "in the bucket is refused (the trusted comment must name the object's file, as minisign -S writes it). Nothing was changed.");
    }

    /// <summary>The signature object's bytes, at most as long as a signature can be; null when there is none.</summary>
    private static async Task<byte[]?> ReadSignatureAsync(BackupStore store, string name, CancellationToken ct)
    {
        if (await store.StatAsync(name, ct).ConfigureAwait(false) is not { } found) return null;
        return await store.ReadAsync(found, null, static async (body, token) =>
        {
            var buffer = new MemoryStream();
            var chunk = new byte[4096];
            int n;
            while ((n = await body.ReadAsync(chunk, token).ConfigureAwait(false)) > 0)
            {
                // a signature object larger than any signature is refused by Parse: read no more of it
                if (buffer.Length + n > MinisignSignature.MaxFileLength + 1) break;
                buffer.Write(chunk, 0, n);
            }
            return buffer.ToArray();
        }, ct).ConfigureAwait(false);
    }

    private static BackupDataException Invalid(string objectName, MinisignException ex, string trusted) =>
        new(ex.Failure == MinisignFailure.KeyMismatch ? ObsErrorKind.PermissionDenied : ObsErrorKind.InvalidData, ErrorIds.BackupSignatureInvalid, objectName,
            $"The signature of backup '{objectName}' does not hold: {ex.Message}{(ex.Failure == MinisignFailure.KeyMismatch ? "" : $" (trusted: {trusted})")}. " +
            "Only backups signed by a trusted key are restored; nothing was changed.", ex);

    /// <summary>One pass over the backup's bytes against its signature.</summary>
    private sealed class Check(MinisignSignature signature, IReadOnlyList<MinisignPublicKey> trustedKeys, string objectName, string trusted, EventLog log) : IContentCheck
    {
        private readonly MinisignVerifier _verifier = new(signature, trustedKeys);

        public void Append(ReadOnlySpan<byte> data) => _verifier.Append(data);

        public void Finish()
        {
            try
            {
                var verified = _verifier.Verify();
                log.Info("signature_verified", ("object_name", objectName), ("key_id", verified.Key.KeyId.ToString()), ("bytes", verified.Length));
            }
            catch (MinisignException ex)
            {
                throw Invalid(objectName, ex, trusted);
            }
        }
    }
}
