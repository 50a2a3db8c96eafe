using System.Text;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Restore;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>
/// Which waves a parallel load runs the entries after the data in, from their pg_dump headers alone:
/// every dependency pg_dump can write holds (the entries are pg_dump 15's, from the corpus of
/// <c>ParallelRestoreCorpusTests</c>).
/// </summary>
[Trait("Tier", "Fast")]
public class PostDataWavesTests
{
    private static HeldEntry Entry(string type, string sql) => HeldEntry.Of(type, Encoding.UTF8.GetBytes("SET default_tablespace = '';\n" + sql + "\n"));

    private static readonly Dictionary<string, string> NoPartitions = [];

    /// <summary>The plan as (phase, the statements of each unit), to compare whole.</summary>
    private static List<(string Phase, string[][] Units)> Plan(IReadOnlyList<HeldEntry> held, IReadOnlyDictionary<string, string>? partitions = null) =>
        [.. PostDataWaves.Plan(held, partitions ?? NoPartitions).Select(s => (s.Phase, s.Units.Select(u => u.Select(e => Encoding.UTF8.GetString(e.Sql).Split('\n')[1]).ToArray()).ToArray()))];

    [Fact]
    public void Index_attachments_run_after_every_index_and_before_the_foreign_keys_that_reference_the_partitioned_key()
    {
        // pg_dump's order: the keys (ONLY the parent: its index is invalid until each partition's is attached), indexes, attachments, triggers, foreign keys
        HeldEntry[] held =
        [
            Entry("CONSTRAINT", "ALTER TABLE ONLY lab.account ADD CONSTRAINT account_pk PRIMARY KEY (id, region);"),
            Entry("CONSTRAINT", "ALTER TABLE ONLY lab.account_eu ADD CONSTRAINT account_eu_pkey PRIMARY KEY (id, region);"),
            Entry("CONSTRAINT", "ALTER TABLE ONLY lab.account_de ADD CONSTRAINT account_de_pkey PRIMARY KEY (id, region);"),
            Entry("COMMENT", "COMMENT ON CONSTRAINT account_pk ON lab.account IS 'the partitioned key';"),
            Entry("INDEX", "CREATE INDEX account_norm ON ONLY lab.account USING btree (lab.norm(name));"),
            Entry("INDEX ATTACH", "ALTER INDEX lab.account_eu_pkey ATTACH PARTITION lab.account_de_pkey;"),
            Entry("INDEX ATTACH", "ALTER INDEX lab.account_pk ATTACH PARTITION lab.account_eu_pkey;"),
            Entry("STATISTICS", "CREATE STATISTICS lab.note_stats ON person, ticket FROM lab.note;"),
            Entry("TRIGGER", "CREATE TRIGGER account_touch BEFORE INSERT ON lab.account FOR EACH ROW EXECUTE FUNCTION lab.account_touch();"),
            Entry("FK CONSTRAINT", "ALTER TABLE ONLY lab.invoice ADD CONSTRAINT invoice_account_region_fkey FOREIGN KEY (account, region) REFERENCES lab.account(id, region);"),
            Entry("POLICY", "CREATE POLICY note_all ON lab.note USING (true);"),
            Entry("ACL", "GRANT SELECT ON TABLE lab.account TO corpus_reader;"),
            Entry("MATERIALIZED VIEW DATA", "REFRESH MATERIALIZED VIEW lab.counts;"),
        ];
        string Sql(int i) => Encoding.UTF8.GetString(held[i].Sql).Split('\n')[1];

        var plan = Plan(held);

        Assert.Equal(["indexes", "index_attachments", "foreign_keys", "in_order"], plan.Select(s => s.Phase));
        Assert.Equal([[Sql(0)], [Sql(1)], [Sql(2)], [Sql(4)]], plan[0].Units);
        Assert.Equal([[Sql(5), Sql(6)]], plan[1].Units); // one connection, in dump order
        Assert.Equal([[Sql(9)]], plan[2].Units);
        Assert.Equal([[Sql(3), Sql(7), Sql(8), Sql(10), Sql(11), Sql(12)]], plan[3].Units);
    }

    [Fact]
    public void A_function_pg_dump_writes_among_the_constraints_cuts_the_waves_the_index_calling_it_runs_after_it()
    {
        // a BEGIN ATOMIC body that groups by a primary key needs the key: pg_dump 15 writes the function after it, and the index on it after that
        HeldEntry[] held =
        [
            Entry("CONSTRAINT", "ALTER TABLE ONLY public.k ADD CONSTRAINT k_pkey PRIMARY KEY (id);"),
            Entry("FUNCTION", "CREATE FUNCTION public.kv(i integer) RETURNS text LANGUAGE sql IMMUTABLE BEGIN ATOMIC SELECT max(s.v) FROM (SELECT k.id, k.v FROM public.k GROUP BY k.id) s WHERE (s.id = kv.i); END;"),
            Entry("COMMENT", "COMMENT ON FUNCTION public.kv(integer) IS 'after the key';"),
            Entry("CONSTRAINT", "ALTER TABLE ONLY public.u ADD CONSTRAINT u_pkey PRIMARY KEY (id);"),
            Entry("INDEX", "CREATE INDEX u_kv ON public.u USING btree (public.kv(x));"),
            Entry("FK CONSTRAINT", "ALTER TABLE ONLY public.u ADD CONSTRAINT u_k FOREIGN KEY (x) REFERENCES public.k(id);"),
        ];

        var plan = Plan(held);

        Assert.Equal(["indexes", "in_order", "indexes", "foreign_keys", "in_order"], plan.Select(s => s.Phase));
        Assert.Contains("k_pkey", Assert.Single(Assert.Single(plan[0].Units)));
        Assert.StartsWith("CREATE FUNCTION public.kv", Assert.Single(Assert.Single(plan[1].Units)));
        Assert.Equal(2, plan[2].Units.Length);
        Assert.Contains("u_k FOREIGN KEY", Assert.Single(Assert.Single(plan[3].Units)));
        Assert.StartsWith("COMMENT ON FUNCTION", Assert.Single(Assert.Single(plan[4].Units)));
    }

