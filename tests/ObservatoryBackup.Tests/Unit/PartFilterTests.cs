using System.Text;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Format;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>
/// The part of a dump a restore passes on, over pg_dump 15's real output of a database with schemas, an
/// identity column, serial and shared sequences, an index, a trigger, row security, a policy, a view,
/// comments, grants and foreign keys within and across schemas (Dumps/partial-source.sql).
/// </summary>
[Trait("Tier", "Fast")]
public class PartFilterTests
{
    private static readonly string Source = File.ReadAllText(Path.Combine(Shell.RepoRoot, "tests", "ObservatoryBackup.Tests", "Unit", "Dumps", "partial-source.sql"));

    private static (string Sql, PartFilter Part) Pass(string sql, string[]? tables = null, string[]? schemas = null, bool holdBack = false)
    {
        var gate = new DumpGate(new DumpReading(new MemoryStream(Encoding.UTF8.GetBytes(sql)), "test"), noOwner: false, restrictKey: "OurKey1",
            holdBack: holdBack, part: RestorePart.Parse(tables, schemas));
        using var output = new MemoryStream();
        gate.Sql().CopyTo(output, 7); // small reads cross every line boundary
        return (Encoding.UTF8.GetString(output.ToArray()), gate.Part!);
    }

    /// <summary>The statements that passed, one a line (continuations joined), without comments, settings and rows.</summary>
    private static List<string> Statements(string sql) =>
        [.. sql.Split(";\n").Select(s => string.Join(" ", s.Split('\n').Where(l => !l.StartsWith("--") && !l.StartsWith('\\') && !l.Contains('\t')).Select(l => l.Trim())).Trim())
            .Where(s => s.Length > 0 && !s.StartsWith("SET ") && !s.StartsWith("SELECT pg_catalog.set_config"))];

    [Fact]
    public void A_table_comes_with_its_identity_sequence_index_constraints_trigger_policy_comments_and_grants_but_not_a_foreign_key_to_a_table_left_out()
    {
        var (sql, part) = Pass(Source, tables: ["public.child"]);
        var statements = Statements(sql);
        Assert.Contains(statements, s => s.StartsWith("CREATE TABLE public.child ("));
        Assert.Contains(statements, s => s.StartsWith("ALTER TABLE public.child ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY"));
        Assert.Contains("COMMENT ON TABLE public.child IS 'kids'", statements);
        Assert.Contains("COMMENT ON COLUMN public.child.note IS 'a note'", statements);
        Assert.Contains("SELECT pg_catalog.setval('public.child_id_seq', 3, true)", statements);
        Assert.Contains("ALTER TABLE ONLY public.child ADD CONSTRAINT child_pkey PRIMARY KEY (id)", statements);
        Assert.Contains("CREATE INDEX child_note_idx ON public.child USING btree (note)", statements);
        Assert.Contains(statements, s => s.StartsWith("CREATE TRIGGER t1 BEFORE INSERT ON public.child"));
        Assert.Contains("ALTER TABLE public.child DISABLE TRIGGER t1", statements);
        Assert.Contains("ALTER TABLE public.child ENABLE ROW LEVEL SECURITY", statements);
        Assert.Contains("CREATE POLICY p1 ON public.child USING (true)", statements);
        Assert.Contains("GRANT SELECT ON TABLE public.child TO reader", statements);
        Assert.Contains("1\t1\tx\n2\t2\ty\n3\t1\tz\n", sql);
        // the foreign key to public.parent, left out, and its comment; nothing of any other table, schema or function
        Assert.DoesNotContain(statements, s => s.Contains("child_parent_id_fkey") || s.Contains("public.parent") || s.Contains("s1") || s.Contains("s2") || s.StartsWith("CREATE FUNCTION") || s.Contains("child_view"));
        Assert.Equal(["public.child"], part.Copied);
        Assert.Empty(part.Unmatched);
    }

