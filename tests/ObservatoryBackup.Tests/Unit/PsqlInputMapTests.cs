using System.Text;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Tests.Unit;

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
}
