using ObservatoryBackup.Errors;
using ObservatoryBackup.Naming;

namespace ObservatoryBackup.Tests.Unit;

public class BackupKeyTests
{
    [Fact]
    public void Names_objects_as_the_spec_does_in_utc()
    {
        var at = new DateTimeOffset(2026, 2, 16, 3, 0, 0, TimeSpan.FromHours(1));
        Assert.Equal("postgres/2026/02/16/observatory_20260216_020000.sql.gz", BackupKey.For(at));
    }

    [Fact]
    public void Parses_the_timestamp_back()
    {
        Assert.Equal(new DateTimeOffset(2026, 2, 16, 2, 0, 0, TimeSpan.Zero),
            BackupKey.TryParseTimestamp("postgres/2026/02/16/observatory_20260216_020000.sql.gz"));
    }

    [Theory]
    [InlineData("postgres/2026/02/16/observatory_20260215_020000.sql.gz")] // path and file dates disagree
    [InlineData("postgres/2026/02/16/observatory_20260216_020000.sql")]
    [InlineData("postgres/2026/02/16/other_20260216_020000.sql.gz")]
    [InlineData("backups/2026/02/16/observatory_20260216_020000.sql.gz")]
    [InlineData("postgres/2026/13/01/observatory_20261301_020000.sql.gz")]
    [InlineData("postgres/2026/02/16/observatory_20260216_020000.sql.gz.bak")]
    public void Does_not_parse_names_outside_the_scheme(string name) => Assert.Null(BackupKey.TryParseTimestamp(name));

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
    public void Accepts_scheme_names_for_restore() =>
        BackupKey.ValidateForRestore("postgres/2026/02/16/observatory_20260216_020000.sql.gz");
}
