using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Testing;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

/// <summary>
/// A restore over several connections gives the database one connection gives: the same schema
/// (pg_dump --schema-only) and the same rows per table (compared sorted: rows dealt across
/// connections land in another physical order), over a corpus of what schemas hold.
/// </summary>
public class ParallelRestoreTests(Servers servers) : IntegrationTest(servers)
{
    /// <summary>Partitions, inheritance, every kind of key, generated columns, views, rules, policies, large objects, awkward COPY data.</summary>
    private const string Corpus = """
        CREATE EXTENSION citext;
        CREATE EXTENSION btree_gist;
        CREATE SCHEMA lab;
        CREATE TYPE lab.mood AS ENUM ('calm', 'busy', 'ünïcode');
        CREATE DOMAIN lab.positive AS integer CHECK (VALUE > 0);
        CREATE SEQUENCE lab.ticket START 1000 INCREMENT 7;

        CREATE TABLE lab.person (
            id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            email citext UNIQUE NOT NULL,
            boss int REFERENCES lab.person(id),
            mood lab.mood DEFAULT 'calm',
            score lab.positive,
            name_upper text GENERATED ALWAYS AS (upper(email::text)) STORED);
        CREATE TABLE lab.note (
            id bigserial PRIMARY KEY,
            person int NOT NULL,
            ticket int DEFAULT nextval('lab.ticket'),
            body text,
            during tstzrange,
            EXCLUDE USING gist (person WITH =, during WITH &&));
        ALTER TABLE lab.note ADD CONSTRAINT note_person FOREIGN KEY (person) REFERENCES lab.person(id) DEFERRABLE INITIALLY DEFERRED;
        CREATE INDEX note_body ON lab.note (lower(body));
        CREATE INDEX note_partial ON lab.note (ticket) WHERE ticket > 2000;

        CREATE TABLE lab.event (id bigint, at date NOT NULL, kind text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
        CREATE TABLE lab.event_2025 PARTITION OF lab.event FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE TABLE lab.event_2026 PARTITION OF lab.event FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
        CREATE INDEX event_kind ON lab.event (kind);
        CREATE TABLE lab.animal (id int PRIMARY KEY, name text);
        CREATE TABLE lab.dog (barks boolean) INHERITS (lab.animal);
        CREATE UNLOGGED TABLE lab.scratch (k text PRIMARY KEY, v jsonb);
        CREATE TABLE lab.empty (id int PRIMARY KEY, ref int REFERENCES lab.animal(id));
        CREATE TABLE lab.a (id int PRIMARY KEY, b_id int);
        CREATE TABLE lab.b (id int PRIMARY KEY, a_id int REFERENCES lab.a(id));
        ALTER TABLE lab.a ADD CONSTRAINT a_b FOREIGN KEY (b_id) REFERENCES lab.b(id);

        CREATE FUNCTION lab.shout(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT upper(t) || '!' $$;
        CREATE VIEW lab.loud AS SELECT id, lab.shout(body) AS body FROM lab.note;
        CREATE MATERIALIZED VIEW lab.counts AS SELECT person, count(*) AS n FROM lab.note GROUP BY person;
        CREATE UNIQUE INDEX counts_person ON lab.counts (person);
        CREATE FUNCTION lab.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.body := coalesce(NEW.body, '') ; RETURN NEW; END $$;
        CREATE TRIGGER note_touch BEFORE INSERT OR UPDATE ON lab.note FOR EACH ROW EXECUTE FUNCTION lab.touch();
        CREATE RULE animal_no_delete AS ON DELETE TO lab.animal DO INSTEAD NOTHING;
        ALTER TABLE lab.person ENABLE ROW LEVEL SECURITY;
        CREATE POLICY person_self ON lab.person USING (email = current_user::citext);
        COMMENT ON TABLE lab.note IS 'notes; with a '' quote';
        COMMENT ON COLUMN lab.person.email IS 'the login';
        GRANT SELECT (id, email) ON lab.person TO PUBLIC;

        INSERT INTO lab.person (email, boss, mood, score) SELECT 'p' || g || '@example.org', NULL, (ARRAY['calm','busy','ünïcode'])[1 + g % 3]::lab.mood, g FROM generate_series(1, 300) g;
        UPDATE lab.person SET boss = id - 1 WHERE id > 1;
        INSERT INTO lab.note (person, body, during)
            SELECT 1 + g % 300,
                   (ARRAY[E'tab\there', E'back\\slash', E'new\nline', E'\\.', E'\\.\n\\.', 'ünïcode ✓ 日本', '', NULL])[1 + g % 8] || g,
                   tstzrange(timestamptz '2026-01-01' + g * interval '1 hour', timestamptz '2026-01-01' + g * interval '1 hour' + interval '30 minutes')
            FROM generate_series(1, 5000) g;
        INSERT INTO lab.event SELECT g, date '2025-06-01' + (g % 400), 'k' || (g % 9) FROM generate_series(1, 3000) g;
        INSERT INTO lab.animal VALUES (1, 'cat'), (2, 'cow');
        INSERT INTO lab.dog VALUES (3, 'rex', true), (4, E'mul\\ti', false);
        INSERT INTO lab.scratch SELECT 'k' || g, jsonb_build_object('g', g, 's', E'a\tb') FROM generate_series(1, 500) g;
        INSERT INTO lab.a VALUES (1, NULL), (2, NULL);
        INSERT INTO lab.b VALUES (1, 1), (2, 2);
        UPDATE lab.a SET b_id = id;
        SELECT setval('lab.ticket', 99999);
        REFRESH MATERIALIZED VIEW lab.counts;
        SELECT lo_from_bytea(0, convert_to(repeat('large object ', 5000), 'UTF8'));
        """;