    [Fact]
    public void A_tables_owned_sequence_and_the_sequence_its_default_names_come_before_it_in_order()
    {
        var (sql, part) = Pass(Source, tables: ["parent"]);
        var statements = Statements(sql);
        int At(string start) => statements.FindIndex(s => s.StartsWith(start));
        Assert.True(At("CREATE SEQUENCE public.shared_seq") is >= 0 and var shared && shared < At("CREATE TABLE public.parent ("));
        Assert.True(At("CREATE TABLE public.parent (") < At("CREATE SEQUENCE public.parent_id_seq"));
        Assert.True(At("CREATE SEQUENCE public.parent_id_seq") < At("ALTER SEQUENCE public.parent_id_seq OWNED BY public.parent.id"));
        Assert.True(At("ALTER SEQUENCE public.parent_id_seq OWNED BY") < At("ALTER TABLE ONLY public.parent ALTER COLUMN id SET DEFAULT nextval('public.parent_id_seq'::regclass)"));
        Assert.Contains("SELECT pg_catalog.setval('public.shared_seq', 2, true)", statements);
        Assert.Contains("SELECT pg_catalog.setval('public.parent_id_seq', 2, true)", statements);
        Assert.Contains("ALTER TABLE ONLY public.parent ADD CONSTRAINT parent_pkey PRIMARY KEY (id)", statements);
        Assert.DoesNotContain(statements, s => s.Contains("child") || s.Contains("s1.") || s.Contains("a_id_seq"));
        Assert.Equal(["public.parent"], part.Copied);
    }

    [Fact]
    public void A_schema_comes_whole_with_its_grant_and_its_foreign_keys_within_it_but_not_one_to_a_table_outside()
    {
        var (sql, part) = Pass(Source, schemas: ["s1"]);
        var statements = Statements(sql);
        Assert.Contains("CREATE SCHEMA s1", statements);
        Assert.Contains("GRANT USAGE ON SCHEMA s1 TO reader", statements);
        Assert.Contains("ALTER SEQUENCE s1.a_id_seq OWNED BY s1.a.id", statements);
        Assert.Contains("ALTER TABLE ONLY s1.b ADD CONSTRAINT b_a_id_fkey FOREIGN KEY (a_id) REFERENCES s1.a(id)", statements);
        Assert.DoesNotContain(statements, s => s.Contains("a_p_fkey") || s.Contains("public.") || s.Contains("s2"));
        Assert.Equal(["s1.a", "s1.b"], part.Copied.Order());
    }

    private static readonly string Partitions = File.ReadAllText(Path.Combine(Shell.RepoRoot, "tests", "ObservatoryBackup.Tests", "Unit", "Dumps", "partial-partitions.sql"));

    [Theory]
    [InlineData(null, "tel")]
    [InlineData("tel.meas*", null)]
    public void A_partitioned_tables_primary_key_comes_with_its_partitions_attachments_as_pg_dump_n_gives_them(string? table, string? schema)
    {
        // pg_dump -n tel of Dumps/partial-partitions.sql's source: the partitions' key indexes attached to the parent's, which a foreign key needs
        var (sql, part) = Pass(Partitions, tables: table is null ? null : [table], schemas: schema is null ? null : [schema]);
        var statements = Statements(sql);
        Assert.Contains("ALTER INDEX tel.meas_pkey ATTACH PARTITION tel.meas_2024_pkey", statements);
        Assert.Contains("ALTER INDEX tel.meas_pkey ATTACH PARTITION tel.meas_2025_pkey", statements);
        Assert.Contains("ALTER INDEX tel.meas_v_idx ATTACH PARTITION tel.meas_2025_v_idx", statements);
        Assert.Contains("ALTER TABLE ONLY tel.meas_ref ADD CONSTRAINT meas_ref_id_d_fkey FOREIGN KEY (id, d) REFERENCES tel.meas(id, d)", statements);
        Assert.Equal(["tel.meas_2024", "tel.meas_2025", "tel.meas_ref"], part.Copied.Order());
        Assert.Empty(part.PartitionsLeftOut);
    }

