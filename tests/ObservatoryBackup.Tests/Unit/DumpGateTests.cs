using System.Text;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Format;

namespace ObservatoryBackup.Tests.Unit;

[Trait("Tier", "Fast")]
public class DumpGateTests
{
    private static string Filter(string sql)
    {
        var filter = new DumpGate(new DumpReading(new MemoryStream(Encoding.UTF8.GetBytes(sql)), "test"), noOwner: true, restrictKey: "OurKey1");
        using var output = new MemoryStream();
        filter.Sql().CopyTo(output, 7); // small reads cross every line boundary
        var given = Encoding.UTF8.GetString(output.ToArray());
        Assert.StartsWith("\\restrict OurKey1\n", given);
        return given["\\restrict OurKey1\n".Length..];
    }

    [Fact]
    public void Drops_pg_dumps_ownership_and_privilege_statements()
    {
        const string sql = """
            CREATE TABLE public.t (x text);
            ALTER TABLE public.t OWNER TO app_owner;
            ALTER SCHEMA research OWNER TO "Odd Role";
            GRANT SELECT ON TABLE public.t TO reader;
            REVOKE ALL ON SCHEMA public FROM PUBLIC;
            ALTER DEFAULT PRIVILEGES FOR ROLE app_owner IN SCHEMA public GRANT SELECT ON TABLES TO reader;
            SELECT 1;

            """;
        Assert.Equal("CREATE TABLE public.t (x text);\nSELECT 1;\n", Filter(sql));
    }

    [Fact]
    public void Keeps_copy_data_strings_function_bodies_and_statement_continuations_byte_for_byte()
    {
        const string sql = """
            COPY public.t (x) FROM stdin;
            GRANT ALL ON t TO everyone;
            ALTER TABLE x OWNER TO y;
            \.
            CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$
            BEGIN
            GRANT SELECT ON t TO r;
            END $$;
            SELECT 'multi
            REVOKE ALL ON t FROM r;
            ';
            CREATE VIEW v AS SELECT 1
            GRANT;

            """;
        Assert.Equal(sql, Filter(sql));
    }
}

[Trait("Tier", "Fast")]
public class DumpGateRefusalTests
{
    [Fact]
    public void A_forbidden_meta_command_closes_the_gate_before_its_line_passes()
    {
        var sql = "CREATE TABLE t (x int);\nINSERT INTO t VALUES (1);\n\\! touch /tmp/never\nSELECT 2;\n"u8.ToArray();
        var gate = new DumpGate(new DumpReading(new MemoryStream(sql), "crafted"), noOwner: false, restrictKey: "OurKey1");
        var passed = new MemoryStream();
        var ex = Assert.Throws<ObservatoryBackup.Errors.BackupDataException>(() => gate.Sql().CopyTo(passed, 5));
        Assert.Equal("BackupUnsafe", ex.ErrorId);
        // psql may be given less than came before the line (the gate reads in chunks), never the line or anything after it
        var given = Encoding.UTF8.GetString(passed.ToArray());
        Assert.StartsWith(given, "\\restrict OurKey1\nCREATE TABLE t (x int);\nINSERT INTO t VALUES (1);\n");
        Assert.DoesNotContain("\\!", given);
        Assert.Same(ex, gate.Failure);
    }
}

/// <summary>
/// Guarantee: a backup is untrusted input. Only pg_dump's own <c>\restrict KEY</c> / <c>\unrestrict KEY</c>
/// lines pass, and they are left out (psql gets our own key instead); any other meta-command line is
/// <c>BackupUnsafe</c> before psql is given a byte of it, wherever it stands in the dump.
/// </summary>
[Trait("Tier", "Fast")]
public class CraftedMetaCommandTests
{
    private const string Head = "--\n-- PostgreSQL database dump\n--\n\n\\restrict AbC123\n\nSET client_encoding = 'UTF8';\nCREATE TABLE public.t (x int);\n";
    private const string Data = "COPY public.t (x) FROM stdin;\n1\n2\n\\.\n\n";
    private const string Tail = "--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict AbC123\n\n";

