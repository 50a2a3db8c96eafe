using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Naming;

namespace ObservatoryBackup.Tests.Unit;

[Trait("Tier", "Fast")]
public class BackupKeyTests
{
    [Fact]
    public void Names_objects_as_the_spec_does_in_utc()
    {
        var at = new DateTimeOffset(2026, 2, 16, 3, 0, 0, TimeSpan.FromHours(1));
        Assert.Equal("postgres/2026/02/16/observatory_20260216_020000.sql.gz", BackupKey.For("observatory", at));
    }

    [Theory]
    [InlineData("observatory_test", "observatory_test")]
    [InlineData("my-db.v2", "my-db.v2")]
    [InlineData("a b/c", "a%20b%2Fc")]
    [InlineData("100%", "100%25")]
    [InlineData("données", "donn%C3%A9es")]
    [InlineData("x_20260216_020000", "x_20260216_020000")]
    public void Names_carry_the_database_and_parse_back_to_it(string database, string encoded)
    {
        var at = new DateTimeOffset(2026, 2, 16, 2, 0, 0, TimeSpan.Zero);
        var name = BackupKey.For(database, at);
        Assert.Equal($"postgres/2026/02/16/{encoded}_20260216_020000.sql.gz", name);
        Assert.Equal((database, at), BackupKey.TryParse(name));
        BackupKey.ValidateForRestore(name);
    }

    [Fact]
    public void Backups_of_two_databases_in_the_same_second_never_share_a_name()
    {
        var at = DateTimeOffset.UtcNow;
        Assert.NotEqual(BackupKey.For("observatory", at), BackupKey.For("observatory2", at));
        Assert.NotEqual(BackupKey.For("a_b", at), BackupKey.For("a%5Fb", at));
    }

    [Fact]
    public void Parses_the_timestamp_back()
    {
        Assert.Equal(new DateTimeOffset(2026, 2, 16, 2, 0, 0, TimeSpan.Zero),
            BackupKey.TryParse("postgres/2026/02/16/observatory_20260216_020000.sql.gz")?.Timestamp);
    }

    [Theory]
    [InlineData("postgres/2026/02/16/observatory_20260215_020000.sql.gz")] // path and file dates disagree
    [InlineData("postgres/2026/02/16/observatory_20260216_020000.sql")]
    [InlineData("postgres/2026/02/16/ob servatory_20260216_020000.sql.gz")]
    [InlineData("postgres/2026/02/16/bad%zz_20260216_020000.sql.gz")]
    [InlineData("postgres/2026/02/16/_20260216_020000.sql.gz")]
    [InlineData("backups/2026/02/16/observatory_20260216_020000.sql.gz")]
    [InlineData("postgres/2026/13/01/observatory_20261301_020000.sql.gz")]
    [InlineData("postgres/2026/02/16/observatory_20260216_020000.sql.gz.bak")]
    public void Does_not_parse_names_outside_the_scheme(string name) => Assert.Null(BackupKey.TryParse(name));

    [Theory]
    [InlineData("")]
    [InlineData("/postgres/2026/02/16/observatory_20260216_020000.sql.gz")]
    [InlineData("postgres/../secrets/observatory_20260216_020000.sql.gz")]
    [InlineData("postgres/2026//16/observatory_20260216_020000.sql.gz")]
    [InlineData("other/2026/02/16/observatory_20260216_020000.sql.gz")]
    [InlineData("postgres/2026/02/16/observatory_20260216_020000.txt")]
    [InlineData("postgres\\2026\\observatory.sql.gz")]
    [InlineData("s3://bucket/postgres/x.sql.gz")]
    public void Refuses_names_a_restore_must_not_fetch(string name)
    {
        var ex = Assert.Throws<BackupDataException>(() => BackupKey.ValidateForRestore(name));
        Assert.Equal(ObsErrorKind.InvalidArgument, ex.Kind);
    }

    [Fact]
    public void Zstd_backups_are_named_sql_zst_and_parse_like_gzip_ones()
    {
        var at = new DateTimeOffset(2026, 2, 16, 2, 0, 0, TimeSpan.Zero);
        var name = BackupKey.For("observatory", at, BackupCodec.Zstd);
        Assert.Equal("postgres/2026/02/16/observatory_20260216_020000.sql.zst", name);
        Assert.Equal(("observatory", at), BackupKey.TryParse(name));
        Assert.Equal((BackupCodec.Zstd, BackupCodec.Gzip), (BackupKey.CodecOf(name), BackupKey.CodecOf(BackupKey.For("observatory", at))));
        BackupKey.ValidateForRestore(name);
    }

    [Fact]
    public void Accepts_scheme_names_for_restore() =>
        BackupKey.ValidateForRestore("postgres/2026/02/16/observatory_20260216_020000.sql.gz");

    [Theory]
    [InlineData("%globals")]
    [InlineData("globals")]
    [InlineData("_globals")]
    [InlineData(".globals")]
    [InlineData("%25globals")]
    public void The_globals_backup_has_a_name_no_database_backup_can_have(string database)
    {
        var at = new DateTimeOffset(2026, 12, 2, 2, 0, 0, TimeSpan.Zero);
        var globals = BackupKey.For(BackupKey.Globals, at, BackupCodec.Zstd, encrypted: true, prefix: "clusters/a/");

        Assert.Equal("clusters/a/2026/12/02/%globals_20261202_020000.sql.zst.age", globals);
        Assert.Equal((BackupKey.Globals, at), BackupKey.TryParse(globals, "clusters/a/"));
        Assert.Equal(BackupKind.Globals, BackupKey.KindOf(globals));
        Assert.Equal(BackupKind.Globals, BackupKey.KindOf(globals));
        Assert.Equal(BackupKind.Globals, new ObservatoryBackup.Store.StoredBackup(globals, "b", 1, at) { Prefix = "clusters/a/" }.Kind);
        BackupKey.ValidateForRestore(globals, "clusters/a/");

        var named = BackupKey.For(database, at, BackupCodec.Zstd, encrypted: true, prefix: "clusters/a/");
        Assert.NotEqual(globals, named);
        Assert.Equal(BackupKind.Database, BackupKey.KindOf(named));
        Assert.Equal(BackupKind.Database, BackupKey.KindOf(named));
        Assert.Equal((database, at), BackupKey.TryParse(named, "clusters/a/"));
    }
}