    [Fact]
    public void Foreign_keys_whose_partition_trees_meet_share_a_connection()
    {
        var partitions = new Dictionary<string, string>
        {
            ["lab.account_eu"] = "lab.account", ["lab.account_de"] = "lab.account_eu", ["lab.payment_2025"] = "lab.payment",
        };
        HeldEntry[] held =
        [
            Entry("FK CONSTRAINT", "ALTER TABLE lab.payment ADD CONSTRAINT p_a FOREIGN KEY (account, region) REFERENCES lab.account(id, region);"),
            Entry("FK CONSTRAINT", "ALTER TABLE ONLY lab.audit ADD CONSTRAINT audit_de FOREIGN KEY (id, region) REFERENCES lab.account_de(id, region);"),
            Entry("FK CONSTRAINT", "ALTER TABLE ONLY lab.payment_2025 ADD CONSTRAINT p_x FOREIGN KEY (x) REFERENCES lab.x(id);"),
            Entry("FK CONSTRAINT", "ALTER TABLE ONLY lab.b ADD CONSTRAINT b_c FOREIGN KEY (c) REFERENCES lab.c(id);"),
        ];

        var units = Assert.Single(Plan(held, partitions)).Units;

        // the key to account_de locks account's tree as the key to account does; payment_2025's locks payment's
        Assert.Equal(2, units.Length);
        Assert.Equal(3, units.Single(u => u.Length > 1).Length);
        Assert.Contains("b_c", Assert.Single(units.Single(u => u.Length == 1)));
    }

    [Theory]
    [InlineData("INDEX", PostDataWave.Indexes)]
    [InlineData("CONSTRAINT", PostDataWave.Indexes)]
    [InlineData("INDEX ATTACH", PostDataWave.IndexAttachments)]
    [InlineData("FK CONSTRAINT", PostDataWave.ForeignKeys)]
    [InlineData("CHECK CONSTRAINT", PostDataWave.InOrder)]
    [InlineData("COMMENT", PostDataWave.InOrder)]
    [InlineData("SECURITY LABEL", PostDataWave.InOrder)]
    [InlineData("STATISTICS", PostDataWave.InOrder)]
    [InlineData("RULE", PostDataWave.InOrder)]
    [InlineData("TRIGGER", PostDataWave.InOrder)]
    [InlineData("EVENT TRIGGER", PostDataWave.InOrder)]
    [InlineData("POLICY", PostDataWave.InOrder)]
    [InlineData("ROW SECURITY", PostDataWave.InOrder)]
    [InlineData("PUBLICATION", PostDataWave.InOrder)]
    [InlineData("PUBLICATION TABLE", PostDataWave.InOrder)]
    [InlineData("PUBLICATION TABLES IN SCHEMA", PostDataWave.InOrder)]
    [InlineData("ACL", PostDataWave.InOrder)]
    [InlineData("DEFAULT ACL", PostDataWave.InOrder)]
    [InlineData("MATERIALIZED VIEW DATA", PostDataWave.InOrder)]
    [InlineData("FUNCTION", PostDataWave.Barrier)]
    [InlineData("PROCEDURE", PostDataWave.Barrier)]
    [InlineData("VIEW", PostDataWave.Barrier)]
    [InlineData("TABLE", PostDataWave.Barrier)]
    [InlineData("DEFAULT", PostDataWave.Barrier)]
    [InlineData("SOMETHING NEW", PostDataWave.Barrier)]
    public void Each_type_pg_dump_writes_after_the_data_has_its_wave_and_any_other_is_a_barrier(string type, PostDataWave wave) =>
        Assert.Equal(wave, DumpEntry.WaveOf(type));

    [Theory]
    [InlineData("ALTER TABLE ONLY lab.account ATTACH PARTITION lab.account_eu FOR VALUES IN ('de', 'fr');", "lab.account_eu", "lab.account")]
    [InlineData("ALTER TABLE ONLY \"Lab\".\"a b\" ATTACH PARTITION \"Lab\".\"a b (1)\" DEFAULT;", "\"Lab\".\"a b (1)\"", "\"Lab\".\"a b\"")]
    [InlineData("CREATE TABLE public.c PARTITION OF public.p (", "public.c", "public.p")]
    [InlineData("CREATE TABLE public.c PARTITION OF public.p", "public.c", "public.p")]
    [InlineData("CREATE UNLOGGED TABLE public.c PARTITION OF public.p", "public.c", "public.p")]
    [InlineData("CREATE FOREIGN TABLE public.c PARTITION OF public.p (", "public.c", "public.p")]
    public void A_partition_and_its_parent_are_read_from_either_statement_pg_dump_makes_them_with(string line, string partition, string parent) =>
        Assert.Equal((partition, parent), DumpEntry.PartitionOf(line));

    [Theory]
    [InlineData("CREATE TABLE public.t (")]
    [InlineData("ALTER TABLE ONLY public.t OWNER TO o;")]
    [InlineData("ALTER TABLE public.t ATTACH PARTITION public.c DEFAULT;")]
    public void Any_other_statement_makes_no_partition(string line) => Assert.Null(DumpEntry.PartitionOf(line));
}
