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
    /// <summary>The trusted comment minisign writes (the file name in it is informational only: it is the object's last segment).</summary>
    public static string TrustedComment(string objectName, DateTimeOffset signedAt) =>
        MinisignSigner.DefaultTrustedComment(signedAt, objectName[(objectName.LastIndexOf('/') + 1)..]);

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
        log.Info("signature_found", ("object_name", stored.ObjectName), ("key_id", signature.KeyId.ToString()));
        return stored with { ContentCheck = () => new Check(signature, trustedKeys, stored.ObjectName, trusted, log) };
    }

    /// <summary>
    /// Reads <paramref name="stored"/> whole once, only to prove its signature (a pass whose bytes go
    /// nowhere), from the object with the ETag it was stat'ed with: a staged restore makes it before it
    /// streams the same object, pinned to the same ETag and proven again, into psql.
    /// </summary>
    public static Task VerifyPassAsync(BackupStore store, StoredBackup stored, Action<TransferProgress>? progress, EventLog log, CancellationToken ct)
    {
        if (stored.ContentCheck is null) return Task.CompletedTask;
        log.Info("signature_pass_start", ("object_name", stored.ObjectName), ("size", stored.Size), ("etag", stored.ETag));
        return store.ReadAsync(stored, progress, static async (body, token) =>
        {
            await body.CopyToAsync(Stream.Null, 1 << 20, token).ConfigureAwait(false);
            return true;
        }, ct);
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
