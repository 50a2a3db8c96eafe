using ObservatoryBackup.Compress;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Monitoring;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Testing;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

/// <summary>
/// A backup written by one gzip library restores through the other, and each run's log names the library
/// that ran; a host whose ISA-L was refused says why in each gzip run's log.
/// </summary>
public class GzipCodecTests(Servers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task Backups_by_isa_l_and_by_zlib_ng_restore_through_either_and_the_log_names_each()
    {
        var (db, bucket) = (Servers.UniqueName("codec"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 3000);
        var digest = await Pg.ContentDigestAsync(db);
        var isal = GzipCodec.Current;
        Assert.Equal("isa-l", isal.Name);
        var zlibNg = GzipCodec.Detect(["/nonexistent/libisal.so.2"]);

        foreach (var (writer, reader) in new[] { (isal, zlibNg), (zlibNg, isal) })
        {
            var backupLog = new RecordingLog();
            string objectName;
            using (GzipCodec.Use(writer))
                objectName = (await BackupAsync(SettingsFor(db, bucket), backupLog)).ObjectName;
            Assert.Equal(writer.Name, backupLog.Single("pg_dump_start")["codec_implementation"]);
            Assert.Equal(writer.LevelFor(4), Convert.ToInt32(backupLog.Single("pg_dump_start")["codec_implementation_level"]));
            Assert.DoesNotContain("codec_fallback", backupLog.Names); // zlib-ng on a host without ISA-L is no fallback

            var target = Servers.UniqueName("codec-restored");
            var restoreLog = new RecordingLog();
            using (GzipCodec.Use(reader))
                await RestoreAsync(SettingsFor(target, bucket), objectName, log: restoreLog);
            Assert.Equal(reader.Name, restoreLog.Single("restore_start")["codec_implementation"]);
            Assert.DoesNotContain("codec_fallback", restoreLog.Names);
            Assert.Equal(digest, await Pg.ContentDigestAsync(target));
            await Task.Delay(TimeSpan.FromSeconds(1.1)); // the next backup's name has the next second
        }
    }

    [Fact]
    public async Task A_host_whose_isa_l_was_refused_warns_codec_fallback_once_in_each_run_that_reads_or_writes_a_gzip_backup_and_never_for_zstd()
    {
        var (db, bucket) = (Servers.UniqueName("fallback"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 300);
        var digest = await Pg.ContentDigestAsync(db);
        const string refusal = "libisal.so.2 has no isal_read_gzip_header: ISA-L older than 2.24";
        using var refused = GzipCodec.Use(new ZlibNgGzip(refusal));

        foreach (var codec in new[] { BackupCodec.Gzip, BackupCodec.Zstd })
        {
            var backupLog = new RecordingLog();
            var objectName = (await BackupAsync(SettingsFor(db, bucket) with { Compression = codec }, backupLog)).ObjectName;
            var target = Servers.UniqueName("fallback-restored");
            var restoreLog = new RecordingLog();
            await RestoreAsync(SettingsFor(target, bucket), objectName, log: restoreLog);
            Assert.Equal(digest, await Pg.ContentDigestAsync(target));
            var verifyLog = new RecordingLog();
            Assert.True((await new BackupTestEngine(new TestOptions(SettingsFor(db, bucket)), verifyLog).RunAsync(objectName, verifyOnly: true, keep: false, CancellationToken.None)).Passed);
            // a test and an in-place restore read the backup twice (proven in a file, then loaded): one warning each
            var testLog = new RecordingLog();
            Assert.True((await new BackupTestEngine(new TestOptions(SettingsFor(db, bucket)), testLog).RunAsync(objectName, verifyOnly: false, keep: false, CancellationToken.None)).Passed);
            var inPlaceLog = new RecordingLog();
            await RestoreAsync(SettingsFor(target, bucket), objectName, RestoreMode.InPlace, inPlaceLog);
            var contentsLog = new RecordingLog();
            await new ContentsEngine(new TestOptions(SettingsFor(db, bucket)), contentsLog).RunAsync(objectName, verify: false, CancellationToken.None);
            // refused while it is proven, before any load starts
            var damaged = $"postgres/2026/01/02/{db}_20260102_030405{objectName[objectName.IndexOf(".sql", StringComparison.Ordinal)..]}";
            var bytes = await S3.GetAsync(bucket, objectName);
            bytes[bytes.Length / 2] ^= 0xFF;
            await S3.PutAsync(bucket, damaged, bytes);
            var damagedLog = new RecordingLog();
            await Assert.ThrowsAsync<BackupDataException>(() => RestoreAsync(SettingsFor(target, bucket), damaged, RestoreMode.InPlace, damagedLog));

            foreach (var log in new[] { backupLog, restoreLog, verifyLog, testLog, inPlaceLog, contentsLog, damagedLog })
            {
                if (codec == BackupCodec.Zstd)
                {
                    Assert.DoesNotContain("codec_fallback", log.Names); // the fallback is gzip's only
                    continue;
                }
                var fallback = log.Single("codec_fallback");
                Assert.Equal(LogLevel.WARNING, fallback.Level);
                Assert.Equal("zlib-ng", fallback["codec_implementation"]);
                Assert.Equal(refusal, fallback["reason"]);
            }
            Assert.Equal(codec == BackupCodec.Zstd ? "zstdsharp" : "zlib-ng", backupLog.Single("pg_dump_start")["codec_implementation"]);
            await Task.Delay(TimeSpan.FromSeconds(1.1)); // the next backup's name has the next second
        }
    }
}