    [Fact]
    public void A_partitioned_table_named_alone_comes_without_its_partitions_as_pg_dump_t_gives_it_and_says_which_were_left_out()
    {
        var (sql, part) = Pass(Partitions, tables: ["tel.meas"]);
        var statements = Statements(sql);
        Assert.Contains(statements, s => s.StartsWith("CREATE TABLE tel.meas ("));
        Assert.Contains("ALTER TABLE ONLY tel.meas ADD CONSTRAINT meas_pkey PRIMARY KEY (id, d)", statements);
        Assert.DoesNotContain(statements, s => s.Contains("meas_202") || s.Contains("meas_ref"));
        Assert.Empty(part.Copied); // its rows are its partitions'
        Assert.Equal(["tel.meas_2024", "tel.meas_2025"], part.PartitionsLeftOut);
    }

    private static readonly string Odd = File.ReadAllText(Path.Combine(Shell.RepoRoot, "tests", "ObservatoryBackup.Tests", "Unit", "Dumps", "partial-odd.sql"));

    [Fact]
    public void A_schema_comes_with_every_entry_pg_dump_n_gives_even_those_whose_header_or_first_statement_names_their_object_otherwise()
    {
        // pg_dump -n lab of Dumps/partial-odd.sql's source
        var (sql, part) = Pass(Odd, schemas: ["lab"]);
        var statements = Statements(sql);
        // a routine's comment and grant name its arguments: FUNCTION norm(t text), its entry norm(text)
        Assert.Contains("COMMENT ON FUNCTION lab.norm(t text) IS 'a function'", statements);
        Assert.Contains("GRANT ALL ON FUNCTION lab.norm(t text) TO odd_reader", statements);
        // a domain's NOT VALID constraint, written apart
        Assert.Contains("ALTER DOMAIN lab.code ADD CONSTRAINT code_short CHECK ((length(VALUE) < 40)) NOT VALID", statements);
        // a view that needs its table's key (GROUP BY p.id) is a placeholder made whole by its _RETURN rule
        Assert.Contains(statements, s => s.StartsWith("CREATE OR REPLACE VIEW lab.person_by_id AS SELECT p.id,"));
        // a partition's state of its parent's trigger
        Assert.Contains("ALTER TABLE lab.account_us DISABLE TRIGGER account_touch", statements);
        Assert.Equal(["lab.account_eu", "lab.account_us", "lab.person"], part.Copied.Order());
    }

    [Fact]
    public void A_partition_restored_alone_comes_without_the_state_of_a_trigger_only_its_parent_gives_it()
    {
        // pg_dump -t lab.account_us keeps the ALTER TABLE … DISABLE TRIGGER, which then fails: the partition, detached, has no such trigger
        var statements = Statements(Pass(Odd, tables: ["lab.account_us"]).Sql);
        Assert.Contains(statements, s => s.StartsWith("CREATE TABLE lab.account_us ("));
        Assert.DoesNotContain(statements, s => s.Contains("TRIGGER") || s.Contains("ATTACH"));
    }

    // pg_dump 15 of a database with citext in its own schema (ext) and hstore in public, which app.person's columns use
    private static readonly string Extensions = File.ReadAllText(Path.Combine(Shell.RepoRoot, "tests", "ObservatoryBackup.Tests", "Unit", "Dumps", "partial-extensions.sql"));

