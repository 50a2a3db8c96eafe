using System.Text;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>A database's owner, settings and privileges travel as data in the manifest; the restore writes the SQL, quoting everything.</summary>
[Trait("Tier", "Fast")]
public class DatabasePropertiesTests
{
    private static readonly DatabaseProperties Sample = new(
        "app \"owner\"",
        [new("work_mem", "12MB"), new("search_path", "app, \"$user\", \"odd,name\""), new("app.note", "it's")],
        [new("reader", "statement_timeout", "5s")],
        [new(null, "CONNECT", false), new("reader", "TEMPORARY", true)]);

    [Fact]
    public void Statements_quote_every_name_and_value_and_split_list_settings_as_pg_dump_does()
    {
        var sql = Sample.Statements("my db", withOwnership: true, out _)!;

        Assert.Equal(
        [
            "ALTER DATABASE \"my db\" OWNER TO \"app \"\"owner\"\"\"",
            "ALTER DATABASE \"my db\" SET work_mem TO '12MB'",
            "ALTER DATABASE \"my db\" SET search_path TO 'app', '$user', 'odd,name'",
            "ALTER DATABASE \"my db\" SET app.note TO 'it''s'",
            "ALTER ROLE \"reader\" IN DATABASE \"my db\" SET statement_timeout TO '5s'",
            "REVOKE ALL ON DATABASE \"my db\" FROM PUBLIC",
            "GRANT CONNECT ON DATABASE \"my db\" TO PUBLIC",
            "GRANT TEMPORARY ON DATABASE \"my db\" TO \"reader\" WITH GRANT OPTION",
        ], sql);
        Assert.Equal(sql.Skip(1).Take(3), Sample.Statements("my db", withOwnership: false, out _)!);
    }

    [Theory]
    [InlineData("session_preload_libraries", "CONNECT", "load server libraries")]
    [InlineData("work_mem = 1; DROP DATABASE x; --", "CONNECT", "not a setting's name")]
    [InlineData("work_mem", "ALL; DROP DATABASE x", "not a privilege")]
    public void A_property_postgres_could_not_have_stored_or_a_backup_may_not_carry_is_refused(string setting, string privilege, string why)
    {
        var crafted = new DatabaseProperties("o", [new(setting, "v")], [], [new(null, privilege, false)]);

        Assert.Null(crafted.Statements("db", withOwnership: true, out var reason));
        Assert.Contains(why, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_manifest_carries_them_and_reads_them_back()
    {
        var manifest = new DumpManifest(10, new byte[32], new Dictionary<string, long> { ["public.t"] = 3 }) { Database = Sample };

        var read = DumpManifest.TryParse(manifest.ToLine(), out var why)!;

        Assert.Equal("", why);
        Assert.Equal(Sample.Statements("d", true, out _), read.Database!.Statements("d", true, out _));
        Assert.Null(DumpManifest.TryParse(Encoding.UTF8.GetBytes(DumpManifest.LinePrefix + """{"version":1,"sql_bytes":1,"sql_sha256":"00000000000000000000000000000000000000000000000000000000000000ff","rows":{},"database":{"owner":null,"settings":[],"role_settings":[],"grants":null}}"""), out why));
        Assert.Contains("not the JSON a manifest holds", why, StringComparison.Ordinal);
    }
}
