using System.Text;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Verify;

namespace ObservatoryBackup.Tests.Unit;

public class DumpGateTests
{
    private static string Filter(string sql)
    {
        using var filter = new DumpGate(new MemoryStream(Encoding.UTF8.GetBytes(sql)), new DumpCheck("test"), noOwner: true);
        using var output = new MemoryStream();
        filter.CopyTo(output, 7); // small reads cross every line boundary
        return Encoding.UTF8.GetString(output.ToArray());
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

public class DumpGateRefusalTests
{
    [Fact]
    public void A_forbidden_meta_command_closes_the_gate_before_its_line_passes()
    {
        var sql = "CREATE TABLE t (x int);\nINSERT INTO t VALUES (1);\n\\! touch /tmp/never\nSELECT 2;\n"u8.ToArray();
        using var gate = new DumpGate(new MemoryStream(sql), new DumpCheck("crafted"), noOwner: false);
        var passed = new MemoryStream();
        var ex = Assert.Throws<ObservatoryBackup.Errors.BackupDataException>(() => gate.CopyTo(passed, 5));
        Assert.Equal("BackupUnsafe", ex.ErrorId);
        // psql may be given less than came before the line (the gate reads in chunks), never the line or anything after it
        var given = Encoding.UTF8.GetString(passed.ToArray());
        Assert.StartsWith(given, "CREATE TABLE t (x int);\nINSERT INTO t VALUES (1);\n");
        Assert.DoesNotContain("\\!", given);
        Assert.Same(ex, gate.Failure);
    }
}
