using ObservatoryBackup.Errors;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Tests.Fixtures;
using ObservatoryBackup.Tests.Integration;

namespace ObservatoryBackup.Tests.Faults;

/// <summary>Guarantee: a restore changes its target database and nothing else: a backup holding psql meta-commands is refused before anything changes.</summary>
public class RestoreStaysInItsTargetTests(Servers servers) : IntegrationTest(servers)
{
    [Theory]
    [InlineData(RestoreMode.Staged)]
    [InlineData(RestoreMode.InPlace)]
    public async Task A_dump_that_connects_elsewhere_is_refused_before_anything_changes(RestoreMode mode)
    {
        var (target, other, bucket) = (Servers.UniqueName("tgt"), Servers.UniqueName("other"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, target, rows: 50);
        await SampleDatabase.CreateAsync(Pg, other, rows: 5);
        var (targetDigest, otherDigest) = (await Pg.ContentDigestAsync(target), await Pg.ContentDigestAsync(other));
        // what pg_dump -C writes: a \connect after which everything lands in another database
        var sql = Dumps.Gunzip(await S3.GetAsync(bucket, (await BackupAsync(SettingsFor(other, bucket))).ObjectName));
        var name = $"postgres/2026/01/05/{target}_20260105_000000.sql.gz";
        await S3.PutAsync(bucket, name, Dumps.Gzip($"\\connect {other}\nDROP SCHEMA research CASCADE;\n" + sql));

        var ex = await Assert.ThrowsAsync<BackupDataException>(() => RestoreAsync(SettingsFor(target, bucket), name, mode));

        Assert.Equal(("BackupUnsafe", ObsErrorKind.InvalidData), (ex.ErrorId, ex.Kind));
        Assert.Contains(@"'\connect' on line 1", ex.Message);
        Assert.Equal(targetDigest, await Pg.ContentDigestAsync(target));
        Assert.Equal(otherDigest, await Pg.ContentDigestAsync(other));
    }

    [Fact]
    public async Task A_dump_with_a_shell_escape_is_refused_and_runs_nothing()
    {
        var (target, bucket) = (Servers.UniqueName("tgt"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, target, rows: 10);
        var marker = Path.Combine(Path.GetTempPath(), "obs-pwned-" + Guid.NewGuid().ToString("N"));
        var name = $"postgres/2026/01/06/{target}_20260106_000000.sql.gz";
        await S3.PutAsync(bucket, name, Dumps.Gzip($"CREATE TABLE t (x int); \\! touch {marker}\n--\n-- PostgreSQL database dump complete\n--\n"));

        var ex = await Assert.ThrowsAsync<BackupDataException>(() => RestoreAsync(SettingsFor(target, bucket), name));

        Assert.Equal("BackupUnsafe", ex.ErrorId);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task A_meta_command_in_a_damaged_backup_is_reported_as_damage()
    {
        var (target, bucket) = (Servers.UniqueName("tgt"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, target, rows: 10);
        var digest = await Pg.ContentDigestAsync(target);
        var whole = Dumps.Gzip("CREATE TABLE t (x int);\n\\! echo garbage or crafted?\n--\n-- PostgreSQL database dump complete\n--\n");
        var damaged = (byte[])whole.Clone();
        damaged[^8] ^= 0xFF; // the CRC in the trailer: the data no longer matches it
        var (crafted, broken) = ($"postgres/2026/01/09/{target}_20260109_000000.sql.gz", $"postgres/2026/01/09/{target}_20260109_000001.sql.gz");
        await S3.PutAsync(bucket, crafted, whole);
        await S3.PutAsync(bucket, broken, damaged);

        foreach (var mode in new[] { RestoreMode.Staged, RestoreMode.InPlace })
        {
            Assert.Equal("BackupUnsafe", (await Assert.ThrowsAsync<BackupDataException>(() => RestoreAsync(SettingsFor(target, bucket), crafted, mode))).ErrorId);
            Assert.Equal("BackupCorrupt", (await Assert.ThrowsAsync<BackupDataException>(() => RestoreAsync(SettingsFor(target, bucket), broken, mode))).ErrorId);
            Assert.Equal(digest, await Pg.ContentDigestAsync(target));
        }
    }

    [Fact]
    public async Task Data_and_function_bodies_that_look_like_meta_commands_restore_byte_for_byte()
    {
        var (source, target, bucket) = (Servers.UniqueName("src"), Servers.UniqueName("tgt"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, source, rows: 10);
        await Pg.ExecuteAsync(source, """
            CREATE TABLE public.tricky (t text);
            INSERT INTO public.tricky VALUES (E'\\connect other'), (E'\\! rm -rf /'), ('GRANT ALL ON x TO y'), (E'line\n\\q');
            CREATE FUNCTION public.f() RETURNS text LANGUAGE sql AS $body$
            SELECT '\connect inside a function body'
            $body$;
            """);
        var backup = await BackupAsync(SettingsFor(source, bucket));

        await RestoreAsync(SettingsFor(target, bucket), backup.ObjectName);

        Assert.Equal(await Pg.ContentDigestAsync(source), await Pg.ContentDigestAsync(target));
        Assert.Equal(@"\connect inside a function body", await Pg.ScalarAsync<string>(target, "SELECT public.f()"));
        Assert.Equal(4L, await Pg.ScalarAsync<long>(target, @"SELECT count(*) FROM public.tricky WHERE t IN (E'\\connect other', E'\\! rm -rf /', 'GRANT ALL ON x TO y', E'line\n\\q')"));
    }
}
