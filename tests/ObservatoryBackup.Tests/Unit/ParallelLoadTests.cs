using System.Text;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Format;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>
/// How a parallel load shares a dump out, seen through psqls that only write down what they were
/// given (one file per connection, in the order the connections started), whatever sizes the reads come in.
/// </summary>
[Trait("Tier", "Fast")]
public class ParallelLoadTests
{
    private static string Dump(int rows)
    {
        var sql = new StringBuilder("""
            --
            -- PostgreSQL database dump
            --

            \restrict KEY
            SET statement_timeout = 0;
            SELECT pg_catalog.set_config('search_path', '', false);

            --
            -- Name: t; Type: TABLE; Schema: public; Owner: o
            --

            CREATE TABLE public.t (id integer, body text);

            --
            -- Name: u; Type: TABLE; Schema: public; Owner: o
            --

            CREATE TABLE public.u (id integer);

            --
            -- Data for Name: t; Type: TABLE DATA; Schema: public; Owner: o
            --

            COPY public.t (id, body) FROM stdin;

            """);
        for (var i = 0; i < rows; i++) sql.Append(i).Append('\t').Append(i % 7 == 0 ? @"\\." : "row\\t" + new string('x', i % 300)).Append('\n');
        sql.Append("""
            \.


            --
            -- Data for Name: u; Type: TABLE DATA; Schema: public; Owner: o
            --

            COPY public.u (id) FROM stdin;
            \.


            SELECT pg_catalog.setval('public.s', 5, true);

            --
            -- Name: t t_pkey; Type: CONSTRAINT; Schema: public; Owner: o
            --

            ALTER TABLE ONLY public.t
                ADD CONSTRAINT t_pkey PRIMARY KEY (id);

            --
            -- Name: t_body; Type: INDEX; Schema: public; Owner: o
            --

            SET default_tablespace = fast;

            CREATE INDEX t_body ON public.t USING btree (body);

            --
            -- Name: t_id2; Type: INDEX; Schema: public; Owner: o
            --

            CREATE INDEX t_id2 ON public.t USING btree (id);

            --
            -- Name: u u_t; Type: FK CONSTRAINT; Schema: public; Owner: o
            --

            ALTER TABLE ONLY public.u
                ADD CONSTRAINT u_t FOREIGN KEY (id) REFERENCES public.t(id);

            --
            -- Name: TABLE t; Type: ACL; Schema: public; Owner: o
            --

            GRANT SELECT ON TABLE public.t TO reader;

            --
            -- PostgreSQL database dump complete
            --

            """);
        return sql.ToString();
    }

    /// <summary>The rows of table t's COPY blocks in what a connection was given: after each COPY line, the lines up to the one that is exactly "\.".</summary>
    private static List<string> Block(string given)
    {
        var (rows, inBlock) = (new List<string>(), false);
        foreach (var line in given.Split('\n'))
        {
            if (line.StartsWith("COPY public.t (id, body) FROM stdin", StringComparison.Ordinal)) inBlock = true;
            else if (line == "\\.") inBlock = false;
            else if (inBlock) rows.Add(line);
        }
        return rows;
    }

    private const string FrozenT = "BEGIN;\nSELECT ('table public.t holds rows before its COPY block, at ' || ctid)::integer FROM ONLY public.t LIMIT 1;\n" +
        "TRUNCATE ONLY public.t;\nCOPY public.t (id, body) FROM stdin WITH (FREEZE);\n";

    private const string FrozenU = "BEGIN;\nSELECT ('table public.u holds rows before its COPY block, at ' || ctid)::integer FROM ONLY public.u LIMIT 1;\n" +
        "TRUNCATE ONLY public.u;\nCOPY public.u (id) FROM stdin WITH (FREEZE);\n\\.\nCOMMIT;\n";

