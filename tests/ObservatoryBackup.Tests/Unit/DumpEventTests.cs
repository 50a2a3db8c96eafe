using System.Text;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>
/// The dump read once: <see cref="PlainDumpReader"/> gives every byte in exactly one event, whatever
/// sizes the reads come in, each line with the pg_dump entry it belongs to, rows as chunks.
/// </summary>
[Trait("Tier", "Fast")]
public class DumpEventTests
{
    private const string Dump = """
        --
        -- PostgreSQL database dump
        --

        \restrict AbC123
        SET client_encoding = 'UTF8';

        --
        -- Name: t; Type: TABLE; Schema: public; Owner: app
        --

        CREATE TABLE public.t (
            x text
        );

        ALTER TABLE public.t OWNER TO app;

        --
        -- Data for Name: t; Type: TABLE DATA; Schema: public; Owner: app
        --

        COPY public.t (x) FROM stdin;
        a
        \\.b
        c
        \.

        --
        -- Name: TABLE t; Type: ACL; Schema: public; Owner: app
        --

        GRANT SELECT ON TABLE public.t TO reader;

        --
        -- PostgreSQL database dump complete
        --

        \unrestrict AbC123
        -- ObservatoryBackup manifest: {}

        """;

    private static List<(DumpEvent Event, byte[] Bytes)> Read(byte[] sql, int piece)
    {
        var reader = new PlainDumpReader();
        var events = new List<DumpEvent>();
        var all = new List<(DumpEvent, byte[])>();
        for (var at = 0; at < sql.Length; at += piece)
        {
            events.Clear();
            reader.Read(sql.AsMemory(at, Math.Min(piece, sql.Length - at)), events);
            all.AddRange(events.Select(e => (e, e.Bytes.ToArray())));
        }
        events.Clear();
        reader.Complete(events);
        all.AddRange(events.Select(e => (e, e.Bytes.ToArray())));
        return all;
    }

    public static TheoryData<int> Pieces => [1, 2, 3, 5, 7, 13, 1 << 16];

    [Theory]
    [MemberData(nameof(Pieces))]
    public void Every_byte_is_in_one_event_in_order_each_line_with_its_entry(int piece)
    {
        var sql = Encoding.UTF8.GetBytes(Dump);
        var events = Read(sql, piece);

        Assert.Equal(sql, events.SelectMany(e => e.Bytes).ToArray());
        string Text(DumpEventKind kind) => string.Concat(events.Where(e => e.Event.Kind == kind).Select(e => Encoding.UTF8.GetString(e.Bytes)));
        Assert.Equal("\\restrict AbC123\n\\unrestrict AbC123\n", Text(DumpEventKind.MetaCommand));
        Assert.Equal("COPY public.t (x) FROM stdin;\n", Text(DumpEventKind.CopyStart));
        Assert.Equal("a\n\\\\.b\nc\n", Text(DumpEventKind.CopyRows));
        Assert.Equal(3, events.Sum(e => e.Event.Rows));
        Assert.Equal("\\.\n", Text(DumpEventKind.CopyEnd));
        Assert.Equal("-- PostgreSQL database dump complete\n", Text(DumpEventKind.CompletionMarker));
        Assert.Equal("-- ObservatoryBackup manifest: {}\n", Text(DumpEventKind.Manifest));
        Assert.Equal("public.t", Assert.Single(events, e => e.Event.Kind == DumpEventKind.CopyStart).Event.Table);

        // a statement's lines carry the entry they belong to; only its first line starts a statement
        var owner = Assert.Single(events, e => Encoding.UTF8.GetString(e.Bytes).StartsWith("ALTER TABLE public.t OWNER", StringComparison.Ordinal));
        Assert.Equal(new DumpEntryHeader("t", "TABLE", "public", "app"), owner.Event.Entry);
        Assert.True(owner.Event.AtStatement);
        Assert.True(owner.Event.EndsStatement);
        var create = events.SkipWhile(e => !Encoding.UTF8.GetString(e.Bytes).StartsWith("CREATE TABLE", StringComparison.Ordinal)).Take(3).Select(e => e.Event).ToList();
        Assert.Equal([(true, false), (false, false), (false, true)], create.Select(e => (e.AtStatement, e.EndsStatement)));
        var grant = Assert.Single(events, e => Encoding.UTF8.GetString(e.Bytes).StartsWith("GRANT", StringComparison.Ordinal));
        Assert.Equal(("TABLE t", "ACL"), (grant.Event.Entry!.Name, grant.Event.Entry.Type));
        Assert.Equal(3, events.Count(e => e.Event.Kind == DumpEventKind.EntryHeader));
    }
}
