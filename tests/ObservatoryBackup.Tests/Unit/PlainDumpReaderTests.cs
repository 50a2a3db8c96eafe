using System.Text;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Tests.Unit;

[Trait("Tier", "Fast")]
public class PlainDumpReaderTests
{
    private static PlainDumpReader Read(string sql, int chunk = 7)
    {
        var reader = new PlainDumpReader();
        var bytes = Encoding.UTF8.GetBytes(sql);
        for (var i = 0; i < bytes.Length; i += chunk) reader.Read(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)));
        reader.Complete();
        return reader;
    }

    [Theory]
    [InlineData("\\connect other\n", "\\connect")]
    [InlineData("\\c other\n", "\\c")]
    [InlineData("\\! touch /tmp/x\n", "\\!")]
    [InlineData("SELECT 1; \\! id\n", "\\!")]
    [InlineData("SELECT 1;\n  \\restrict abc\n", "\\restrict")]           // pg_dump writes its own at the start of a line only
    [InlineData("\\restrict `id`\n", "\\restrict")]                         // and with a key of letters and digits only
    [InlineData("\\unrestrict abc \\! id\n", "\\unrestrict")]
    [InlineData("CREATE TABLE t (a int);\n\\o /tmp/out\n", "\\o")]
    [InlineData("COPY t (a) FROM stdin;\n1\n\\.\n\\gexec\n", "\\gexec")]   // after the COPY data ends
    [InlineData("SELECT 'a'\n\\i /etc/passwd\n", "\\i")]                   // a closed string does not hide it
    public void Finds_psql_meta_commands_outside_quotes_and_copy_data(string sql, string command)
    {
        var reader = Read(sql);
        Assert.Equal(command, reader.ForbiddenMetaCommand?.Command);
        // the same at every chunking, including a byte at a time
        Assert.Equal(reader.ForbiddenMetaCommand, Read(sql, 1).ForbiddenMetaCommand);
    }

    [Theory]
    [InlineData("\\restrict Kz9\nSET x = 1;\n\\unrestrict Kz9\n")]
    [InlineData("COPY public.t (a, b) FROM stdin;\n\\connect x\tGRANT ALL\n\\\\! not a command\n\\.\n")]
    [InlineData("CREATE FUNCTION f() RETURNS text AS $$\n\\connect inside a dollar quote\n$$ LANGUAGE sql;\n")]
    [InlineData("CREATE FUNCTION f() RETURNS text AS $body$\nselect '$$';\n\\! still quoted\n$body$ LANGUAGE sql;\n")]
    [InlineData("SELECT 'multi\n\\connect inside a string\n';\n")]
    [InlineData("SELECT E'it\\'s\n\\! inside an E string\n';\n")]
    [InlineData("SELECT \"col\n\\! in an identifier\";\n")]
    [InlineData("/* a comment\n\\! inside /* nested */ still\n*/ SELECT 1;\n")]
    [InlineData("-- \\connect in a line comment\nSELECT $1, a$b$c FROM t;\n")]
    public void Leaves_pg_dumps_own_lines_data_quotes_and_comments_alone(string sql)
    {
        Assert.Null(Read(sql).ForbiddenMetaCommand);
        Assert.Null(Read(sql, 1).ForbiddenMetaCommand);
    }

    [Fact]
    public void Follows_copy_blocks_across_chunks()
    {
        var reader = new PlainDumpReader();
        reader.Read("COPY public.t (a) FROM stdin;\n1\n"u8);
        Assert.True(reader.InCopyData);
        reader.Read("2\n\\"u8);
        Assert.True(reader.InCopyData);
        reader.Read(".\n"u8);
        Assert.False(reader.InCopyData);
        Assert.Equal(4, reader.Lines);
    }

    [Theory]
    [InlineData("COPY public.t (a) FROM stdin;\n1\n\\.\n--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict Kz9\n\n", true)]
    [InlineData("COPY public.t (a) FROM stdin;\n1\n\\.\n--\n-- PostgreSQL database dump complete\n--", true)]
    // cut inside a COPY block, the closing line is data
    [InlineData("COPY public.t (a) FROM stdin;\n1\n2\n--\n-- PostgreSQL database dump complete\n--\n", false)]
    // a COPY block without its \. swallows what follows
    [InlineData("COPY public.t (a) FROM stdin;\n1\nCREATE TABLE u (b int);\n-- PostgreSQL database dump complete\n", false)]
    // a dump cut short, then another appended: the closing line is not the end
    [InlineData("-- PostgreSQL database dump complete\nCREATE TABLE u (b int);\n", false)]
    [InlineData("SELECT 'unterminated\n-- PostgreSQL database dump complete\n", false)]
    [InlineData("CREATE TABLE t (a int);\n", false)]
    public void Knows_a_dump_ran_to_its_end_only_by_its_closing_line_outside_copy_data(string sql, bool complete)
    {
        Assert.Equal(complete, Read(sql).IsComplete);
        Assert.Equal(complete, Read(sql, 1).IsComplete);
    }

    [Fact]
    public void Counts_rows_per_table_and_names_the_block_a_dump_ends_inside()
    {
        var reader = Read("COPY public.t (a) FROM stdin;\n1\n2\n\\.\nCOPY \"Odd\".\"T t\" (b) FROM stdin;\nx\n");
        Assert.Equal(2, reader.RowsPerTable["public.t"]);
        Assert.Equal("\"Odd\".\"T t\"", reader.OpenCopyTable);
    }

    [Fact]
    public void A_row_of_any_size_costs_no_memory_of_its_size()
    {
        var reader = new PlainDumpReader();
        reader.Read("COPY public.blobs (b) FROM stdin;\n"u8);
        var chunk = new byte[1 << 16];
        Array.Fill(chunk, (byte)'a');
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 800; i++) reader.Read(chunk); // one row of 50 MiB, as a large bytea value is
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        reader.Read("\n\\.\n-- PostgreSQL database dump complete\n"u8);
        reader.Complete();

        Assert.InRange(allocated, 0, 1 << 20);
        Assert.Equal(1, reader.RowsPerTable["public.blobs"]);
        Assert.True(reader.IsComplete);
    }
}
