using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Monitoring;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

/// <summary>
/// Part of a backup (<see cref="RestorePart"/>) restores what pg_dump's own selection of the same source,
/// restored by pg_restore, gives (pg_dump -t/-n, -Fc, then pg_restore, which goes past the foreign key
/// to a table left out as ours leaves it out): the same schema (pg_dump -s) and the same rows, at one job
/// and two. pg_restore's own -t would give less than a part is (the table and its data, no index,
/// constraint or grant), and its -n neither creates the schema nor grants on it.
/// </summary>
public class PartialRestoreTests(Servers servers) : IntegrationTest(servers)
{
    private const string Reader = "obs_part_reader";

    private const string Source = $"""
        CREATE SCHEMA s1; CREATE SCHEMA s2;
        CREATE SEQUENCE public.shared_seq;
        CREATE TABLE public.parent (id serial PRIMARY KEY, name text UNIQUE, n int DEFAULT nextval('public.shared_seq'));
        CREATE TABLE public.child (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, parent_id int REFERENCES public.parent(id), note text);
        CREATE INDEX child_note_idx ON public.child (note);
        COMMENT ON TABLE public.child IS 'kids';
        COMMENT ON COLUMN public.child.note IS 'a note';
        GRANT SELECT ON public.child TO {Reader};
        CREATE TRIGGER t1 BEFORE UPDATE ON public.child FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
        ALTER TABLE public.child ENABLE ROW LEVEL SECURITY;
        CREATE POLICY p1 ON public.child USING (true);
        CREATE TABLE s1.a (id serial PRIMARY KEY, p int REFERENCES public.parent(id));
        CREATE TABLE s1.b (id int PRIMARY KEY, a_id int REFERENCES s1.a(id), label text);
        CREATE INDEX b_label ON s1.b (label);
        CREATE VIEW s1.v AS SELECT a.id, b.label FROM s1.a JOIN s1.b ON b.a_id = a.id;
        GRANT USAGE ON SCHEMA s1 TO {Reader};
        GRANT SELECT ON ALL TABLES IN SCHEMA s1 TO {Reader};
        CREATE TABLE s2."Odd T" (x int);
        INSERT INTO public.parent(name) SELECT 'p' || g FROM generate_series(1, 50) g;
        INSERT INTO public.child(parent_id, note) SELECT 1 + g % 50, 'note ' || g FROM generate_series(1, 3000) g;
        INSERT INTO s1.a(p) SELECT 1 + g % 50 FROM generate_series(1, 40) g;
        INSERT INTO s1.b SELECT g, 1 + g % 40, E'tab\there ' || g FROM generate_series(1, 2000) g;
        INSERT INTO s2."Odd T" VALUES (5);
        """;

