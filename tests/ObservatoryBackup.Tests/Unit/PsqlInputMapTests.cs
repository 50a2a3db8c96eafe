using System.Text;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Tests.Unit;

[Trait("Tier", "Fast")]
public class PsqlInputMapTests
{
    [Fact]
    public void A_line_psql_names_is_named_for_the_entry_it_is_in_and_only_the_recent_entries_are_kept()
    {
        var map = new PsqlInputMap();
        // 200,000 entries of three lines each (about 9 MiB): more than psql can lag behind
        for (var i = 0; i < 200_000; i++)
        {
            map.Mark($"entry {i}");
            map.Given(Encoding.UTF8.GetBytes($"-- {i}\nCREATE TABLE t{i} (id int);\n\n"));
        }

        // entry 199,999 starts at line 599,998; its second line is the statement
        Assert.Equal("psql, in entry 199999: ERROR:  boom\n", map.Explain("psql:<stdin>:599998: ERROR:  boom\n"));
        Assert.Equal("psql, in entry 199990: ERROR:  boom\n", map.Explain("psql:<stdin>:599972: ERROR:  boom\n"));
        // an entry long gone from what psql could still be reading is not guessed at
        Assert.Equal("psql: ERROR:  boom\n", map.Explain("psql:<stdin>:5: ERROR:  boom\n"));
        Assert.Equal("psql: error: connection refused\n", map.Explain("psql: error: connection refused\n"));
    }

    [Fact]
    public void Many_tiny_entries_behind_one_large_piece_keep_no_more_than_the_cap_of_marks()
    {
        var map = new PsqlInputMap();
        map.Mark("the large one");
        map.Given(new byte[64 << 20]); // a piece that widens what psql could lag behind to hundreds of MiB
        for (var i = 0; i < 3 * PsqlInputMap.MaxMarks; i++)
        {
            map.Mark($"entry {i}");
            map.Given("x\n"u8);
        }

        Assert.Equal(PsqlInputMap.MaxMarks, map.Marks);
        Assert.Equal("psql, in entry 12287: ERROR:  boom\n", map.Explain("psql:<stdin>:12288: ERROR:  boom\n"));
    }

    [Fact]
    public void An_entry_is_named_with_its_control_characters_escaped()
    {
        var header = new DumpEntryHeader("t\u001b]0;pwned\u0007", "TABLE", "public\nx");

        Assert.Equal("the dump's TABLE t\\u001b]0;pwned\\u0007 (schema public\\u000ax)", header.ToString());
    }

    [Fact]
    public void A_table_name_from_the_dump_is_shown_with_its_control_characters_escaped()
    {
        var map = new PsqlInputMap();
        map.Mark("the rows of public.\"t\u001b[2J\"");
        map.Given("1\n"u8);

        Assert.Equal("psql, in the rows of public.\"t\\u001b[2J\": ERROR:  boom\n", map.Explain("psql:<stdin>:1: ERROR:  boom\n"));
    }
}
