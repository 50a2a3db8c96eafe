using System.Security.Cryptography;
using Amazon.S3.Model;
using ObservatoryBackup.Backup;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Retention;
using ObservatoryBackup.Signing;
using ObservatoryBackup.Testing;
using ObservatoryBackup.Tests.Fixtures;
using ObservatoryBackup.Tests.Integration;

namespace ObservatoryBackup.Tests.Signing;

/// <summary>
/// Signed backups against PostgreSQL and radosgw: a signed backup restores (staged, in place), tests
/// and verifies, with keys of Debian's minisign both ways; with trusted keys, an unsigned, otherwise
/// signed, altered or replaced backup is refused before psql runs, and the target is left as it was.
/// </summary>
public sealed class SignedRestoreTests(Servers servers) : IntegrationTest(servers)
{
    private static readonly MinisignSecretKey OtherKey = MinisignSecretKey.Generate();

    /// <summary>psql, recording in its directory that it ran (past --version).</summary>
    private static FakeTool RecordingPsql() =>
        new("psql", $"""touch "$(dirname "$0")/ran"; exec {PostgresServer.BinDir}/psql "$@" """);

    private static async Task<BackupResult> BackupAsync(ObsSettings settings, MinisignSecretKey? key, BackupKind kind = BackupKind.Database)
    {
        var engine = new BackupEngine(new BackupOptions(settings) { SigningKey = key, Kind = kind }, new RecordingLog());
        return await engine.ExecuteAsync(await engine.PlanAsync(default), default);
    }

    private static Task<RestoreResult> RestoreAsync(ObsSettings settings, string objectName, RestoreMode mode, MinisignPublicKey? trusted, RecordingLog? log = null, bool includeGlobals = false) =>
        new RestoreEngine(new RestoreOptions(settings) { TrustedKeys = trusted is null ? [] : [trusted], IncludeGlobals = includeGlobals }, log ?? new RecordingLog())
            .RunAsync(objectName, mode, default);

    private static Task<BackupTestResult> TestAsync(ObsSettings settings, string objectName, bool verifyOnly, MinisignPublicKey trusted) =>
        new BackupTestEngine(new TestOptions(settings) { TrustedKeys = [trusted] }, new RecordingLog()).RunAsync(objectName, verifyOnly, keep: false, default);

    /// <summary>A key pair made by Debian's minisign (-G -W: no password), as files in a directory of the test's.</summary>
    private static async Task<(string Secret, string Public)> MinisignKeyAsync(string dir)
    {
        var (secret, pub) = (Path.Combine(dir, "k.key"), Path.Combine(dir, "k.pub"));
        var made = await Minisign.RunAsync(["-G", "-W", "-s", secret, "-p", pub]);
        Assert.True(made.ExitCode == 0, made.Stderr);
        return (secret, pub);
    }