    [Theory]
    [InlineData("app.person", null, "app.person")]
    [InlineData(null, "other", "other.plain")]
    public void Every_part_comes_with_the_dumps_extensions_their_comments_and_the_schemas_they_are_in_before_anything_else(string? table, string? schema, string copied)
    {
        var (sql, part) = Pass(Extensions, tables: table is null ? null : [table], schemas: schema is null ? null : [schema]);
        var statements = Statements(sql);
        string[] extensions =
        [
            "CREATE SCHEMA ext", "ALTER SCHEMA ext OWNER TO postgres",
            "CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA ext", "COMMENT ON EXTENSION citext IS 'data type for case-insensitive character strings'",
            "CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public", "COMMENT ON EXTENSION hstore IS 'data type for storing sets of (key, value) pairs'",
        ];
        Assert.Equal(extensions, statements.Where(s => !s.Contains("SCHEMA other")).Take(extensions.Length)); // a selected schema passes at its place
        Assert.Equal([copied], part.Copied);
        Assert.DoesNotContain(statements, s => s.Contains("app.note") || s.Contains(schema is null ? "other." : "app."));
    }

    [Fact]
    public void A_parts_extensions_are_applied_by_the_connecting_user_as_a_whole_restores_are()
    {
        var applied = new List<PrefixStatement>();
        var gate = new DumpGate(new DumpReading(new MemoryStream(Encoding.UTF8.GetBytes(Extensions)), "test"), noOwner: false, restrictKey: "OurKey1", holdBack: true,
            applyPrefix: (statement, _) => { applied.Add(statement); return Task.CompletedTask; }, part: RestorePart.Parse(["app.person"], null));
        using var output = new MemoryStream();
        gate.Sql().CopyTo(output);
        Assert.Equal<PrefixStatement>(
            [
                new PrefixStatement.CreateSchema("ext"), new PrefixStatement.CreateExtension("citext", "ext"),
                new PrefixStatement.CommentOnExtension("citext", "data type for case-insensitive character strings"),
                new PrefixStatement.CreateExtension("hstore", "public"), new PrefixStatement.CommentOnExtension("hstore", "data type for storing sets of (key, value) pairs"),
                new PrefixStatement.CreateSchema("app"),
            ], applied);
        var psql = Encoding.UTF8.GetString(output.ToArray());
        Assert.DoesNotContain("EXTENSION", psql.Replace("Type: EXTENSION", "").Replace("Name: EXTENSION", ""));
        Assert.Contains("CREATE TABLE app.person (", psql);
    }

    [Theory]
    [InlineData("s2.\"Odd T\"", "s2.\"Odd T\"")]
    [InlineData("S1.A", "s1.a")]
    [InlineData("s1.*", "s1.a,s1.b")]
    [InlineData("s?.a", "s1.a")]
    [InlineData("*.\"Odd ?\"", "")]
    public void Names_are_read_as_pg_dump_reads_them(string pattern, string copied)
    {
        var (_, part) = Pass(Source, tables: [pattern]);
        Assert.Equal(copied, string.Join(",", part.Copied.Order()));
    }

    [Fact]
    public void A_table_in_its_own_schema_brings_the_schema_and_a_name_that_matches_nothing_is_reported()
    {
        var (sql, part) = Pass(Source, tables: ["s1.b", "nosuch"], schemas: ["nosuchschema"]);
        Assert.Contains("CREATE SCHEMA s1;", sql);
        Assert.Contains("GRANT USAGE ON SCHEMA s1 TO reader;", sql); // the schema's grant comes with it
        Assert.Equal(["nosuch", "nosuchschema"], part.Unmatched);
        Assert.Equal(["s1.b"], part.Copied);
    }

    [Theory]
    [InlineData("a.b.c")]
    [InlineData("\"open")]
    [InlineData("t[0-9]")]
    [InlineData("a|b")]
    [InlineData("")]
    public void A_name_pg_dump_would_read_otherwise_is_refused(string pattern) =>
        Assert.Equal(Setting.RestoreTable, Assert.Throws<ConfigurationException>(() => RestorePart.Parse([pattern], null)).Setting);

