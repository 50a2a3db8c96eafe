using ObservatoryBackup.Compress;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

/// <summary>A backup written by one gzip library restores through the other, and each run's log names the library that ran.</summary>
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

            var target = Servers.UniqueName("codec-restored");
            var restoreLog = new RecordingLog();
            using (GzipCodec.Use(reader))
                await RestoreAsync(SettingsFor(target, bucket), objectName, log: restoreLog);
            Assert.Equal(reader.Name, restoreLog.Single("restore_start")["codec_implementation"]);
            Assert.Equal(digest, await Pg.ContentDigestAsync(target));
            await Task.Delay(TimeSpan.FromSeconds(1.1)); // the next backup's name has the next second
        }
    }
}