    private static async Task<string> ContentsAsync(PostgresServer pg, string db) =>
        await pg.ContentDigestAsync(db) + "\n" +
        await pg.ScalarAsync<string>(db, "SELECT coalesce(string_agg(person || ':' || n, ',' ORDER BY person), '') FROM lab.counts") + "\n" +
        await pg.ScalarAsync<string>(db, "SELECT md5(string_agg(encode(data, 'hex'), '' ORDER BY loid, pageno)) FROM pg_largeobject") + "\n" +
        await pg.ScalarAsync<long>(db, "SELECT last_value FROM lab.ticket") + "\n" +
        await pg.ScalarAsync<int>(db, "SELECT count(*)::int FROM lab.dog") + "/" + await pg.ScalarAsync<int>(db, "SELECT count(*)::int FROM lab.animal");

    [Fact]
    public async Task One_connection_and_four_give_the_same_schema_and_the_same_rows_over_the_corpus()
    {
        var (db, bucket) = (Servers.UniqueName("corpus"), Servers.UniqueName("bkt"));
        await Pg.CreateDatabaseAsync(db);
        await Pg.ExecuteAsync(db, Corpus);
        var backup = await BackupAsync(SettingsFor(db, bucket));

        var log = new RecordingLog();
        var contents = await ContentsAsync(Pg, db);
        foreach (var jobs in new[] { 1, 4 })
        {
            var target = $"{db}-j{jobs}";
            await RestoreAsync(SettingsFor(target, bucket) with { RestoreJobs = jobs }, backup.ObjectName, log: jobs == 4 ? log : null);
            Assert.Equal(await Pg.SchemaAsync(db), await Pg.SchemaAsync(target));
            Assert.Equal(contents, await ContentsAsync(Pg, target));
        }
        // it did run in parallel: rows dealt, then indexes and foreign keys in waves
        Assert.Contains(log.Events, e => e.Name == "restore_phase" && (string)e["phase"]! == "indexes");
        Assert.Contains(log.Events, e => e.Name == "restore_phase" && (string)e["phase"]! == "foreign_keys");
        Assert.Equal(5000L + 300 + 3000 + 500 + 2 + 2 + 2 + 2, (long)log.Events.Single(e => e.Name == "restore_phase" && (string)e["phase"]! == "data_loaded")["rows"]!);

        var test = await new BackupTestEngine(new TestOptions(SettingsFor(db, bucket) with { RestoreJobs = 3 }), new RecordingLog()).RunAsync(backup.ObjectName, verifyOnly: false, keep: false, default);
        Assert.True(test.Passed);
    }