    [Fact]
    public void A_statement_the_gate_refuses_is_refused_in_an_entry_the_part_leaves_out()
    {
        var crafted = Source.Replace("ALTER TABLE s2.\"Odd T\" OWNER TO postgres;", "ALTER TABLE s2.\"Odd T\" OWNER TO postgres;\nALTER ROLE reader SUPERUSER;");
        Assert.Equal(ErrorIds.BackupUnsafe, Assert.Throws<BackupDataException>(() => Pass(crafted, tables: ["public.child"], holdBack: true)).ErrorId);
        var grant = Source.Replace("GRANT USAGE ON SCHEMA s1 TO reader;", "GRANT USAGE ON SCHEMA s1 TO reader; SELECT 1;");
        Assert.Equal(ErrorIds.BackupUnsafe, Assert.Throws<BackupDataException>(() => Pass(grant, tables: ["public.child"], holdBack: true)).ErrorId);
        var publication = Source.Replace("ALTER TABLE s2.\"Odd T\" OWNER TO postgres;", "ALTER TABLE s2.\"Odd T\" OWNER TO postgres;\nCREATE PUBLICATION p FOR ALL TABLES; DROP TABLE x;");
        Assert.Equal(ErrorIds.BackupUnsafe, Assert.Throws<BackupDataException>(() => Pass(publication, tables: ["public.child"], holdBack: true)).ErrorId);
        // left out without the load's checks (a verification pass), nothing is refused
        Assert.DoesNotContain("ALTER ROLE", Pass(crafted, tables: ["public.child"]).Sql);
    }

    [Fact]
    public void An_entry_left_out_passes_its_settings_and_nothing_a_line_that_starts_as_one_carries_after_it()
    {
        var crafted = Source.Replace("ALTER TABLE s2.\"Odd T\" OWNER TO postgres;", "ALTER TABLE s2.\"Odd T\" OWNER TO postgres;\nSET lock_timeout = ';'; CREATE TABLE public.smuggled (id integer);\nSET lock_timeout = 'x;y';");
        var (sql, _) = Pass(crafted, tables: ["public.child"]);
        Assert.DoesNotContain("smuggled", sql);
        Assert.Contains("SET lock_timeout = 'x;y';\n", sql); // a setting, quotes and all, still passes
    }

    [Fact]
    public void A_forbidden_meta_command_in_an_entry_left_out_still_fails_the_whole_stream()
    {
        var crafted = Source.Replace("CREATE TABLE s2.\"Odd T\" (", "\\! echo owned\nCREATE TABLE s2.\"Odd T\" (");
        var reading = new DumpReading(new MemoryStream(Encoding.UTF8.GetBytes(crafted)), "test");
        var gate = new DumpGate(reading, noOwner: false, restrictKey: "OurKey1", part: RestorePart.Parse(["public.child"], null));
        var thrown = Assert.Throws<BackupDataException>(() => gate.Sql().CopyTo(Stream.Null));
        Assert.Equal(ErrorIds.BackupUnsafe, thrown.ErrorId);
    }

    [Fact]
    public void Statement_names_are_read_whole_with_their_quotes()
    {
        Assert.Equal(("s", "a b"), StatementNames.After("CREATE INDEX \"x ON y\" ON ONLY s.\"a b\" USING btree (c);", "ON"));
        Assert.Equal(("public", "t"), StatementNames.After("ALTER TABLE ONLY public.u\n    ADD CONSTRAINT f FOREIGN KEY (x) REFERENCES public.t(id);", "REFERENCES"));
        Assert.Equal([("s", "it's")], StatementNames.NextvalSequences("x integer DEFAULT nextval('s.\"it''s\"'::regclass)"));
        Assert.Equal("a \"key\"", StatementNames.NameAfter("ALTER TABLE ONLY s.t\n    ADD CONSTRAINT \"a \"\"key\"\"\" PRIMARY KEY (id);", "ADD", "CONSTRAINT"));
    }
}
