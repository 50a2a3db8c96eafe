using ObservatoryBackup.Compress;
using ObservatoryBackup.Encryption;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Signing;

namespace ObservatoryBackup.Format;

/// <summary>
/// Writes a backup object as <see cref="BackupLayout"/> says: the dump's SQL, then the manifest line of
/// what it carried (<see cref="DumpManifest"/>, which <see cref="DumpCheck"/> proves on the way back) →
/// the codec → age to the recipients when encrypted → <see cref="Output"/>, read by the uploader. The
/// output ends only after the dump has returned: a failed dump makes the reader throw instead.
/// With a <see cref="SigningKey"/>, the object's bytes are signed as the uploader reads them
/// (<see cref="Sign"/>: the <see cref="BackupSignature"/> object beside it).
/// </summary>
public sealed class BackupWriter
{
    private readonly CompressionPipe _pipe;
    private MinisignSigner? _signer;
    private Stream? _output;

    /// <param name="dump">Writes the SQL into the stream it is given and returns what it carried; throws to fail the object.</param>
    /// <param name="producer">What writes the SQL, for progress (<c>pg_dump</c>).</param>
    /// <param name="recipients">The age recipients of an encrypted layout.</param>
    public BackupWriter(Func<Stream, CancellationToken, Task<DumpManifest>> dump, BackupLayout layout, int level, string producer,
        IReadOnlyList<AgeRecipient> recipients, Action<TransferProgress>? progress, CancellationToken ct)
    {
        Layout = layout;
        _pipe = new CompressionPipe(async (sql, token) =>
            {
                var manifest = await dump(sql, token).ConfigureAwait(false);
                await sql.WriteAsync(manifest.ToLine(), token).ConfigureAwait(false);
                Manifest = manifest;
            }, layout.Codec, level, layout.Pipeline(producer), progress, ct,
            layout.Encrypted ? compressed => new AgeEncryptingStream(compressed, recipients, leaveOpen: true) : null);
    }

    public BackupLayout Layout { get; }

    /// <summary>The key the object is signed with as it is read; null: not signed. Set before <see cref="Output"/> is read.</summary>
    public MinisignSecretKey? SigningKey { get; init; }

    /// <summary>The object's bytes; reading fails with the dump's exception if it fails.</summary>
    public Stream Output => _output ??= SigningKey is { } key ? new SigningReadStream(_pipe.Output, _signer = new MinisignSigner(key)) : _pipe.Output;

    /// <summary>
    /// The object's signature file (minisign's <c>.minisig</c>), once all of <see cref="Output"/> was read
    /// and the object stored as <paramref name="objectName"/>; null when not signed.
    /// </summary>
    public byte[]? Sign(string objectName, DateTimeOffset signedAt) =>
        _signer?.Finish(BackupSignature.TrustedComment(objectName, signedAt), "signature from obs-backup, minisign secret key " + SigningKey!.KeyId).Format();

    /// <summary>Completes when the dump has returned and all of the object is in <see cref="Output"/>.</summary>
    public Task Completion => _pipe.Completion;

    /// <summary>The manifest written, once complete.</summary>
    public DumpManifest? Manifest { get; private set; }

    /// <summary>Bytes of SQL written (the dump's and the manifest line), once complete.</summary>
    public long SqlBytes => _pipe.UncompressedBytes;

    /// <summary>Stops feeding the output, e.g. after the upload failed, so the dump is not left blocked.</summary>
    public void Abandon() => _pipe.Abandon();
}