    [Fact]
    public async Task A_backup_signed_with_a_minisign_key_verifies_with_minisign_and_restores_staged_and_in_place_tests_and_verifies()
    {
        var (db, bucket) = (Servers.UniqueName("signed"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 200);
        var digest = await Pg.ContentDigestAsync(db);
        var dir = Directory.CreateTempSubdirectory("obs-sign-").FullName;
        try
        {
            var (secretFile, publicFile) = await MinisignKeyAsync(dir);
            var key = MinisignSecretKey.Parse(await File.ReadAllTextAsync(secretFile));
            var trusted = MinisignPublicKey.Parse(await File.ReadAllTextAsync(publicFile));
            var settings = SettingsFor(db, bucket);
            var backup = await BackupAsync(settings, key);

            Assert.Equal([backup.ObjectName, backup.ObjectName + ".minisig"], (await S3.ListAsync(bucket)).Order(StringComparer.Ordinal));
            // our signature, downloaded with its object, verifies with minisign itself
            var objectFile = Path.Combine(dir, Path.GetFileName(backup.ObjectName));
            await File.WriteAllBytesAsync(objectFile, await S3.GetAsync(bucket, backup.ObjectName));
            await File.WriteAllBytesAsync(objectFile + ".minisig", await S3.GetAsync(bucket, backup.ObjectName + ".minisig"));
            var checkedByMinisign = await Minisign.RunAsync(["-Vm", objectFile, "-p", publicFile]);
            Assert.True(checkedByMinisign.ExitCode == 0, checkedByMinisign.Stderr);
            Assert.Contains($"file:{Path.GetFileName(backup.ObjectName)}", checkedByMinisign.Stdout);

            await Pg.ExecuteAsync(db, "CREATE TABLE after_backup (x int)");
            var log = new RecordingLog();
            await RestoreAsync(settings, backup.ObjectName, RestoreMode.Staged, trusted, log);
            Assert.Equal(digest, await Pg.ContentDigestAsync(db));
            // the verifying pass, then the load pass pinned to its ETag, each proven
            Assert.Equal(2, log.Events.Count(e => e.Name == "signature_verified"));
            await Pg.ExecuteAsync(db, "CREATE TABLE after_backup (x int)");
            await RestoreAsync(settings, backup.ObjectName, RestoreMode.InPlace, trusted);
            Assert.Equal(digest, await Pg.ContentDigestAsync(db));
            Assert.True((await TestAsync(settings, backup.ObjectName, verifyOnly: false, trusted)).Passed);
            Assert.True((await TestAsync(settings, backup.ObjectName, verifyOnly: true, trusted)).Passed);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_backup_signed_by_minisign_itself_restores_through_ours()
    {
        var (db, bucket) = (Servers.UniqueName("bysign"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 50);
        var digest = await Pg.ContentDigestAsync(db);
        var dir = Directory.CreateTempSubdirectory("obs-sign-").FullName;
        try
        {
            var (secretFile, publicFile) = await MinisignKeyAsync(dir);
            var settings = SettingsFor(db, bucket);
            var backup = await BackupAsync(settings, key: null);
            // downloaded under the object's own file name, which minisign -S writes in the trusted comment
            var objectFile = Path.Combine(dir, Path.GetFileName(backup.ObjectName));
            await File.WriteAllBytesAsync(objectFile, await S3.GetAsync(bucket, backup.ObjectName));
            var signed = await Minisign.RunAsync(["-S", "-s", secretFile, "-m", objectFile]);
            Assert.True(signed.ExitCode == 0, signed.Stderr);
            await S3.PutAsync(bucket, backup.ObjectName + ".minisig", await File.ReadAllBytesAsync(objectFile + ".minisig"));

            await Pg.ExecuteAsync(db, "CREATE TABLE after_backup (x int)");
            await RestoreAsync(settings, backup.ObjectName, RestoreMode.Staged, MinisignPublicKey.Parse(await File.ReadAllTextAsync(publicFile)));

            Assert.Equal(digest, await Pg.ContentDigestAsync(db));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    public enum Forgery { Unsigned, OtherKey, OneByteAltered, SignatureDeleted, RenamedNewer }

    [Theory]
    [InlineData(Forgery.Unsigned, ErrorIds.BackupNotSigned)]
    [InlineData(Forgery.OtherKey, ErrorIds.BackupSignatureInvalid)]
    [InlineData(Forgery.OneByteAltered, ErrorIds.BackupSignatureInvalid)]
    [InlineData(Forgery.SignatureDeleted, ErrorIds.BackupNotSigned)]
    [InlineData(Forgery.RenamedNewer, ErrorIds.BackupSignatureInvalid)]
    public async Task With_trusted_keys_a_forged_backup_is_refused_in_every_path_before_psql_runs_and_the_target_is_untouched(Forgery forgery, string errorId)
    {
        var (db, bucket) = (Servers.UniqueName("forged"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 100);
        var key = MinisignSecretKey.Generate();
        var settings = SettingsFor(db, bucket);
        var backup = await BackupAsync(settings, forgery switch { Forgery.Unsigned => null, Forgery.OtherKey => OtherKey, _ => key });
        if (forgery == Forgery.OneByteAltered)
        {
            var data = await S3.GetAsync(bucket, backup.ObjectName);
            data[data.Length / 2] ^= 0x01;
            using var client = S3.Client();
            await client.DeleteObjectAsync(bucket, backup.ObjectName);
            await S3.PutAsync(bucket, backup.ObjectName, data);
        }
        if (forgery == Forgery.SignatureDeleted)
        {
            using var client = S3.Client();
            await client.DeleteObjectAsync(bucket, backup.ObjectName + ".minisig");
        }
        var target = backup.ObjectName;
        if (forgery == Forgery.RenamedNewer)
        {
            // the genuine object and its signature, copied under a newer time: what --latest would pick
            target = BackupKey.For(db, DateTimeOffset.UtcNow.AddDays(1));
            await S3.PutAsync(bucket, target, await S3.GetAsync(bucket, backup.ObjectName));
            await S3.PutAsync(bucket, target + ".minisig", await S3.GetAsync(bucket, backup.ObjectName + ".minisig"));
        }
        await Pg.ExecuteAsync(db, "CREATE TABLE after_backup (x int)");
        var digest = await Pg.ContentDigestAsync(db);
        var databases = await Pg.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_database");
        using var psql = RecordingPsql();
        var withPsql = settings with { PsqlPath = new ToolPath(psql.Path) };

        var failures = new List<BackupDataException>
        {
            await Assert.ThrowsAsync<BackupDataException>(() => RestoreAsync(withPsql, target, RestoreMode.Staged, key.PublicKey)),
            await Assert.ThrowsAsync<BackupDataException>(() => RestoreAsync(withPsql, target, RestoreMode.InPlace, key.PublicKey)),
            await Assert.ThrowsAsync<BackupDataException>(() => TestAsync(withPsql, target, verifyOnly: false, key.PublicKey)),
            await Assert.ThrowsAsync<BackupDataException>(() => TestAsync(withPsql, target, verifyOnly: true, key.PublicKey)),
        };

        Assert.All(failures, f => Assert.Equal(errorId, f.ErrorId));
        Assert.All(failures, f => Assert.Contains(key.KeyId.ToString(), f.Message));
        if (forgery == Forgery.OtherKey) Assert.All(failures, f => Assert.Contains(OtherKey.KeyId.ToString(), f.Message));
        Assert.False(File.Exists(psql.FileNamed("ran")), "psql ran for a forged backup");
        Assert.Equal(digest, await Pg.ContentDigestAsync(db));
        Assert.Equal(databases, await Pg.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_database"));
    }

    [Fact]
    public async Task A_backup_replaced_between_the_verifying_pass_and_the_load_fails_the_restore_and_leaves_the_target_as_it_was()
    {
        var (db, bucket) = (Servers.UniqueName("swapped"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 100);
        var key = MinisignSecretKey.Generate();
        var settings = SettingsFor(db, bucket);
        var backup = await BackupAsync(settings, key);
        // what an attacker puts in its place: a backup of something else (here: an empty database)
        var other = Servers.UniqueName("other");
        await Pg.CreateDatabaseAsync(other);
        var otherBackup = await BackupAsync(SettingsFor(other, bucket), key: null);
        var replacement = await S3.GetAsync(bucket, otherBackup.ObjectName);
        await Pg.ExecuteAsync(db, "CREATE TABLE after_backup (x int)");
        var digest = await Pg.ContentDigestAsync(db);
        var swapped = false;
        var log = new RecordingLog
        {
            OnEvent = e =>
            {
                if (e.Name != "signature_verified" || swapped) return;
                swapped = true;
                S3.PutAsync(bucket, backup.ObjectName, replacement).GetAwaiter().GetResult();
            },
        };

        var ex = await Assert.ThrowsAsync<BackupDataException>(() => RestoreAsync(settings, backup.ObjectName, RestoreMode.Staged, key.PublicKey, log));

        Assert.True(swapped);
        Assert.Equal(digest, await Pg.ContentDigestAsync(db));
        Assert.Equal(1, log.Events.Count(e => e.Name == "signature_verified"));
        Assert.DoesNotContain("rename_database", log.Names);
        Assert.Equal(ErrorIds.BackupSignatureInvalid, ex.ErrorId);
        Assert.Contains("replaced", ex.Message);
    }

    [Fact]
    public async Task With_trusted_keys_an_unsigned_globals_backup_is_refused_alone_and_with_a_database_and_no_role_is_created()
    {
        var (db, bucket) = (Servers.UniqueName("globals"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 20);
        var key = MinisignSecretKey.Generate();
        var role = Servers.UniqueName("signed_role");
        await Pg.ExecuteAsync("postgres", $"CREATE ROLE \"{role}\"");
        var settings = SettingsFor(db, bucket) with { PgDumpPath = new ToolPath($"{PostgresServer.BinDir}/pg_dump") };
        var globals = await BackupAsync(settings, key: null, BackupKind.Globals);
        var database = await BackupAsync(settings, key);
        await Pg.ExecuteAsync("postgres", $"DROP ROLE \"{role}\"");
        await Pg.ExecuteAsync(db, "CREATE TABLE after_backup (x int)");
        var digest = await Pg.ContentDigestAsync(db);
        using var psql = RecordingPsql();
        var withPsql = settings with { PsqlPath = new ToolPath(psql.Path) };

        var alone = await Assert.ThrowsAsync<BackupDataException>(() => RestoreAsync(withPsql, globals.ObjectName, RestoreMode.Staged, key.PublicKey));
        var withDatabase = await Assert.ThrowsAsync<BackupDataException>(() => RestoreAsync(withPsql, database.ObjectName, RestoreMode.Staged, key.PublicKey, includeGlobals: true));

        Assert.Equal((ErrorIds.BackupNotSigned, ErrorIds.BackupNotSigned), (alone.ErrorId, withDatabase.ErrorId));
        Assert.Equal(0L, await Pg.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_roles WHERE rolname = '{role}'"));
        Assert.False(File.Exists(psql.FileNamed("ran")));
        Assert.Equal(digest, await Pg.ContentDigestAsync(db));
    }

    [Fact]
    public async Task A_signature_that_cannot_be_stored_fails_the_backup_and_removes_its_object()
    {
        var db = Servers.UniqueName("nosig");
        await SampleDatabase.CreateAsync(Pg, db, rows: 20);
        var store = new MemoryObjectStore("nosig");
        store.Fault = (request, name) => request == "PutIfAbsent" && name!.EndsWith(".minisig", StringComparison.Ordinal)
            ? new StorageException(ObsErrorKind.PermissionDenied, ErrorIds.StorageError, "AccessDenied", name)
            : null;
        var log = new RecordingLog();
        var engine = new BackupEngine(new BackupOptions(SettingsFor(db, "nosig") with { Storage = store.Settings }) { SigningKey = MinisignSecretKey.Generate() }, log) { OpenStore = _ => store };
        var plan = await engine.PlanAsync(default);

        var ex = await Assert.ThrowsAsync<StorageException>(() => engine.ExecuteAsync(plan, default));

        Assert.Equal("AccessDenied", ex.Message);
        Assert.Empty(store.ObjectNames);
        Assert.Equal(plan.ObjectName, log.Single("removed_unsigned_backup")["object_name"]);
        Assert.Equal("failed", log.Events[^1]["status"]);
        Assert.DoesNotContain("backup_signed", log.Names);
    }

    [Fact]
    public async Task In_a_locked_bucket_the_signature_is_locked_as_long_as_its_backup()
    {
        var (db, bucket) = (Servers.UniqueName("siglock"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var settings = SettingsFor(db, bucket) with { Storage = S3.Settings(bucket) with { Lock = new ObjectLock(1, ObjectLockMode.Compliance) } };

        var backup = await BackupAsync(settings, MinisignSecretKey.Generate());

        using var client = S3.Client();
        var (head, signature) = (await client.GetObjectMetadataAsync(bucket, backup.ObjectName), await client.GetObjectMetadataAsync(bucket, backup.ObjectName + ".minisig"));
        Assert.Equal(Amazon.S3.ObjectLockMode.Compliance, signature.ObjectLockMode);
        Assert.True(signature.ObjectLockRetainUntilDate >= head.ObjectLockRetainUntilDate);
    }

    [Fact]
    public async Task In_a_versioned_bucket_retention_removes_every_version_of_an_expired_backups_signature_and_orphans_and_keeps_a_locked_ones()
    {
        var (db, bucket) = (Servers.UniqueName("sigprune"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var settings = SettingsFor(db, bucket);
        var lockedSettings = settings with { Storage = S3.Settings(bucket) with { Lock = new ObjectLock(1, ObjectLockMode.Governance) } };
        var engine = new BackupEngine(new BackupOptions(lockedSettings) { SigningKey = MinisignSecretKey.Generate() }, new RecordingLog(), new FixedClock(new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero)));
        var locked = (await engine.ExecuteAsync(await engine.PlanAsync(default), default)).ObjectName;
        var expiring = $"postgres/2026/01/02/{db}_20260102_020000.sql.gz";
        var newest = $"postgres/2026/01/03/{db}_20260103_020000.sql.gz";
        var orphan = $"postgres/2026/01/01/{db}_20260101_030000.sql.gz.minisig";
        var content = Dumps.Gzip("-- PostgreSQL database dump complete\n");
        using (var client = S3.Client())
            foreach (var (name, expires) in new[] { (expiring, true), (expiring + ".minisig", true), (newest, false), (newest + ".minisig", false), (orphan, false) })
            {
                var request = new PutObjectRequest { BucketName = bucket, Key = name, InputStream = new MemoryStream(content), MD5Digest = Convert.ToBase64String(MD5.HashData(content)) };
                // two seconds from this request, not from the first: S3 wants the date in the future when the object is put
                if (expires) (request.ObjectLockMode, request.ObjectLockRetainUntilDate) = (Amazon.S3.ObjectLockMode.Governance, DateTime.UtcNow.AddSeconds(2));
                await client.PutObjectAsync(request);
            }
        await Task.Delay(TimeSpan.FromSeconds(3));

        var result = await new Pruner(settings, new RecordingLog(), new FixedClock(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero))).RunAsync(dryRun: false, default);

        Assert.Equal([expiring], result.Deleted);
        Assert.Equal([locked], result.Locked);
        Assert.Equal([locked, locked + ".minisig", newest, newest + ".minisig"], (await S3.ListAsync(bucket)).Order(StringComparer.Ordinal));
        using var check = S3.Client();
        var versions = await check.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Prefix = "postgres/" });
        Assert.DoesNotContain(versions.Versions, v => v.Key.StartsWith(expiring, StringComparison.Ordinal) || v.Key == orphan);
        Assert.DoesNotContain(versions.Versions, v => v.IsDeleteMarker == true);
    }
}
