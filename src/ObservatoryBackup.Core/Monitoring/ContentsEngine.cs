using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Format;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Monitoring;

/// <summary>
/// What a backup carries, as <c>pg_restore -l</c> shows a dump's contents: its tables and their rows.
/// They are in the manifest, the last line of its SQL, and a compressed stream has no index: the whole
/// object is read (decrypted and decompressed, not parsed) to reach it, and its signature, when keys are
/// trusted, is checked on the way. That lists what the manifest says. Verified, the object is read as a
/// restore reads it (<see cref="BackupVerifier"/>): every table's COPY block counted, the manifest proven
/// against them and the SQL's SHA-256, so a manifest that lies fails (<c>BackupCorrupt</c>).
/// </summary>
public sealed class ContentsEngine(TestOptions options, IBackupLog sink, TimeProvider? clock = null)
{
    /// <summary>Makes the object store; null for the S3 server of the settings (tests give an in-memory one).</summary>
    public ObjectStoreFactory? OpenStore { get; init; }

    private readonly EventLog _log = new(sink, clock ?? TimeProvider.System);

    public async Task<BackupContents> RunAsync(string objectName, bool verify, CancellationToken ct)
    {
        var settings = options.Settings;
        BackupKey.ValidateForRestore(objectName, settings.Storage.Prefix);
        using var store = BackupStore.Open(settings.Storage, _log, OpenStore);
        var stored = await BackupSignature.CheckAsync(store, await store.RequireAsync(objectName, ct).ConfigureAwait(false), options.TrustedKeys, _log, ct).ConfigureAwait(false);
        await BackupReader.CheckIdentityAsync(store, stored, settings.Identities, ct).ConfigureAwait(false);
        if (verify)
        {
            var summary = await BackupVerifier.VerifyStoredAsync(store, stored, settings.Identities, sink.Progress, _log, ct).ConfigureAwait(false);
            return Contents(stored, summary.RowsPerTable, verified: true) with { HasManifest = summary.Manifest is not null, SqlSize = summary.SqlSize };
        }
        BackupReader.LogDownloadStart(_log, stored);
        var manifest = await store.ReadAsync(stored, sink.Progress, async (stream, token) =>
        {
            await using var reader = new BackupReader(stream, stored.ObjectName, settings.Identities, size: stored.Size);
            await reader.OpenAsync(token).ConfigureAwait(false);
            return await reader.ReadManifestAsync(token).ConfigureAwait(false);
        }, ct).ConfigureAwait(false)
            ?? throw new BackupDataException(ObsErrorKind.NotFound, ErrorIds.NotInBackup, objectName,
                $"Backup '{objectName}' has no manifest (it was not written by a backup of this tool); a verifying read counts its tables' rows in its SQL.");
        return Contents(stored, manifest.RowsPerTable, verified: false) with { HasManifest = true, SqlSize = manifest.SqlBytes };
    }

    private BackupContents Contents(StoredBackup stored, IReadOnlyDictionary<string, long> rows, bool verified) =>
        new(stored.ObjectName, options.Settings.Storage.Bucket,
            [.. rows.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new BackupTableRows(stored.ObjectName, t.Key, t.Value, verified))], verified);
}