    [Fact]
    public async Task A_constraint_that_does_not_hold_in_one_connection_stops_them_all_and_leaves_the_target_as_it_was()
    {
        var (db, bucket) = (Servers.UniqueName("pfail"), Servers.UniqueName("bkt"));
        await Pg.CreateDatabaseAsync(db);
        await Pg.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY, body text); INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 20000) g");
        var backup = await BackupAsync(SettingsFor(db, bucket));
        // crafted: a row twice, which the primary key, built after the data on one of the connections, must refuse
        var sql = Dumps.WithoutManifest(Dumps.Gunzip(await S3.GetAsync(bucket, backup.ObjectName)));
        var crafted = sql.Replace("\n\\.\n", "\n1\trow 1\n\\.\n", StringComparison.Ordinal);
        Assert.NotEqual(sql, crafted);
        var target = Servers.UniqueName("ptarget");
        await Pg.CreateDatabaseAsync(target);
        await Pg.ExecuteAsync(target, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)");
        var craftedName = backup.ObjectName.Replace($"/{db}_", $"/{db}x_", StringComparison.Ordinal);
        await S3.PutAsync(bucket, craftedName, Dumps.Gzip(crafted));

        var ex = await Assert.ThrowsAsync<RestoreFailedException>(() => RestoreAsync(SettingsFor(target, bucket) with { RestoreJobs = 4 }, craftedName));

        Assert.Contains("could not create unique index \"t_pkey\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Key (id)=(1) is duplicated", ex.Message, StringComparison.Ordinal);
        Assert.Equal(42, await Pg.ScalarAsync<int>(target, "SELECT id FROM kept"));
        Assert.Equal(0L, await Pg.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname LIKE '{target}_obs_restore_%'"));
    }

    [Fact]
    public async Task A_failure_on_one_of_several_connections_names_the_dump_entry_instead_of_a_line_of_that_connection()
    {
        var (db, bucket) = (Servers.UniqueName("pwhere"), Servers.UniqueName("bkt"));
        await Pg.CreateDatabaseAsync(db);
        await Pg.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY, body text); INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 2000) g");
        var backup = await BackupAsync(SettingsFor(db, bucket));
        var sql = Dumps.WithoutManifest(Dumps.Gunzip(await S3.GetAsync(bucket, backup.ObjectName)));
        // crafted: a row that is no integer (the data fails), and a row twice (the primary key, after the data, fails)
        foreach (var (stem, row, what) in new[] { ("bad", "x\trow x", "in the rows of public.t"), ("twice", "1\trow 1", "in the dump's CONSTRAINT t t_pkey (schema public)") })
        {
            var crafted = sql.Replace("\n\\.\n", $"\n{row}\n\\.\n", StringComparison.Ordinal);
            Assert.NotEqual(sql, crafted);
            var craftedName = backup.ObjectName.Replace($"/{db}_", $"/{db}{stem}_", StringComparison.Ordinal);
            await S3.PutAsync(bucket, craftedName, Dumps.Gzip(crafted));
            var ex = await Assert.ThrowsAsync<RestoreFailedException>(() => RestoreAsync(SettingsFor($"{db}-{stem}", bucket) with { RestoreJobs = 2 }, craftedName));
            // psql's "psql:<stdin>:N:" counts the lines one connection was given: no line of the dump, so it is not shown
            Assert.DoesNotContain("psql:<stdin>:", ex.Message, StringComparison.Ordinal);
            Assert.Contains($"psql, {what}: ERROR: ", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_server_that_turns_a_second_connection_away_fails_the_load_saying_to_restore_with_fewer_jobs()
    {
        var db = Servers.UniqueName("pslots");
        var role = db.Replace('-', '_');
        await Pg.CreateDatabaseAsync(db);
        await Pg.ExecuteAsync(db, $"CREATE ROLE {role} LOGIN PASSWORD 'p' CONNECTION LIMIT 1; CREATE TABLE a (id int); CREATE TABLE b (id int); GRANT INSERT ON a, b TO {role}");
        var dump = string.Concat(new[] { "a", "b" }.Select(t => $"--\n-- Data for Name: {t}; Type: TABLE DATA; Schema: public; Owner: -\n--\n\nCOPY public.{t} (id) FROM stdin;\n1\n\\.\n\n"));
        // the data's two connections at once, where the server takes one of this role's. Both tables are locked: the
        // connection that gets in first waits in its COPY, so it is still there when the other connects, however
        // late the other's psql starts on a busy machine
        await using var locker = Pg.Connect(db);
        await locker.OpenAsync();
        await using var locks = await locker.BeginTransactionAsync();
        await using (var lockBoth = new Npgsql.NpgsqlCommand("LOCK TABLE a, b IN ACCESS EXCLUSIVE MODE", locker, locks)) await lockBoth.ExecuteNonQueryAsync();
        var load = new ParallelLoad($"{PostgresServer.BinDir}/psql", DatabaseUrl.Parse(Pg.Url(db, role, "p")), 2, new Logging.EventLog(new RecordingLog(), TimeProvider.System), null);

        var (exitCode, error) = await load.RunAsync(new Format.DumpReading(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(dump)), "test").NextAsync, default);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("too many connections for role", error, StringComparison.Ordinal);
        Assert.Contains("The load opens 2 connections at once", error, StringComparison.Ordinal);
        Assert.Contains("restore with fewer jobs (the jobs option, or OBS_RESTORE_JOBS; 1 loads over one connection)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_jobs_loads_a_table_it_created_frozen_and_fails_on_rows_put_in_before_its_block()
    {
        var (db, bucket) = (Servers.UniqueName("frozen"), Servers.UniqueName("bkt"));
        await Pg.CreateDatabaseAsync(db);
        await Pg.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY, body text); INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 20000) g");
        var backup = await BackupAsync(SettingsFor(db, bucket));
        foreach (var jobs in new[] { 1, 2 })
        {
            var target = $"{db}-j{jobs}";
            await RestoreAsync(SettingsFor(target, bucket) with { RestoreJobs = jobs }, backup.ObjectName);
            await Pg.ExecuteAsync(target, "CREATE EXTENSION pg_visibility");
            // COPY … FREEZE marks every page all-frozen as it writes it: no later scan or vacuum writes them again
            Assert.True(await Pg.ScalarAsync<bool>(target, "SELECT bool_and(all_frozen) FROM pg_visibility_map('public.t')"));
            Assert.Equal(20000L, await Pg.ScalarAsync<long>(target, "SELECT count(*) FROM t"));
        }

        // crafted: a row put into t before its COPY block, which the TRUNCATE must not silently take away
        var sql = Dumps.WithoutManifest(Dumps.Gunzip(await S3.GetAsync(bucket, backup.ObjectName)));
        var crafted = sql.Replace("COPY public.t (id, body) FROM stdin;", "INSERT INTO public.t VALUES (0, 'before');\nCOPY public.t (id, body) FROM stdin;", StringComparison.Ordinal);
        Assert.NotEqual(sql, crafted);
        var craftedName = backup.ObjectName.Replace($"/{db}_", $"/{db}x_", StringComparison.Ordinal);
        await S3.PutAsync(bucket, craftedName, Dumps.Gzip(crafted));
        foreach (var jobs in new[] { 1, 2 })
        {
            var ex = await Assert.ThrowsAsync<RestoreFailedException>(() => RestoreAsync(SettingsFor($"{db}-x{jobs}", bucket) with { RestoreJobs = jobs }, craftedName));
            Assert.Contains("table public.t holds rows before its COPY block", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_killed_server_process_stops_every_connection_and_leaves_the_target_as_it_was()
    {
        var (db, bucket) = (Servers.UniqueName("pkill"), Servers.UniqueName("bkt"));
        await Pg.CreateDatabaseAsync(db);
        await Pg.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY, body text); INSERT INTO t SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 400000) g");
        var backup = await BackupAsync(SettingsFor(db, bucket));
        await Pg.ExecuteAsync(db, "INSERT INTO t VALUES (0, 'only in the target')");

        // once a connection loads rows into the staging database (each table's go whole to one) while the data phase's
        // three connections are open, its server process is killed
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var killer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var killed = await Pg.ScalarAsync<long>("postgres", $"""
                    SELECT count(pg_terminate_backend(pid)) FROM (
                        SELECT pid FROM pg_stat_activity WHERE datname LIKE '{db}_obs_restore_%' AND query LIKE 'COPY%'
                        ORDER BY pid LIMIT 1) p
                    WHERE (SELECT count(*) FROM pg_stat_activity WHERE datname LIKE '{db}_obs_restore_%' AND backend_type = 'client backend') >= 3
                    """);
                if (killed > 0) return true;
                await Task.Delay(20);
            }
            return false;
        });

        var ex = await Assert.ThrowsAsync<RestoreFailedException>(() => RestoreAsync(SettingsFor(db, bucket) with { RestoreJobs = 3 }, backup.ObjectName));
        await stop.CancelAsync();

        Assert.True(await killer);
        Assert.True(ex.TargetUntouched);
        Assert.Equal(400001L, await Pg.ScalarAsync<long>(db, "SELECT count(*) FROM t"));
        Assert.Equal(0L, await Pg.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname LIKE '{db}_obs_restore_%'"));
        Assert.Equal(0L, await Pg.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'psql'"));
    }

    [Fact]
    public async Task A_table_made_unique_before_its_rows_with_a_row_twice_fails_the_load_instead_of_hanging_it()
    {
        // crafted: the key inline in CREATE TABLE, and the first run's first rows again in the second run, which
        // another connection loads: it waits for the first one's COPY, which waits for rows the dealer holds
        var db = Servers.UniqueName("phang");
        await Pg.CreateDatabaseAsync(db);
        var dump = new System.Text.StringBuilder("""
            SET statement_timeout = 0;
            SET lock_timeout = 0;

            --
            -- Name: t; Type: TABLE; Schema: public; Owner: o
            --

            CREATE TABLE public.t (id integer PRIMARY KEY, pad text);

            --
            -- Data for Name: t; Type: TABLE DATA; Schema: public; Owner: o
            --

            COPY public.t (id, pad) FROM stdin;

            """);
        foreach (var id in Enumerable.Range(1_000_001, 50_000).Concat(Enumerable.Range(1_000_001, 1_000)))
            dump.Append(id).Append("\t\n");
        // then more rows than the pipes and socket buffers of the waiting connection take
        var pad = new string('x', 1000);
        foreach (var id in Enumerable.Range(2_000_001, 48_000)) dump.Append(id).Append('\t').Append(pad).Append('\n');
        dump.Append("\\.\n\n");
        // rows dealt from the first (a block larger than a connection loads alone is dealt past DealAfterBytes)
        var load = new ParallelLoad($"{PostgresServer.BinDir}/psql", DatabaseUrl.Parse(Pg.Url(db)), 2, new Logging.EventLog(new RecordingLog(), TimeProvider.System), null, dealAfterBytes: 1)
        {
            DataLockTimeout = TimeSpan.FromSeconds(3),
        };
        using var hang = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        // the dump read a few bytes at a time at first: the block's first rows, which one connection loads
        // alone, are then no more than a read, and the rows that clash are all dealt
        var (exitCode, error) = await load.RunAsync(new Format.DumpReading(new SmallFirstReads(System.Text.Encoding.UTF8.GetBytes(dump.ToString())), "test").NextAsync, hang.Token);

        // it fails, well before the hang's 90 s: by the data connections' lock timeout where the clashing rows
        // meet on two connections mid-COPY (most runs), or at once where the server saw the first row committed
        Assert.NotEqual(0, exitCode);
        Assert.False(hang.IsCancellationRequested);
        Assert.True(error.Contains("lock timeout", StringComparison.Ordinal) || error.Contains("duplicate key value", StringComparison.Ordinal), error);
    }

    /// <summary>A dump whose reads give at most 16 bytes until its first 64 KiB have gone by.</summary>
    private sealed class SmallFirstReads(byte[] bytes) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Position < 65536 ? Math.Min(count, 16) : count);

        public override int Read(Span<byte> buffer) => base.Read(Position < 65536 ? buffer[..Math.Min(buffer.Length, 16)] : buffer);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            base.ReadAsync(Position < 65536 ? buffer[..Math.Min(buffer.Length, 16)] : buffer, ct);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            base.ReadAsync(buffer, offset, Position < 65536 ? Math.Min(count, 16) : count, ct);
    }
}
