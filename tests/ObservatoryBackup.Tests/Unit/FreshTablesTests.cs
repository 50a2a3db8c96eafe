using System.Text;
using ObservatoryBackup.Format;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Restore;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>Which tables a load may truncate and freeze as it loads their rows: those it created itself, once.</summary>
[Trait("Tier", "Fast")]
public class FreshTablesTests
{
    [Theory]
    [InlineData("CREATE TABLE public.t (", "public.t")]
    [InlineData("CREATE UNLOGGED TABLE lab.scratch (", "lab.scratch")]
    [InlineData("CREATE TABLE \"my schema\".\"a (b\" (", "\"my schema\".\"a (b\"")]
    [InlineData("CREATE TABLE lab.dog (", "lab.dog")]
    [InlineData("CREATE TABLE lab.event_2025 PARTITION OF lab.event", "lab.event_2025")]
    [InlineData("CREATE FOREIGN TABLE lab.f (", null)]
    [InlineData("CREATE VIEW lab.v AS", null)]
    [InlineData("    CREATE TABLE lab.t (", null)]
    public void The_table_a_statement_creates_is_read_as_pg_dump_writes_it(string line, string? table) =>
        Assert.Equal(table, FreshTables.CreatedBy(Encoding.UTF8.GetBytes(line)));

    [Fact]
    public void Only_the_first_block_of_a_table_the_dump_created_and_did_not_partition_is_frozen()
    {
        var fresh = new FreshTables();
        foreach (var (line, starts, ends) in new[]
        {
            ("CREATE TABLE public.t (\n", true, false), ("    id integer\n", false, false), (");\n", false, true),
            ("CREATE TABLE public.p (\n", true, false), ("    at date\n", false, false), (")\nPARTITION BY RANGE (at);\n", false, false), // not pg_dump's shape: left alone
            ("CREATE TABLE public.r (\n", true, false), ("    at date\n", false, false), (") PARTITION BY RANGE (at);\n", false, true),
            ("CREATE TABLE public.\"it's\" (\n", true, false), ("    id integer\n", false, false), (");\n", false, true),
        })
            fresh.See(new DumpEvent(DumpEventKind.Statement, Encoding.UTF8.GetBytes(line), AtStatement: starts, EndsStatement: ends));

        Assert.NotNull(fresh.FrozenStart("public.t", "COPY public.t (id) FROM stdin;\n"u8));
        Assert.Null(fresh.FrozenStart("public.t", "COPY public.t (id) FROM stdin;\n"u8)); // a second block of it would empty the first
        Assert.Null(fresh.FrozenStart("public.r", "COPY public.r (at) FROM stdin;\n"u8)); // partitioned: its rows go to the partitions
        Assert.Null(fresh.FrozenStart("public.config", "COPY public.config (k) FROM stdin;\n"u8)); // an extension's: rows of its own may be there
        Assert.Null(fresh.FrozenStart("public.p", "COPY public.q (at) FROM stdin;\n"u8)); // the line is not of that table
        Assert.Contains("'table public.\"it''s\" holds rows before its COPY block, at ' || ctid)::integer FROM ONLY public.\"it's\" LIMIT 1;\nTRUNCATE ONLY public.\"it's\";\n",
            Encoding.UTF8.GetString(fresh.FrozenStart("public.\"it's\"", "COPY public.\"it's\" (id) FROM stdin;\n"u8)!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_psql_given_the_dump_in_order_gets_each_fresh_tables_first_block_frozen_and_committed()
    {
        const string dump = """
            SELECT pg_catalog.set_config('search_path', '', false);
            CREATE TABLE public.t (
                id integer
            );
            COPY public.t (id) FROM stdin;
            1
            2
            \.
            COPY public.t (id) FROM stdin;
            3
            \.
            COPY public.config (k) FROM stdin;
            k
            \.

            """;
        var (reading, fresh, given) = (new DumpReading(new MemoryStream(Encoding.UTF8.GetBytes(dump)), "test"), new FreshTables(), new StringBuilder());
        while (await reading.NextAsync(default) is { } e) given.Append(Encoding.UTF8.GetString(fresh.InOrder(e).Span));

        Assert.Equal(dump.Replace("COPY public.t (id) FROM stdin;\n1\n2\n\\.\n",
            "BEGIN;\nSELECT ('table public.t holds rows before its COPY block, at ' || ctid)::integer FROM ONLY public.t LIMIT 1;\n" +
            "TRUNCATE ONLY public.t;\nCOPY public.t (id) FROM stdin WITH (FREEZE);\n1\n2\n\\.\nCOMMIT;\n", StringComparison.Ordinal), given.ToString());
    }
}
