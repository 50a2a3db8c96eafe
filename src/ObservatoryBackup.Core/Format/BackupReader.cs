using System.Runtime.ExceptionServices;
using ObservatoryBackup.Compress;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Encryption;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Store;
using ObservatoryBackup.Streams;

namespace ObservatoryBackup.Format;

/// <summary>
/// The one way to read a backup object, unwrapped as it streams, as its name says it was made
/// (<see cref="BackupLayout"/>): the object's bytes (counted, against the size the store lists) → age
/// decryption when encrypted (each chunk authenticated before any of it passes) → the compressed bytes
/// (their last eight kept: <see cref="TrailerCapture"/>) → the SQL, read once as events (<see cref="Dump"/>).
/// Says what a failure while reading means (<see cref="Explain"/>) and gives the stream's verdict
/// (<see cref="VerdictAsync"/>): a damaged or altered backup is <c>BackupCorrupt</c>, a crafted one <c>BackupUnsafe</c>.
/// </summary>
public sealed class BackupReader : IAsyncDisposable
{
    private readonly CountingStream _object;
    private readonly AgeDecryptingStream? _age;

    /// <param name="backup">The object, read from where it stands to its end.</param>
    /// <param name="identities">The age identities for an encrypted backup; null when none were configured.</param>
    /// <param name="activity">Names the step in progress reports.</param>
    /// <param name="size">The object's size, for progress.</param>
    public BackupReader(Stream backup, string objectName, IReadOnlyList<AgeIdentity>? identities,
        Action<TransferProgress>? progress = null, string activity = "", long? size = null)
    {
        ObjectName = objectName;
        var layout = BackupLayout.Of(objectName);
        Codec = layout.Codec;
        _object = new CountingStream(backup, progress, activity, size);
        if (layout.Encrypted)
            _age = new AgeDecryptingStream(_object, identities ?? throw IdentityNeeded(objectName), leaveOpen: true);
        Compressed = new TrailerCapture(_age ?? (Stream)_object);
        Sql = Codecs.Decompressor(Codec, Compressed);
        Dump = new DumpReading(Sql, objectName);
    }

    /// <summary>A reader for a load: its progress names the decompressor and psql.</summary>
    public static BackupReader ForLoad(Stream backup, long size, string objectName, IReadOnlyList<AgeIdentity>? identities, Action<TransferProgress>? progress) =>
        new(backup, objectName, identities, progress, Codecs.Decompressing(BackupLayout.Of(objectName).Codec) + " | psql", size);

    /// <summary>
    /// Logs <c>download_start</c>, naming the library that decompresses <paramref name="stored"/>, and warns
    /// <c>codec_fallback</c> where that is zlib-ng for a refused ISA-L (<see cref="Codecs.WarnFallback"/>).
    /// </summary>
    public static void LogDownloadStart(EventLog log, StoredBackup stored)
    {
        var codec = BackupLayout.Of(stored.ObjectName).Codec;
        log.Info("download_start", ("object_name", stored.ObjectName), ("size", stored.Size), ("codec_implementation", Codecs.Implementation(codec)));
        Codecs.WarnFallback(log, codec);
    }

    public string ObjectName { get; }
    public BackupCodec Codec { get; }
    public bool Encrypted => _age is not null;

    /// <summary>The compressed bytes (decrypted where the backup is encrypted), counted, their last eight kept.</summary>
    internal TrailerCapture Compressed { get; }

    /// <summary>The backup's SQL as bytes.</summary>
    private Stream Sql { get; }

    /// <summary>The backup's SQL, read once as checked events.</summary>
    public DumpReading Dump { get; }

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
    /// Reads what nobody read of the SQL (every event checked), then the object to its end (a backup is
    /// exactly one gzip member or zstd frame, and one age file): a verification pass, or what a load
    /// that stopped early left. A damaged stream is <c>BackupCorrupt</c>.
    /// </summary>
    public async Task ReadRestAsync(CancellationToken ct)
    {
        try
        {
            await Dump.ReadToEndAsync(ct).ConfigureAwait(false);
            await Compressed.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsDamaged(ex) || ex is AgeException)
        {
            throw Explain(ex);
        }
    }

    /// <summary>
    /// Reads the SQL to its end without parsing it, keeping its last line: the manifest it holds, unproven
    /// (null for a backup without one). A damaged stream is <c>BackupCorrupt</c>.
    /// </summary>
    public async Task<DumpManifest?> ReadManifestAsync(CancellationToken ct)
    {
        var tail = new ManifestTail();
        var buffer = new byte[1 << 16];
        try
        {
            for (int n; (n = await Sql.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0;) tail.Add(buffer.AsSpan(0, n));
            // to the object's end, so that a signature's check sees every byte
            await Compressed.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsDamaged(ex) || ex is AgeException)
        {
            throw Explain(ex);
        }
        return tail.Manifest(out var why) is { } manifest ? manifest
            : why is null ? null : throw DumpCheck.Corrupt(ObjectName, $"its manifest line cannot be read: {why}");
    }

    /// <summary>Every check of the object read so far, against the size the store lists (a damaged backup is <c>BackupCorrupt</c> here).</summary>
    public DumpSummary Finish(long expectedSize) =>
        Dump.Check.Finish(ObjectBytes, expectedSize, Compressed.Bytes, Compressed.Trailer, Codec);

    /// <summary>
    /// What the stream was, once a load is done with it: the rest is read and every check made, so a
    /// damaged backup (<c>BackupCorrupt</c>) is told from a crafted one (<c>BackupUnsafe</c>), whichever
    /// line the load stopped at. <paramref name="readFailure"/> is what stopped the load's reading, if anything.
    /// </summary>
    /// <returns>What the backup carried, proven against <paramref name="expectedSize"/>, when nothing refused any of it.</returns>
    public async Task<DumpSummary> VerdictAsync(Exception? readFailure, long expectedSize, CancellationToken ct)
    {
        // a refused line leaves the stream readable; a failed read does not, and explains itself
        if (readFailure is not null and not BackupDataException { ErrorId: ErrorIds.BackupUnsafe }) throw Explain(readFailure);
        await ReadRestAsync(ct).ConfigureAwait(false);
        var summary = Finish(expectedSize);
        // whole and undamaged, yet refused (by the dump check or by whoever read it, the gate): crafted
        if (readFailure is not null) ExceptionDispatchInfo.Throw(readFailure);
        return summary;
    }

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
            await using var reader = new BackupReader(stream, stored.ObjectName, identities);
            await reader.OpenAsync(token).ConfigureAwait(false);
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