    /// <summary>Hands out its bytes in reads of 1 to 13 bytes: every line and marker split every way.</summary>
    private sealed class TrickleStream(byte[] data) : Streams.ReadOnlyStream
    {
        private int _at;
        private readonly Random _sizes = new(7);

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, _sizes.Next(1, 14)), data.Length - _at);
            Array.Copy(data, _at, buffer, offset, n);
            _at += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var n = Math.Min(Math.Min(buffer.Length, _sizes.Next(1, 14)), data.Length - _at);
            data.AsMemory(_at, n).CopyTo(buffer);
            _at += n;
            return ValueTask.FromResult(n);
        }

        public override long Position { get => _at; set => throw new NotSupportedException(); }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Schema_in_order_then_a_large_tables_rows_dealt_then_waves_each_with_the_sessions_settings(bool trickle)
    {
        using var psql = new FakeTool("psql", """cat > "$(dirname "$0")/$(date +%s%N)-$$.sql" """);
        var dump = Dump(rows: 8000); // about 1.3 MB of rows: runs of 256 KiB reach every connection
        var bytes = Encoding.UTF8.GetBytes(dump);
        var log = new RecordingLog();
        // t is "much larger than the rest": after its first 100 kB on one connection, its rows are dealt
        var load = new ParallelLoad(psql.Path, DatabaseUrl.Parse("postgresql://u:p@127.0.0.1:1/db"), 3, new EventLog(log, TimeProvider.System), null, dealAfterBytes: 100_000);

        var (exitCode, _) = await load.RunAsync(new DumpReading(trickle ? new TrickleStream(bytes) : new MemoryStream(bytes), "test").NextAsync, default);

        Assert.Equal(0, exitCode);
        var files = Directory.GetFiles(Path.GetDirectoryName(psql.Path)!, "*.sql").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToList();
        // one for the schema, three for the rows, three for the key and the two indexes, one for the foreign key, one for the rest
        Assert.Equal(9, files.Count);
        var (schema, data, rest) = (files[0], files[1..4], files[8]);
        Assert.Contains("CREATE TABLE public.t", schema);
        Assert.DoesNotContain("COPY", schema);
        var prelude = "\\restrict KEY\nSET statement_timeout = 0;\nSELECT pg_catalog.set_config('search_path', '', false);\n";
        Assert.All(files, f => Assert.Contains(prelude, f));

        // every row once, each connection's COPY blocks whole
        var expected = dump.Split('\n').SkipWhile(l => !l.StartsWith("COPY public.t", StringComparison.Ordinal)).Skip(1).TakeWhile(l => l != "\\.").ToList();
        var dealt = new List<string>();
        foreach (var part in data)
        {
            Assert.Contains("COPY public.t (id, body) FROM stdin;\n", part);
            dealt.AddRange(Block(part));
        }
        Assert.Equal(expected.Order(StringComparer.Ordinal), dealt.Order(StringComparer.Ordinal));
        Assert.All(data, part => Assert.NotEmpty(Block(part)));
        // t's first rows went frozen to one connection, committed before the rest was dealt; u, small, whole and frozen to another
        var first = Assert.Single(data, part => part.Contains(FrozenT, StringComparison.Ordinal));
        Assert.Contains("\n\\.\nCOMMIT;\nCOPY public.t (id, body) FROM stdin;\n", first);
        Assert.NotSame(first, Assert.Single(data, part => part.Contains(FrozenU, StringComparison.Ordinal)));
        Assert.Single(data, part => part.Contains("COPY public.u", StringComparison.Ordinal));
        Assert.Contains(log.Events, e => e.Name == "restore_phase" && (string)e["phase"]! == "data_dealt" && (string)e["table"]! == "public.t");
        Assert.Single(data, part => part.Contains("SELECT pg_catalog.setval", StringComparison.Ordinal)); // between COPY blocks: one connection, in order

        // the waves: the key and the index each with the SET lines in force where the dump wrote them
        var waves = files[4..7];
        Assert.Contains(waves, w => w.Contains("ADD CONSTRAINT t_pkey PRIMARY KEY") && !w.Contains("default_tablespace"));
        Assert.Contains(waves, w => w.Contains("CREATE INDEX t_body") && w.Contains("SET default_tablespace = fast;\n"));
        // pg_dump sets the tablespace only when it changes: the next entry inherits it, and carries it with it
        Assert.Contains(waves, w => w.Contains("CREATE INDEX t_id2") && w.IndexOf("SET default_tablespace = fast;\n", StringComparison.Ordinal) is >= 0 and var at && at < w.IndexOf("CREATE INDEX t_id2", StringComparison.Ordinal));
        Assert.Contains("ADD CONSTRAINT u_t FOREIGN KEY", files[7]);
        Assert.Contains("GRANT SELECT ON TABLE public.t TO reader;", rest);
        // the waves sort with more memory, shared by the three connections; the data phase keeps the server's
        Assert.All(files[4..], f => Assert.Contains("'effective_cache_size')) / 12)) / 1024)::text || 'kB', false);\n", f));
        Assert.All(files[..4], f => Assert.DoesNotContain("maintenance_work_mem", f));
        Assert.Equal(8000L, (long)log.Events.Single(e => e.Name == "restore_phase" && (string)e["phase"]! == "data_loaded")["rows"]!);
    }

    [Fact]
    public async Task Each_tables_rows_go_whole_and_frozen_to_the_next_connection_as_pg_restore_gives_each_table_to_one_worker()
    {
        using var psql = new FakeTool("psql", """cat > "$(dirname "$0")/$(date +%s%N)-$$.sql" """);
        var dump = Dump(rows: 8000);
        var load = new ParallelLoad(psql.Path, DatabaseUrl.Parse("postgresql://u:p@127.0.0.1:1/db"), 3, new EventLog(new RecordingLog(), TimeProvider.System), null);

        var (exitCode, _) = await load.RunAsync(new DumpReading(new MemoryStream(Encoding.UTF8.GetBytes(dump)), "test").NextAsync, default);

        Assert.Equal(0, exitCode);
        var data = Directory.GetFiles(Path.GetDirectoryName(psql.Path)!, "*.sql").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToList()[1..4];
        var expected = dump.Split('\n').SkipWhile(l => !l.StartsWith("COPY public.t", StringComparison.Ordinal)).Skip(1).TakeWhile(l => l != "\\.").ToList();
        // the connections start at once: which file is which is told by what it holds
        var t = Assert.Single(data, part => part.Contains(FrozenT, StringComparison.Ordinal));
        Assert.Equal(expected, Block(t)); // in the dump's order, on one connection, in one transaction
        Assert.EndsWith("\n\\.\nCOMMIT;\n", t[..(t.IndexOf("COMMIT;\n", StringComparison.Ordinal) + "COMMIT;\n".Length)], StringComparison.Ordinal);
        Assert.Single(data, part => part.Contains(FrozenU, StringComparison.Ordinal) && !part.Contains("COPY public.t", StringComparison.Ordinal));
        Assert.Single(data, part => !part.Contains("COPY", StringComparison.Ordinal));
    }

    /// <summary>Loads <paramref name="dump"/> at 3 jobs into psqls that write down what they were given; the files, in the order the connections started.</summary>
    private static async Task<(int ExitCode, string Error, List<string> Files, RecordingLog Log)> LoadAsync(string dump, long heldLimit = ParallelLoad.MaxHeldBytes, int sessionLimit = 1 << 20)
    {
        using var psql = new FakeTool("psql", """cat > "$(dirname "$0")/$(date +%s%N)-$$.sql" """);
        var log = new RecordingLog();
        var load = new ParallelLoad(psql.Path, DatabaseUrl.Parse("postgresql://u:p@127.0.0.1:1/db"), 3, new EventLog(log, TimeProvider.System), null)
        {
            HeldLimit = heldLimit, SessionLimit = sessionLimit,
        };
        var (exitCode, error) = await load.RunAsync(new DumpReading(new MemoryStream(Encoding.UTF8.GetBytes(dump)), "test").NextAsync, default);
        return (exitCode, error, [.. Directory.GetFiles(Path.GetDirectoryName(psql.Path)!, "*.sql").Order(StringComparer.Ordinal).Select(File.ReadAllText)], log);
    }

    /// <summary>Far more SET lines than pg_dump writes (100 KiB, where the tests let a load keep <see cref="SessionLimit"/>).</summary>
    private static readonly string ManySettings = string.Concat(Enumerable.Range(0, 2000).Select(i => $"SET obs.k{i} = '{new string('v', 40)}';\n"));

    private const int SessionLimit = 16 << 10;

    /// <summary>The load gave up its waves and ran the rest as it came (not the in_order wave, which has no reason).</summary>
    private static bool WentInOrder(BackupEvent e) => e.Name == "restore_phase" && (string)e["phase"]! == "in_order" && e["reason"] is not null;

    private static int Occurrences(IEnumerable<string> files, string text) =>
        files.Sum(f => (f.Length - f.Replace(text, "", StringComparison.Ordinal).Length) / text.Length);

    [Fact]
    public async Task The_SET_lines_each_held_entry_carries_count_toward_what_the_load_holds()
    {
        // a crafted dump: one long setting before the data, then many small post-data entries, each of which
        // carries the setting: held, 200 entries of 16 KiB would be 3 MiB where the lines alone are 12 KiB
        var dump = new StringBuilder(Dump(rows: 10).Replace("SET statement_timeout = 0;\n", $"SET statement_timeout = 0;\nSET application_name = '{new string('a', 16 << 10)}';\n", StringComparison.Ordinal));
        var end = dump.ToString().IndexOf("--\n-- PostgreSQL database dump complete", StringComparison.Ordinal);
        var entries = new StringBuilder();
        for (var i = 0; i < 200; i++) entries.Append($"--\n-- Name: c{i}; Type: COMMENT; Schema: public; Owner: o\n--\n\nCOMMENT ON TABLE public.u IS 'c{i}';\n\n");
        dump.Insert(end, entries.ToString());

        var (exitCode, _, files, log) = await LoadAsync(dump.ToString(), heldLimit: 256 << 10);

        Assert.Equal(0, exitCode);
        Assert.Contains(log.Events, WentInOrder);
        for (var i = 0; i < 200; i++) Assert.Equal(1, Occurrences(files, $"COMMENT ON TABLE public.u IS 'c{i}';"));
        Assert.Equal(1, Occurrences(files, "CREATE INDEX t_body"));
        Assert.Equal(1, Occurrences(files, "GRANT SELECT ON TABLE public.t TO reader;"));
    }

    [Fact]
    public async Task More_session_settings_than_a_dump_writes_before_the_data_run_the_dump_in_order_on_one_connection()
    {
        var dump = Dump(rows: 10).Replace("CREATE TABLE public.u (id integer);\n", "CREATE TABLE public.u (id integer);\n" + ManySettings, StringComparison.Ordinal);

        var (exitCode, _, files, _) = await LoadAsync(dump, sessionLimit: SessionLimit);

        Assert.Equal(0, exitCode);
        var only = Assert.Single(files);
        Assert.Equal(1, Occurrences(files, "SET obs.k1999 = "));
        Assert.Equal(10, Block(only).Count);
        Assert.True(only.IndexOf("SET obs.k1999", StringComparison.Ordinal) < only.IndexOf("CREATE INDEX t_body", StringComparison.Ordinal));
    }

    [Fact]
    public async Task More_session_settings_than_a_dump_writes_after_the_data_run_the_rest_in_order_with_every_setting()
    {
        var dump = Dump(rows: 10).Replace("CREATE INDEX t_id2 ON", ManySettings + "CREATE INDEX t_id2 ON", StringComparison.Ordinal);

        var (exitCode, _, files, log) = await LoadAsync(dump, sessionLimit: SessionLimit);

        Assert.Equal(0, exitCode);
        Assert.Contains(log.Events, WentInOrder);
        var last = files[^1];
        Assert.Equal(1, Occurrences(files, "SET obs.k1999 = "));
        Assert.True(last.IndexOf("SET default_tablespace = fast;", StringComparison.Ordinal) < last.IndexOf("SET obs.k1999", StringComparison.Ordinal));
        Assert.True(last.IndexOf("SET obs.k1999", StringComparison.Ordinal) < last.IndexOf("CREATE INDEX t_id2", StringComparison.Ordinal));
        Assert.Equal(1, Occurrences(files, "CREATE INDEX t_body"));
        Assert.Equal(1, Occurrences(files, "ADD CONSTRAINT u_t FOREIGN KEY"));
    }

    [Fact]
    public async Task More_session_settings_than_a_dump_writes_between_its_data_fail_the_load_saying_so()
    {
        var dump = Dump(rows: 10).Replace("SELECT pg_catalog.setval(", ManySettings + "SELECT pg_catalog.setval(", StringComparison.Ordinal);

        var (exitCode, error, _, _) = await LoadAsync(dump, sessionLimit: SessionLimit);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("session settings", error, StringComparison.Ordinal);
    }
}
