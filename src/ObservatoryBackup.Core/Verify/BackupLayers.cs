using ObservatoryBackup.Compress;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Encryption;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Store;
using ObservatoryBackup.Streams;

namespace ObservatoryBackup.Verify;

/// <summary>
/// A backup object unwrapped as it streams, as its name says it was made: the object's bytes (counted,
/// against the size the store lists) → age decryption when it ends in .age (each chunk authenticated
/// before any of it passes) → the compressed bytes (their last eight kept: the gzip trailer) → the SQL.
/// Tells what a failure while reading means: a damaged or altered backup is <c>BackupCorrupt</c>.
/// </summary>
public sealed class BackupLayers : IAsyncDisposable
{
    private readonly CountingStream _object;
    private readonly AgeDecryptingStream? _age;

    /// <param name="backup">The object, read from where it stands to its end.</param>
    /// <param name="identities">The age identities for an encrypted backup; null when none were configured.</param>
    /// <param name="activity">Names the step in progress reports.</param>
    /// <param name="size">The object's size, for progress.</param>
    public BackupLayers(Stream backup, string objectName, IReadOnlyList<AgeIdentity>? identities,
        Action<TransferProgress>? progress = null, string activity = "", long? size = null)
    {
        ObjectName = objectName;
        Codec = BackupKey.CodecOf(objectName);
        _object = new CountingStream(backup, progress, activity, size);
        if (BackupKey.IsEncrypted(objectName))
            _age = new AgeDecryptingStream(_object, identities ?? throw IdentityNeeded(objectName), leaveOpen: true);
        Compressed = new BackupVerifier.TrailerCapture(_age ?? (Stream)_object);
        Sql = Codecs.Decompressor(Codec, Compressed);
    }

    public string ObjectName { get; }
    public BackupCodec Codec { get; }
    public bool Encrypted => _age is not null;

    /// <summary>The compressed bytes (decrypted where the backup is encrypted), counted, their last eight kept.</summary>
    internal BackupVerifier.TrailerCapture Compressed { get; }

    /// <summary>The backup's SQL.</summary>
    public Stream Sql { get; }

    /// <summary>Bytes of the object read so far.</summary>
    public long ObjectBytes => _object.Bytes;

    /// <summary>
    /// For an encrypted backup, reads its header now and finds the identity that opens it: a backup no
    /// identity opens fails here (<c>BackupKeyMismatch</c>), before any of it is loaded anywhere.
    /// </summary>
    public async Task OpenAsync(CancellationToken ct)
    {
        if (_age is null) return;
        try
        {
            await _age.ReadHeaderAsync(ct).ConfigureAwait(false);
        }
        catch (AgeException ex)
        {
            throw Explain(ex);
        }
    }

    /// <summary>
    /// Feeds the SQL not read yet into <paramref name="check"/>, then reads the object to its end: a
    /// verification pass, or what a load that stopped early left. A damaged stream is <c>BackupCorrupt</c>.
    /// </summary>
    public async Task FeedRestAsync(DumpCheck check, CancellationToken ct)
    {
        try
        {
            var buffer = new byte[1 << 16];
            int n;
            while ((n = await Sql.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0) check.Sql(buffer.AsSpan(0, n));
        }
        catch (Exception ex) when (IsDamaged(ex))
        {
            throw Explain(ex);
        }
        await ReadToEndAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Reads whatever follows the compressed stream (a backup is exactly one gzip member or zstd frame, and one age file).</summary>
    public async Task ReadToEndAsync(CancellationToken ct)
    {
        try
        {
            await Compressed.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsDamaged(ex) || ex is AgeException)
        {
            throw Explain(ex);
        }
    }

    /// <summary>Every check of the object read so far, against the size the store lists (a damaged backup is <c>BackupCorrupt</c> here).</summary>
    public DumpSummary Finish(DumpCheck check, long expectedSize) =>
        check.Finish(ObjectBytes, expectedSize, Compressed.Bytes, Compressed.Trailer, Codec);

    /// <summary>Whether <paramref name="ex"/>, thrown reading <see cref="Sql"/>, means the object is damaged or altered.</summary>
    public static bool IsDamaged(Exception ex) => Codecs.IsDamaged(ex) || ex is AgeException { Failure: AgeFailure.Header or AgeFailure.Payload };

    /// <summary>A failure while reading the backup, as the engine reports it: damaged, not ours to open, or itself.</summary>
    public Exception Explain(Exception failure) => failure switch
    {
        AgeException { Failure: AgeFailure.NoMatch } age => new BackupDataException(ObsErrorKind.PermissionDenied, ErrorIds.BackupKeyMismatch, ObjectName,
            $"Backup '{ObjectName}' is encrypted with age, and {age.Message}. Give the identity file of one of those recipients. Nothing was changed.", age),
        AgeException { Failure: AgeFailure.Unsupported } age => DumpCheck.Corrupt(ObjectName, $"its age encryption cannot be read here: {age.Message}", age),
        AgeException age => DumpCheck.Corrupt(ObjectName, $"{age.Message} (the encrypted object was changed or cut short)", age),
        _ when Codecs.IsDamaged(failure) => DumpCheck.NotAValidStream(ObjectName, Codec, failure),
        _ => failure,
    };

    /// <summary>
    /// For an encrypted backup, reads only the start of the object: no identity given, or none that
    /// opens it, fails here, before a run creates or changes anything.
    /// </summary>
    public static async Task CheckIdentityAsync(BackupStore store, StoredBackup stored, IReadOnlyList<AgeIdentity>? identities, CancellationToken ct)
    {
        if (!stored.Encrypted) return;
        if (identities is null) throw IdentityNeeded(stored.ObjectName);
        await store.ReadAsync(stored.ObjectName, stored.Size, null, async (stream, token) =>
        {
            await using var layers = new BackupLayers(stream, stored.ObjectName, identities);
            await layers.OpenAsync(token).ConfigureAwait(false);
            return true;
        }, ct).ConfigureAwait(false);
    }

    /// <summary>An encrypted backup, and no identity to open it.</summary>
    public static ConfigurationException IdentityNeeded(string objectName) =>
        new(Setting.IdentityFile, null,
            $"is needed: backup '{objectName}' is encrypted with age. Give the age identity file (also {SettingsResolver.AgeIdentityFileVariable}) that holds the private key of one of its recipients.",
            missing: true);

    /// <summary>Every byte was read: progress says done.</summary>
    public void Complete() => _object.Complete();

    public async ValueTask DisposeAsync()
    {
        await Sql.DisposeAsync().ConfigureAwait(false);
        if (_age is not null) await _age.DisposeAsync().ConfigureAwait(false);
    }
}