    public static TheoryData<string, string> Lines => new()
    {
        { @"\restrict `touch /tmp/obs-pwned; echo KEY`", @"\restrict" },
        { @"\unrestrict `env | grep ^PGPASSWORD > /tmp/x; echo KEY`", @"\unrestrict" },
        { @"\restrict :'x'", @"\restrict" },
        { @"\unrestrict :x", @"\unrestrict" },
        { @"\unrestrict AbC123 \! touch /tmp/y", @"\unrestrict" },
        { @"\restrict AbC123 \o /tmp/out", @"\restrict" },
        { @"\restrict AbC123 ", @"\restrict" },
        { @"\restrict", @"\restrict" },
        { @"\restrict Ab-C", @"\restrict" },
        { @"\! touch /tmp/obs-pwned", @"\!" },
        { @"SELECT 1 \g /tmp/out", @"\g" },
        { @"\o /tmp/out", @"\o" },
        { @"\copy public.t TO '/tmp/out'", @"\copy" },
        { @"\i /etc/passwd", @"\i" },
        { @"\setenv PGHOST elsewhere", @"\setenv" },
        { @"\set ON_ERROR_STOP off", @"\set" },
        { @"  \restrict AbC123", @"\restrict" },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void A_crafted_line_at_the_start_middle_or_end_is_refused_before_psql_gets_it(string line, string command)
    {
        foreach (var sql in new[] { line + "\n" + Head + Data + Tail, Head + line + "\n" + Data + Tail, Head + Data + Tail + line + "\n", Head + Data + Tail + line })
        {
            var (given, ex) = Gate(sql);
            Assert.NotNull(ex);
            Assert.Equal("BackupUnsafe", ex.ErrorId);
            Assert.Contains($"'{command}'", ex.Message);
            Assert.DoesNotContain(line.Trim(), given.Replace("\\restrict OurKey1\n", ""));
        }
    }

    [Fact]
    public void Pg_dumps_own_lines_pass_the_check_and_psql_is_given_our_key_instead()
    {
        var (given, ex) = Gate(Head + Data + Tail);
        Assert.Null(ex);
        Assert.StartsWith("\\restrict OurKey1\n", given);
        Assert.DoesNotContain("AbC123", given);
        Assert.Contains("COPY public.t (x) FROM stdin;\n1\n2\n\\.\n", given);
    }

    [Fact]
    public void A_quote_read_differently_without_standard_conforming_strings_cannot_hide_a_meta_command()
    {
        // with standard_conforming_strings on, 'a\' ends at its second quote and the \! sits inside 'x …';
        // a dump can switch the setting off, and psql then reads 'a\' ' as one string and runs the \!
        var sql = Head + "SET standard_conforming_strings = off;\nSELECT 'a\\' 'x \\! touch /tmp/obs-pwned';\n" + Data + Tail;
        var (_, ex) = Gate(sql);
        Assert.NotNull(ex);
        Assert.Contains(@"'\!'", ex.Message);
        Assert.Contains("standard_conforming_strings", ex.Message);
    }

    private static (string Given, ObservatoryBackup.Errors.BackupDataException? Error) Gate(string sql)
    {
        var gate = new DumpGate(new DumpReading(new MemoryStream(Encoding.UTF8.GetBytes(sql)), "crafted"), noOwner: false, restrictKey: "OurKey1");
        var passed = new MemoryStream();
        try
        {
            gate.Sql().CopyTo(passed, 5);
            return (Encoding.UTF8.GetString(passed.ToArray()), null);
        }
        catch (ObservatoryBackup.Errors.BackupDataException ex)
        {
            return (Encoding.UTF8.GetString(passed.ToArray()), ex);
        }
    }
}

[Trait("Tier", "Fast")]
public class DumpGateStreamingTests
{
    /// <summary>Guarantee: a restore's memory does not grow with a row's size; the row reaches psql byte for byte.</summary>
    [Fact]
    public void A_copy_row_of_any_size_passes_through_without_being_held_whole()
    {
        var head = "COPY public.blobs (b) FROM stdin;\n"u8.ToArray();
        var tail = "\n\\.\nSELECT 1;\n--\n-- PostgreSQL database dump complete\n--\n"u8.ToArray();
        var row = new byte[50 << 20];
        Array.Fill(row, (byte)'x');
        using var source = new MemoryStream([.. head, .. row, .. tail]);
        using var gate = new DumpGate(new DumpReading(source, "big"), noOwner: true, restrictKey: "OurKey1").Sql();
        var buffer = new byte[1 << 16];
        long given = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        int n;
        while ((n = gate.Read(buffer, 0, buffer.Length)) > 0) given += n;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal("\\restrict OurKey1\n".Length + head.Length + row.Length + tail.Length, given);
        Assert.InRange(allocated, 0, 4 << 20);
    }
}
