using System.Text;
using ObservatoryBackup.Format;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>The manifest read from the last line of the SQL, whatever the reads' sizes, without parsing the SQL.</summary>
[Trait("Tier", "Fast")]
public class ManifestTailTests
{
    private static readonly DumpManifest Sample = new(12, new byte[32], new Dictionary<string, long> { ["public.t"] = 3, ["s.\"Odd T\""] = 1 });

    private static DumpManifest? Read(string text, int chunk)
    {
        var tail = new ManifestTail();
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var at = 0; at < bytes.Length; at += chunk) tail.Add(bytes.AsSpan(at, Math.Min(chunk, bytes.Length - at)));
        return tail.Manifest(out _);
    }

    [Fact]
    public void The_last_line_is_the_manifest_at_every_read_size()
    {
        var sql = "CREATE TABLE t (x int);\nCOPY public.t (x) FROM stdin;\n1\n2\n3\n\\.\n-- PostgreSQL database dump complete\n\n" + Encoding.UTF8.GetString(Sample.ToLine());
        foreach (var chunk in new[] { 1, 2, 3, 7, 64, 4096 })
        {
            var manifest = Read(sql, chunk);
            Assert.NotNull(manifest);
            Assert.Equal(Sample.RowsPerTable, manifest.RowsPerTable);
        }
        Assert.NotNull(Read(sql.TrimEnd('\n'), 5)); // a last line without its newline
    }

    [Fact]
    public void A_manifest_line_that_is_not_the_last_or_a_dump_without_one_gives_none()
    {
        var line = Encoding.UTF8.GetString(Sample.ToLine());
        Assert.Null(Read("SELECT 1;\n" + line + "-- after it\n", 3));
        Assert.Null(Read("SELECT 1;\n-- PostgreSQL database dump complete\n", 3));
        Assert.Null(Read("", 3));
    }
}
