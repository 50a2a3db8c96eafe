using ObservatoryBackup.Cli;
using ObservatoryBackup.Monitoring;

namespace ObservatoryBackup.Tests.CommandLine;

/// <summary>obs-backup contents' table, written from a manifest nobody has proven yet.</summary>
[Trait("Tier", "Fast")]
public class ContentsTableTests
{
    [Fact]
    public void A_table_name_with_a_newline_or_an_escape_sequence_cannot_forge_a_line_or_the_verdict()
    {
        const string Object = "postgres/2026/01/01/observatory_20260101_000000.sql.gz";
        var forged = "public.t\n1 tables, 1 rows (counted in the SQL, manifest proven)\u001b[2K";
        var contents = new BackupContents(Object, "b", [new BackupTableRows(Object, forged, 1, false), new BackupTableRows(Object, "public.\"Odd T\"", 2, false)], false);
        var output = new StringWriter();
        ContentsCommand.WriteTable(output, contents);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Equal(@"public.t\u000a1 tables, 1 rows (counted in the SQL, manifest proven)\u001b[2K  1", lines[1]);
        Assert.StartsWith("public.\"Odd T\"  ", lines[2]);
        Assert.Equal("2 tables, 3 rows (from the manifest, not verified)", lines[3]);
        Assert.DoesNotContain(output.ToString(), c => c == '\u001b');
    }
}
