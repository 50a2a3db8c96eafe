using ObservatoryBackup.Configuration;
using ObservatoryBackup.Encryption;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Store;
using ObservatoryBackup.Testing;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

/// <summary>
/// Backups encrypted with age, against the real PostgreSQL, radosgw and Debian's age 1.1.1: both ways
/// interoperable (age -d | gunzip | psql restores ours; pg_dump | gzip | age restores through ours), a
/// changed byte fails before the target changes, and a missing or wrong key fails before anything starts.
/// </summary>
public class EncryptionTests(Servers servers) : IntegrationTest(servers), IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("obs-age-it-").FullName;
    private readonly AgeIdentity _identity = AgeIdentity.Generate();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string KeyFile()
    {
        var path = Path.Combine(_dir, "key.txt");
        if (!File.Exists(path)) AgeIdentityFile.Write(path, _identity, DateTimeOffset.UtcNow, overwrite: false);
        return path;
    }

    private ObsSettings Encrypting(string db, string bucket) => SettingsFor(db, bucket) with { Recipients = [_identity.Recipient] };
    private ObsSettings Decrypting(string db, string bucket) => SettingsFor(db, bucket) with { Identities = [_identity] };

    private string LibpqUrl(string db) => Pg.Url(db).Replace("postgresql+asyncpg://", "postgresql://", StringComparison.Ordinal);

    private Task<string> BashAsync(string script) => Shell.RunAsync("bash", ["-c", "set -euo pipefail; " + script], timeout: TimeSpan.FromMinutes(2));

    [Fact]
    public async Task An_encrypted_backup_is_named_age_restores_through_ours_and_through_age_gunzip_psql()
    {
        var (db, bucket) = (Servers.UniqueName("age"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 3000);
        var digest = await Pg.ContentDigestAsync(db);

        var backup = await BackupAsync(Encrypting(db, bucket));

        Assert.EndsWith(".sql.gz.age", backup.ObjectName);
        var bytes = await S3.GetAsync(bucket, backup.ObjectName);
        Assert.StartsWith("age-encryption.org/v1\n", System.Text.Encoding.ASCII.GetString(bytes, 0, 22));
        var listed = Assert.Single(await new BackupCatalog(S3.Settings(bucket), new Logging.EventLog(new RecordingLog(), TimeProvider.System)).ListAsync(new BackupQuery(), default));
        Assert.True(listed.Encrypted);

        // the reference tools alone restore it
        var file = Path.Combine(_dir, "backup.sql.gz.age");
        await File.WriteAllBytesAsync(file, bytes);
        var byAge = Servers.UniqueName("age-by-cli");
        await Pg.CreateDatabaseAsync(byAge);
        await BashAsync($"age -d -i '{KeyFile()}' '{file}' | gunzip | {PostgresServer.BinDir}/psql -q -v ON_ERROR_STOP=1 '{LibpqUrl(byAge)}' >/dev/null");
        Assert.Equal(digest, await Pg.ContentDigestAsync(byAge));

        foreach (var mode in new[] { RestoreMode.Staged, RestoreMode.InPlace })
        {
            var target = Servers.UniqueName("age-restored");
            await RestoreAsync(Decrypting(target, bucket), backup.ObjectName, mode);
            Assert.Equal(digest, await Pg.ContentDigestAsync(target));
        }
        var tested = await new BackupTestEngine(new TestOptions(Decrypting(db, bucket)), new RecordingLog()).RunAsync(backup.ObjectName, verifyOnly: true, keep: false, default);
        Assert.True(tested.Passed);
    }

    [Fact]
    public async Task A_backup_made_by_pg_dump_gzip_and_age_restores_through_ours()
    {
        var (db, bucket) = (Servers.UniqueName("age-cli"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 800);
        var digest = await Pg.ContentDigestAsync(db);
        var file = Path.Combine(_dir, "cli.sql.gz.age");
        await BashAsync($"{PostgresServer.BinDir}/pg_dump '{LibpqUrl(db)}' | gzip | age -r {_identity.Recipient} > '{file}'");
        var name = $"postgres/2026/03/01/{db}_20260301_020000.sql.gz.age";
        await S3.PutAsync(bucket, name, await File.ReadAllBytesAsync(file));

        var target = Servers.UniqueName("age-cli-restored");
        await RestoreAsync(Decrypting(target, bucket), name);

        Assert.Equal(digest, await Pg.ContentDigestAsync(target));
    }

    [Fact]
    public async Task A_changed_byte_in_an_encrypted_backup_fails_the_restore_and_the_target_is_untouched()
    {
        var (db, bucket) = (Servers.UniqueName("age-bad"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 5000);
        var whole = await S3.GetAsync(bucket, (await BackupAsync(Encrypting(db, bucket) with { Compression = BackupCodec.Zstd })).ObjectName);
        var changed = (byte[])whole.Clone();
        changed[whole.Length / 2] ^= 0x01;
        var name = $"postgres/2026/03/02/{db}_20260302_000000.sql.zst.age";
        await S3.PutAsync(bucket, name, changed);
        var digest = await Pg.ContentDigestAsync(db);

        foreach (var mode in new[] { RestoreMode.Staged, RestoreMode.InPlace })
        {
            var ex = await Assert.ThrowsAsync<BackupDataException>(() => RestoreAsync(Decrypting(db, bucket), name, mode));
            Assert.Equal(ErrorIds.BackupCorrupt, ex.ErrorId);
            Assert.Contains("does not authenticate", ex.Message);
            Assert.Equal(digest, await Pg.ContentDigestAsync(db));
        }
        var verify = await Assert.ThrowsAsync<BackupDataException>(() =>
            new BackupTestEngine(new TestOptions(Decrypting(db, bucket)), new RecordingLog()).RunAsync(name, verifyOnly: true, keep: false, default));
        Assert.Equal(ErrorIds.BackupCorrupt, verify.ErrorId);
    }

    [Fact]
    public async Task A_missing_or_wrong_identity_fails_before_anything_starts_naming_the_recipients()
    {
        var (db, bucket) = (Servers.UniqueName("age-key"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 100);
        var other = AgeIdentity.Generate();
        var name = (await BackupAsync(SettingsFor(db, bucket) with { Recipients = [_identity.Recipient, other.Recipient] })).ObjectName;
        var digest = await Pg.ContentDigestAsync(db);

        var log = new RecordingLog();
        var missing = await Assert.ThrowsAsync<ConfigurationException>(() => RestoreAsync(SettingsFor(db, bucket), name, log: log));
        Assert.Equal((Setting.IdentityFile, ErrorIds.MissingConfiguration), (missing.Setting, missing.ErrorId));
        Assert.DoesNotContain("create_database", log.Names);

        var wrong = AgeIdentity.Generate();
        log = new RecordingLog();
        var mismatch = await Assert.ThrowsAsync<BackupDataException>(() => RestoreAsync(SettingsFor(db, bucket) with { Identities = [wrong] }, name, RestoreMode.InPlace, log));
        Assert.Equal(ErrorIds.BackupKeyMismatch, mismatch.ErrorId);
        Assert.Contains(_identity.Recipient.ToString(), mismatch.Message);
        Assert.Contains(other.Recipient.ToString(), mismatch.Message);
        Assert.DoesNotContain("download_start", log.Names);
        Assert.Equal(digest, await Pg.ContentDigestAsync(db));

        // either recipient's identity opens it
        await RestoreAsync(SettingsFor(db, bucket) with { Identities = [other] }, name);
        Assert.Equal(digest, await Pg.ContentDigestAsync(db));
    }
}
