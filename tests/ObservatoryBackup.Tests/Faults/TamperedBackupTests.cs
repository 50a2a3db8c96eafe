using System.Text;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Testing;
using ObservatoryBackup.Tests.Fixtures;
using ObservatoryBackup.Tests.Integration;

namespace ObservatoryBackup.Tests.Faults;

/// <summary>
/// Guarantee: a backup proves it is the one that was dumped. Its manifest (rows per table, SHA-256 of
/// the SQL) is checked by verification, tests and restores; the attack of the issue (rows removed from
/// one COPY block, the gzip rebuilt and uploaded under a newer name) fails, naming the table, and the
/// target is left as it was. Backups of older versions (no manifest) verify as before and say so.
/// </summary>
public class TamperedBackupTests(Servers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task Rows_removed_from_one_copy_block_and_the_gzip_rebuilt_fail_test_and_restore_naming_the_table()
    {
        var (db, bucket) = (Servers.UniqueName("tamper"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 400);
        var backup = await BackupAsync(SettingsFor(db, bucket));
        var sql = Dumps.Gunzip(await S3.GetAsync(bucket, backup.ObjectName));
        Assert.Contains("-- ObservatoryBackup manifest: ", sql);

        // five rows out of one table's COPY block
        var lines = sql.Split('\n').ToList();
        const string table = "research.queries";
        var copy = lines.FindIndex(l => l.StartsWith($"COPY {table} ", StringComparison.Ordinal));
        lines.RemoveRange(copy + 1, 5);
        var newer = $"postgres/2099/01/01/{db}_20990101_000000.sql.gz";
        await S3.PutAsync(bucket, newer, Dumps.Gzip(string.Join('\n', lines)));
        var digest = await Pg.ContentDigestAsync(db);

        var verify = await Assert.ThrowsAsync<BackupDataException>(() =>
            new BackupTestEngine(new TestOptions(SettingsFor(db, bucket)), new RecordingLog()).RunAsync(newer, verifyOnly: true, keep: false, default));
        Assert.Equal(ErrorIds.BackupCorrupt, verify.ErrorId);
        Assert.Contains($"table {table} carries", verify.Message);
        await Assert.ThrowsAsync<BackupDataException>(() =>
            new BackupTestEngine(new TestOptions(SettingsFor(db, bucket)), new RecordingLog()).RunAsync(newer, verifyOnly: false, keep: false, default));
        foreach (var mode in new[] { RestoreMode.Staged, RestoreMode.InPlace })
        {
            var ex = await Assert.ThrowsAsync<BackupDataException>(() => RestoreAsync(SettingsFor(db, bucket), newer, mode));
            Assert.Contains($"table {table} carries", ex.Message);
            Assert.Equal(digest, await Pg.ContentDigestAsync(db));
        }

        // the untouched backup passes, and says its manifest was verified
        var passed = await new BackupTestEngine(new TestOptions(SettingsFor(db, bucket)), new RecordingLog()).RunAsync(backup.ObjectName, verifyOnly: true, keep: false, default);
        Assert.Equal((true, "verified"), (passed.Passed, passed.Manifest));
    }

    [Fact]
    public async Task A_backup_without_a_manifest_still_verifies_and_restores_and_says_no_manifest()
    {
        var (db, bucket) = (Servers.UniqueName("nomani"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 50);
        var sql = Dumps.Gunzip(await S3.GetAsync(bucket, (await BackupAsync(SettingsFor(db, bucket))).ObjectName));
        // what the replaced scripts (and older versions) wrote: pg_dump's output alone
        var scripts = Dumps.WithoutManifest(sql);
        var name = $"postgres/2026/01/01/{db}_20260101_000000.sql.gz";
        await S3.PutAsync(bucket, name, Dumps.Gzip(Encoding.UTF8.GetBytes(scripts)));

        var log = new RecordingLog();
        var tested = await new BackupTestEngine(new TestOptions(SettingsFor(db, bucket)), log).RunAsync(name, verifyOnly: false, keep: false, default);

        Assert.Equal((true, "none"), (tested.Passed, tested.Manifest));
        Assert.Equal("none", log.Single("backup_verified")["manifest"]);
    }
}