    private async Task<(string Db, string Bucket, string ObjectName)> SourceAsync(string name)
    {
        var (db, bucket) = (Servers.UniqueName(name), Servers.UniqueName("bkt"));
        await Pg.ExecuteAsync("postgres", $"DO $$ BEGIN CREATE ROLE {Reader}; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        await Pg.CreateDatabaseAsync(db);
        await Pg.ExecuteAsync(db, Source);
        return (db, bucket, (await BackupAsync(SettingsFor(db, bucket))).ObjectName);
    }

    private static Task<RestoreResult> RestorePartAsync(ObsSettings settings, string objectName, string[]? tables = null, string[]? schemas = null, RecordingLog? log = null) =>
        new RestoreEngine(new RestoreOptions(settings) { Part = RestorePart.Parse(tables, schemas) }, log ?? new RecordingLog()).RunAsync(objectName, RestoreMode.Staged, default);

    /// <summary>pg_dump's own selection of <paramref name="source"/>, custom format, restored into a new database by pg_restore (past what fails).</summary>
    private async Task<string> ReferenceAsync(string source, params string[] select)
    {
        var reference = Servers.UniqueName("ref");
        await Pg.CreateDatabaseAsync(reference);
        var file = Path.Combine(Path.GetTempPath(), reference + ".dump");
        var connect = $"-h 127.0.0.1 -p {Pg.Port} -U {PostgresServer.AdminUser}";
        try
        {
            await Shell.RunAsync("bash", ["-c", $"{PostgresServer.BinDir}/pg_dump {connect} -Fc {string.Join(' ', select)} -f {file} {source} && " +
                $"{{ {PostgresServer.BinDir}/pg_restore {connect} -d {reference} {file} || true; }}"],
                env: new Dictionary<string, string?> { ["PGPASSWORD"] = PostgresServer.AdminPassword });
        }
        finally
        {
            File.Delete(file);
        }
        return reference;
    }

    [Fact]
    public async Task A_table_and_a_schema_restore_as_pg_dumps_selection_restored_by_pg_restore_at_one_job_and_two()
    {
        var (db, bucket, objectName) = await SourceAsync("part");
        foreach (var (tables, schemas, select) in new (string[]?, string[]?, string[])[] { (["public.child"], null, ["-t", "public.child"]), (null, ["s1"], ["-n", "s1"]) })
        {
            var reference = await ReferenceAsync(db, select);
            foreach (var jobs in new[] { 1, 2 })
            {
                var target = Servers.UniqueName("parted");
                var log = new RecordingLog();
                var result = await RestorePartAsync(SettingsFor(target, bucket) with { RestoreJobs = jobs }, objectName, tables, schemas, log);
                Assert.False(result.Replaced);
                Assert.Equal(await Pg.SchemaAsync(reference), await Pg.SchemaAsync(target));
                Assert.Equal(await Pg.ContentDigestAsync(reference), await Pg.ContentDigestAsync(target));
                // proven against the part's own tables, each whole, and nothing else
                var proven = log.Events.Single(e => e.Name == "restore_proven");
                Assert.Equal(tables is null ? 2 : 1, (int)proven["tables"]!);
                Assert.Equal(tables is null ? 2040L : 3000L, (long)proven["rows"]!);
            }
        }
        // the foreign key to the table left out is left out, as pg_restore leaves it
        var child = await ReferenceAsync(db, "-t", "public.child");
        Assert.Equal(0L, await Pg.ScalarAsync<long>(child, "SELECT count(*) FROM pg_constraint WHERE contype = 'f'"));
    }

    [Fact]
    public async Task A_table_brings_the_sequences_its_defaults_take_values_from()
    {
        var (_, bucket, objectName) = await SourceAsync("partseq");
        var target = Servers.UniqueName("partedseq");
        await RestorePartAsync(SettingsFor(target, bucket), objectName, tables: ["PARENT"]);
        Assert.Equal(50L, await Pg.ScalarAsync<long>(target, "SELECT count(*) FROM public.parent"));
        Assert.Equal(50L, await Pg.ScalarAsync<long>(target, "SELECT last_value FROM public.shared_seq"));
        Assert.Equal(51, await Pg.ScalarAsync<int>(target, "INSERT INTO public.parent(name) VALUES ('new') RETURNING id"));
        Assert.Equal(["public.parent"], (await Pg.RowCountsAsync(target)).Keys);
    }

    [Fact]
    public async Task A_table_whose_columns_are_an_extensions_types_restores_with_the_backups_extensions()
    {
        var (db, bucket) = (Servers.UniqueName("partext"), Servers.UniqueName("bkt"));
        await Pg.CreateDatabaseAsync(db);
        await Pg.ExecuteAsync(db, """
            CREATE SCHEMA ext; CREATE EXTENSION citext WITH SCHEMA ext; CREATE EXTENSION hstore;
            CREATE TABLE public.person (id int PRIMARY KEY, email ext.citext UNIQUE, attrs public.hstore);
            INSERT INTO public.person VALUES (1, 'Ann@Example.org', 'lang=>en'), (2, 'bob@example.org', NULL);
            CREATE TABLE public.other (x int);
            """);
        var objectName = (await BackupAsync(SettingsFor(db, bucket))).ObjectName;
        var target = Servers.UniqueName("partedext");
        await RestorePartAsync(SettingsFor(target, bucket), objectName, tables: ["person"]);
        Assert.Equal(["public.person"], (await Pg.RowCountsAsync(target)).Keys);
        Assert.Equal("citext ext,hstore public", await Pg.ScalarAsync<string>(target,
            "SELECT string_agg(e.extname || ' ' || n.nspname, ',' ORDER BY e.extname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql'"));
        Assert.Equal("en", await Pg.ScalarAsync<string>(target, "SELECT attrs -> 'lang' FROM public.person WHERE email OPERATOR(ext.=) 'ann@example.ORG'"));
        Assert.Equal("data type for storing sets of (key, value) pairs", await Pg.ScalarAsync<string>(target, "SELECT obj_description(oid, 'pg_extension') FROM pg_extension WHERE extname = 'hstore'"));
    }

    [Fact]
    public async Task Part_of_a_backup_into_a_database_that_exists_is_refused_and_a_name_that_matches_nothing_fails_it()
    {
        var (db, bucket, objectName) = await SourceAsync("partno");
        var ex = await Assert.ThrowsAsync<OptionConflictException>(() => RestorePartAsync(SettingsFor(db, bucket), objectName, tables: ["public.child"]));
        Assert.Equal(OptionRule.PartIntoExistingDatabase, ex.Rule);
        Assert.Equal(1L, await Pg.ScalarAsync<long>(db, "SELECT count(*) FROM s2.\"Odd T\""));

        var target = Servers.UniqueName("partnone");
        var missing = await Assert.ThrowsAsync<BackupDataException>(() => RestorePartAsync(SettingsFor(target, bucket), objectName, tables: ["public.child", "public.nosuch"]));
        Assert.Equal(ErrorIds.NotInBackup, missing.ErrorId);
        Assert.Contains("'public.nosuch'", missing.Message, StringComparison.Ordinal);
        Assert.False(await Pg.DatabaseExistsAsync(target));
        Assert.Equal(0L, await Pg.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname LIKE '{target}_obs_restore_%'"));
    }

    [Fact]
    public async Task Contents_lists_the_manifests_rows_and_verified_catches_a_manifest_that_lies()
    {
        var (db, bucket, objectName) = await SourceAsync("contents");
        var engine = new ContentsEngine(new TestOptions(SettingsFor(db, bucket)), new RecordingLog());
        var expected = new[] { ("public.child", 3000L), ("public.parent", 50L), ("s1.a", 40L), ("s1.b", 2000L), ("s2.\"Odd T\"", 1L) };
        foreach (var verify in new[] { false, true })
        {
            var contents = await engine.RunAsync(objectName, verify, default);
            Assert.Equal(expected, contents.Tables.Select(t => (t.Table, t.Rows)));
            Assert.All(contents.Tables, t => Assert.Equal(verify, t.Verified));
        }

        // forged: the manifest says public.child has a row more than its COPY block carries
        var sql = Dumps.Gunzip(await S3.GetAsync(bucket, objectName));
        var forged = sql.Replace("\"public.child\":3000", "\"public.child\":3001", StringComparison.Ordinal);
        Assert.NotEqual(sql, forged);
        var forgedName = objectName.Replace($"/{db}_", $"/{db}x_", StringComparison.Ordinal);
        await S3.PutAsync(bucket, forgedName, Dumps.Gzip(forged));
        Assert.Equal(3001L, (await engine.RunAsync(forgedName, verify: false, default)).Tables.Single(t => t.Table == "public.child").Rows);
        Assert.Equal(ErrorIds.BackupCorrupt, (await Assert.ThrowsAsync<BackupDataException>(() => engine.RunAsync(forgedName, verify: true, default))).ErrorId);

        // plain pg_dump | gzip has no manifest: only a verifying read lists it
        var plainName = objectName.Replace($"/{db}_", $"/{db}y_", StringComparison.Ordinal);
        await S3.PutAsync(bucket, plainName, Dumps.Gzip(Dumps.WithoutManifest(sql)));
        Assert.Equal(ErrorIds.NotInBackup, (await Assert.ThrowsAsync<BackupDataException>(() => engine.RunAsync(plainName, verify: false, default))).ErrorId);
        Assert.Equal(expected, (await engine.RunAsync(plainName, verify: true, default)).Tables.Select(t => (t.Table, t.Rows)));
    }

    [Fact]
    public async Task A_statement_a_crafted_dump_puts_in_a_selected_tables_entry_is_contained_and_the_proof_finds_what_it_made()
    {
        var (db, bucket, objectName) = await SourceAsync("partcraft");
        var sql = Dumps.WithoutManifest(Dumps.Gunzip(await S3.GetAsync(bucket, objectName)));
        var owner = $"ALTER TABLE public.child OWNER TO {PostgresServer.AdminUser};\n";
        Assert.Contains(owner, sql);
        var craftedName = objectName.Replace($"/{db}_", $"/{db}x_", StringComparison.Ordinal);

        // a table of its own, made under the selected table's header: loaded, then found by the proof
        await S3.PutAsync(bucket, craftedName, Dumps.Gzip(sql.Replace(owner, owner + "CREATE TABLE public.sneaky AS SELECT 1 AS x;\n", StringComparison.Ordinal)));
        var target = Servers.UniqueName("partcrafted");
        var mismatch = await Assert.ThrowsAsync<ObsBackupException>(() => RestorePartAsync(SettingsFor(target, bucket), craftedName, tables: ["public.child"]));
        Assert.Equal(ErrorIds.RestoreMismatch, mismatch.ErrorId);
        Assert.Contains("sneaky", mismatch.Message, StringComparison.Ordinal);
        Assert.False(await Pg.DatabaseExistsAsync(target));

        // reaching beyond the database from the selected table's entry: refused as in a whole restore
        await S3.PutAsync(bucket, craftedName, Dumps.Gzip(sql.Replace(owner, owner + $"ALTER ROLE {Reader} SUPERUSER;\n", StringComparison.Ordinal)));
        var unsafeEx = await Assert.ThrowsAsync<BackupDataException>(() => RestorePartAsync(SettingsFor(target, bucket), craftedName, tables: ["public.child"]));
        Assert.Equal(ErrorIds.BackupUnsafe, unsafeEx.ErrorId);
        Assert.False(await Pg.ScalarAsync<bool>("postgres", $"SELECT rolsuper FROM pg_roles WHERE rolname = '{Reader}'"));
        Assert.False(await Pg.DatabaseExistsAsync(target));
    }
}
