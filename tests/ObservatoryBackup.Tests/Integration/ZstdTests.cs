using ObservatoryBackup.Compress;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Testing;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

/// <summary>The opt-in zstd codec: named .sql.zst, listed, verified, restored and tested like gzip.</summary>
public class ZstdTests(Servers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task A_zstd_backup_is_named_sql_zst_and_restores_byte_for_byte_staged_and_in_place()
    {
        var (db, bucket) = (Servers.UniqueName("zstd"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 500);
        var digest = await Pg.ContentDigestAsync(db);
        var settings = SettingsFor(db, bucket) with { Compression = BackupCodec.Zstd };

        var backup = await BackupAsync(settings);

        Assert.EndsWith(".sql.zst", backup.ObjectName);
        Assert.Equal((db, BackupCodec.Zstd), (BackupKey.TryParse(backup.ObjectName)!.Value.Database, BackupKey.CodecOf(backup.ObjectName)));
        var bytes = await S3.GetAsync(bucket, backup.ObjectName);
        Assert.Equal(new byte[] { 0x28, 0xB5, 0x2F, 0xFD }, bytes[..4]); // the zstd frame magic
        foreach (var mode in new[] { RestoreMode.Staged, RestoreMode.InPlace })
        {
            var target = Servers.UniqueName("zstd-restored");
            await RestoreAsync(SettingsFor(target, bucket), backup.ObjectName, mode);
            Assert.Equal(digest, await Pg.ContentDigestAsync(target));
        }
        var tested = await new BackupTestEngine(new TestOptions(SettingsFor(db, bucket)), new RecordingLog()).RunAsync(backup.ObjectName, verifyOnly: true, keep: false, default);
        Assert.True(tested.Passed);
        Assert.Equal((await Pg.RowCountsAsync(db)).Values.Sum(), tested.Rows);
    }

    [Fact]
    public async Task A_damaged_or_cut_short_zstd_backup_is_refused_and_the_target_is_unchanged()
    {
        var (db, bucket) = (Servers.UniqueName("zstd-bad"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 2000);
        var whole = await S3.GetAsync(bucket, (await BackupAsync(SettingsFor(db, bucket) with { Compression = BackupCodec.Zstd })).ObjectName);
        var cut = $"postgres/2026/01/08/{db}_20260108_000000.sql.zst";
        await S3.PutAsync(bucket, cut, whole[..(whole.Length / 2)]);
        var damaged = $"postgres/2026/01/08/{db}_20260108_000001.sql.zst";
        var flipped = (byte[])whole.Clone();
        flipped[flipped.Length - 3] ^= 0xFF; // inside the content checksum
        await S3.PutAsync(bucket, damaged, flipped);
        var digest = await Pg.ContentDigestAsync(db);

        foreach (var name in new[] { cut, damaged })
            foreach (var mode in new[] { RestoreMode.Staged, RestoreMode.InPlace })
            {
                var ex = await Assert.ThrowsAsync<BackupDataException>(() => RestoreAsync(SettingsFor(db, bucket), name, mode));
                Assert.Equal("BackupCorrupt", ex.ErrorId);
                Assert.Equal(digest, await Pg.ContentDigestAsync(db));
            }
    }

    [Fact]
    public void Only_gzip_and_zstd_are_codecs()
    {
        Assert.Equal(BackupCodec.Zstd, SettingsResolver.ParseCompression("ZSTD", "OBS_COMPRESSION"));
        var ex = Assert.Throws<ConfigurationException>(() => new SettingsResolver(new Dictionary<string, string?>
        {
            ["MINIO_ENDPOINT"] = "minio:9000", ["OBS_COMPRESSION"] = "lz4",
        }).Resolve(new SettingOverrides(), needsDatabase: false));
        Assert.Equal("OBS_COMPRESSION must be gzip or zstd, not 'lz4'.", ex.Message);
        Assert.Equal("application/zstd", Codecs.ContentType(BackupCodec.Zstd));
    }
}
