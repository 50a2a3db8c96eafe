using System.Text;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>The globals restore runs only statements of the forms pg_dumpall --globals-only writes, each matched whole.</summary>
[Trait("Tier", "Fast")]
public class GlobalsScriptTests
{
    // pg_dumpall 15.x --globals-only, as it wrote a server with these roles (password hash and \restrict key shortened)
    private const string Pg15Globals = """
        --
        -- PostgreSQL database cluster dump
        --

        \restrict aCwPE1am4j8Ux00Wvlfwe6UhXXLV0Dmf7sTq1GDgvR58

        SET default_transaction_read_only = off;

        SET client_encoding = 'UTF8';
        SET standard_conforming_strings = on;

        --
        -- Roles
        --

        CREATE ROLE "Weird Role";
        ALTER ROLE "Weird Role" WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB NOLOGIN NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 3 VALID UNTIL '2030-01-01 00:00:00+00';
        CREATE ROLE owner1;
        ALTER ROLE owner1 WITH NOSUPERUSER INHERIT NOCREATEROLE CREATEDB LOGIN NOREPLICATION NOBYPASSRLS PASSWORD 'SCRAM-SHA-256$4096:L/jUlB56KIVRWMyngllZ/A==$dfQF95Ay:hqQYFIZn';
        CREATE ROLE postgres;
        ALTER ROLE postgres WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS;
        CREATE ROLE reader;
        ALTER ROLE reader WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB NOLOGIN NOREPLICATION NOBYPASSRLS;
        COMMENT ON ROLE reader IS 'multi
        line ''comment''; DROP DATABASE x;';

        --
        -- User Configurations
        --

        --
        -- User Config "owner1"
        --

        ALTER ROLE owner1 SET search_path TO 'a', 'public';


        --
        -- Role memberships
        --

        GRANT reader TO owner1 WITH ADMIN OPTION GRANTED BY postgres;


        --
        -- Role privileges on configuration parameters
        --

        GRANT SET ON PARAMETER work_mem TO reader;

        --
        -- Tablespaces
        --

        CREATE TABLESPACE fast OWNER postgres LOCATION '/srv/fast';
        ALTER TABLESPACE fast SET (random_page_cost=1.1);
        GRANT ALL ON TABLESPACE fast TO reader;


        \unrestrict aCwPE1am4j8Ux00Wvlfwe6UhXXLV0Dmf7sTq1GDgvR58

        --
        -- PostgreSQL database cluster dump complete
        --

        -- ObservatoryBackup manifest: {"version":1}
        """;

    private static GlobalsScript Read(string sql, int chunk = 5)
    {
        var bytes = Encoding.UTF8.GetBytes(sql);
        return Feed(bytes, chunk);
    }

    /// <summary>The script fed as a restore feeds it: the events of the dump's reader, a line each, <paramref name="chunk"/> bytes read at a time.</summary>
    private static GlobalsScript Feed(byte[] bytes, int chunk)
    {
        var script = new GlobalsScript();
        var reader = new PlainDumpReader(PlainDumpReader.ClusterCompletionMarker) { EventPerLine = true };
        var events = new List<DumpEvent>();
        for (var i = 0; i < bytes.Length; i += chunk) reader.Read(bytes.AsMemory(i, Math.Min(chunk, bytes.Length - i)), events);
        reader.Complete(events);
        foreach (var e in events) script.Read(e);
        script.Complete();
        return script;
    }

    [Fact]
    public void Reads_what_pg_dumpall_writes_statement_by_statement_with_the_names_each_touches()
    {
        var script = Read(Pg15Globals);

        Assert.Null(script.Refused);
        Assert.Equal(
        [
            (GlobalsStatementKind.Setting, null, null, null), (GlobalsStatementKind.Setting, null, null, null), (GlobalsStatementKind.Setting, null, null, null),
            (GlobalsStatementKind.CreateRole, "Weird Role", null, null), (GlobalsStatementKind.RoleAttributes, "Weird Role", null, null),
            (GlobalsStatementKind.CreateRole, "owner1", null, null), (GlobalsStatementKind.RoleAttributes, "owner1", null, null),
            (GlobalsStatementKind.CreateRole, "postgres", null, null), (GlobalsStatementKind.RoleAttributes, "postgres", null, null),
            (GlobalsStatementKind.CreateRole, "reader", null, null), (GlobalsStatementKind.RoleAttributes, "reader", null, null),
            (GlobalsStatementKind.RoleComment, "reader", null, null),
            (GlobalsStatementKind.RoleSetting, "owner1", null, null),
            (GlobalsStatementKind.Membership, "reader", "owner1", null),
            (GlobalsStatementKind.ParameterPrivilege, "reader", null, null),
            (GlobalsStatementKind.CreateTablespace, null, null, "fast"), (GlobalsStatementKind.TablespaceProperty, null, null, "fast"),
            (GlobalsStatementKind.TablespaceProperty, null, null, "fast"),
        ], script.Statements.Select(s => (s.Kind, s.Role, s.Member, s.Tablespace)));
        // the comment's literal spans two lines and holds a ';' and a statement-like text: one statement, run as written
        Assert.Equal("COMMENT ON ROLE reader IS 'multi\nline ''comment''; DROP DATABASE x;';", script.Statements[11].Sql);
        Assert.Equal(24, script.Statements[11].Line);
    }

    [Theory]
    [InlineData("DROP DATABASE observatory;")]
    [InlineData("CREATE ROLE evil; DROP DATABASE observatory;")]
    [InlineData("CREATE ROLE evil SUPERUSER;")]
    [InlineData("ALTER ROLE evil WITH SUPERUSER; DROP DATABASE observatory;")]
    [InlineData("ALTER ROLE evil WITH LOGIN PASSWORD 'x'; COPY t TO PROGRAM 'id';")]
    [InlineData("COMMENT ON ROLE evil IS 'x'; SELECT pg_terminate_backend(1); --';")]
    [InlineData("ALTER ROLE evil SET session_preload_libraries TO '/tmp/evil';")]
    [InlineData("ALTER ROLE evil SET \"local_preload_libraries\" TO 'evil';")]
    [InlineData("GRANT pg_read_server_files TO evil; DROP TABLE x;")]
    [InlineData("SET standard_conforming_strings = off;")]
    [InlineData("SET client_encoding = 'LATIN1';")]
    [InlineData("SET role = postgres;")]
    [InlineData("\\! touch /tmp/obs-pwned")]
    [InlineData("\\connect observatory")]
    [InlineData("\\restrict abc; \\! id")]
    [InlineData("CREATE TABLESPACE t OWNER x LOCATION '/tmp'; DROP TABLESPACE u;")]
    [InlineData("CREATE ROLE evil")]
    public void Refuses_anything_pg_dumpall_does_not_write_wherever_it_stands(string line)
    {
        foreach (var sql in new[] { line + "\n" + Pg15Globals, Pg15Globals.Replace("CREATE ROLE reader;\n", "CREATE ROLE reader;\n" + line + "\n", StringComparison.Ordinal), Pg15Globals + "\n" + line })
        {
            var script = Read(sql);
            Assert.NotNull(script.Refused);
        }
    }

    [Fact]
    public void A_refusal_names_its_line_and_never_shows_a_literal()
    {
        var script = Read("SET standard_conforming_strings = on;\n\nALTER ROLE x WITH LOGIN PASSWORD 'SCRAM-SHA-256$secret'; DROP ROLE y;\n");

        Assert.Equal(3, script.Refused!.Value.Line);
        Assert.DoesNotContain("secret", script.Refused.Value.Why, StringComparison.Ordinal);
        Assert.Contains("DROP ROLE y", script.Refused.Value.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_that_are_not_UTF8_are_refused()
    {
        var script = Feed([.. "CREATE ROLE "u8, 0xC3, 0x28, .. ";\n"u8], 5);

        Assert.Contains("UTF-8", script.Refused!.Value.Why, StringComparison.Ordinal);
    }

    private static readonly string Long64 = new('n', 64);
    private static readonly string Long63 = new('n', 63);
    // 32 two-byte characters: 64 bytes in UTF-8, as PostgreSQL counts a name
    private static readonly string LongUtf8 = new('é', 32);

    public static TheoryData<string> NamesLongerThanPostgreSqlKeeps => new(
        $"ALTER ROLE {Long64} WITH SUPERUSER LOGIN PASSWORD 'SCRAM-SHA-256$x';",
        $"ALTER ROLE \"{Long63}x\" WITH SUPERUSER;",
        $"ALTER ROLE \"{LongUtf8}\" WITH SUPERUSER;",
        $"CREATE ROLE \"{Long64}\";",
        $"GRANT reader TO {Long64};",
        $"GRANT {Long64} TO owner1;",
        $"GRANT reader TO owner1 GRANTED BY {Long64};",
        $"COMMENT ON ROLE {Long64} IS 'x';",
        $"SECURITY LABEL FOR selinux ON ROLE {Long64} IS 'x';",
        $"ALTER ROLE {Long64} SET search_path TO 'x';",
        $"ALTER ROLE owner1 IN DATABASE {Long64} SET search_path TO 'x';",
        $"GRANT SET ON PARAMETER work_mem TO {Long64};",
        $"CREATE TABLESPACE {Long64} OWNER postgres LOCATION '/srv/x';",
        $"CREATE TABLESPACE t2 OWNER \"{LongUtf8}\" LOCATION '/srv/x';",
        $"GRANT ALL ON TABLESPACE fast TO {Long64};");

    [Theory]
    [MemberData(nameof(NamesLongerThanPostgreSqlKeeps))]
    public void A_name_longer_than_PostgreSQL_keeps_is_refused_naming_its_line(string statement)
    {
        var script = Read($"SET standard_conforming_strings = on;\n{statement}\n");

        Assert.Equal(2, script.Refused!.Value.Line);
        Assert.Contains("63 bytes", script.Refused.Value.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_of_63_bytes_are_read_as_written()
    {
        var utf8Of63 = new string('é', 31) + "a";
        var script = Read($"CREATE ROLE {Long63};\nALTER ROLE \"{utf8Of63}\" WITH LOGIN;\nGRANT \"{utf8Of63}\" TO {Long63};\nCOMMENT ON ROLE {Long63} IS '{Long64}{Long64}';\n");

        Assert.Null(script.Refused);
        Assert.Equal([Long63, utf8Of63, utf8Of63, Long63], script.Statements.Select(s => s.Role));
        Assert.Equal(Long63, script.Statements[2].Member);
    }

    [Theory]
    [InlineData("ALTER ROLE all SET search_path TO 'evil';")]
    [InlineData("ALTER ROLE all IN DATABASE observatory SET search_path TO 'evil';")]
    [InlineData("ALTER ROLE current_user WITH PASSWORD 'SCRAM-SHA-256$x';")]
    [InlineData("ALTER ROLE session_user WITH SUPERUSER;")]
    [InlineData("ALTER ROLE current_role SET work_mem TO '1GB';")]
    [InlineData("COMMENT ON ROLE current_user IS 'x';")]
    [InlineData("GRANT reader TO current_user;")]
    [InlineData("GRANT reader TO public;")]
    [InlineData("GRANT reader TO \"public\";")]
    [InlineData("GRANT reader TO owner1 GRANTED BY current_user;")]
    [InlineData("GRANT SET ON PARAMETER work_mem TO public;")]
    [InlineData("GRANT SET ON PARAMETER work_mem TO \"public\";")]
    [InlineData("GRANT ALL ON TABLESPACE fast TO public;")]
    [InlineData("CREATE ROLE \"none\";")]
    [InlineData("CREATE TABLESPACE t2 OWNER current_user LOCATION '/srv/t2';")]
    public void A_keyword_where_a_role_is_named_is_refused(string statement)
    {
        var script = Read($"SET standard_conforming_strings = on;\n{statement}\n");

        Assert.Equal(2, script.Refused!.Value.Line);
        Assert.Contains("keyword", script.Refused.Value.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void A_role_named_as_a_keyword_is_read_when_quoted_as_pg_dumpall_writes_it()
    {
        var script = Read("CREATE ROLE \"current_user\";\nGRANT \"all\" TO \"current_user\";\nGRANT SET ON PARAMETER work_mem TO PUBLIC;\nCREATE ROLE \"PUBLIC\";\n");

        Assert.Null(script.Refused);
        Assert.Equal(["current_user", "all", null, "PUBLIC"], script.Statements.Select(s => s.Role));
    }

    [Theory]
    [InlineData("ALTER ROLE evil SET \"Session_Preload_Libraries\" TO '/tmp/evil';")]
    [InlineData("ALTER ROLE evil SET \"SESSION_PRELOAD_LIBRARIES\" TO '/tmp/evil';")]
    [InlineData("ALTER ROLE evil IN DATABASE observatory SET \"Local_Preload_Libraries\" TO 'evil';")]
    [InlineData("ALTER ROLE evil SET \"dynamic_library_PATH\" TO '/tmp';")]
    [InlineData("GRANT SET ON PARAMETER session_preload_libraries TO evil;")]
    [InlineData("GRANT ALL ON PARAMETER \"Session_Preload_Libraries\" TO evil;")]
    public void A_setting_that_loads_libraries_is_refused_however_its_name_is_cased(string statement)
    {
        var script = Read($"SET standard_conforming_strings = on;\n{statement}\n");

        Assert.Equal(2, script.Refused!.Value.Line);
        Assert.Contains("libraries", script.Refused.Value.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_statement_says_what_it_does_and_which_privileged_rights_it_grants_without_a_literal()
    {
        var script = Read(Pg15Globals + "\nREVOKE SET ON PARAMETER work_mem FROM reader;\n");

        var postgres = script.Statements.Single(s => s.Kind == GlobalsStatementKind.RoleAttributes && s.Role == "postgres");
        Assert.Equal(["SUPERUSER", "CREATEROLE", "REPLICATION", "BYPASSRLS"], postgres.Privileges);
        var owner = script.Statements.Single(s => s.Kind == GlobalsStatementKind.RoleAttributes && s.Role == "owner1");
        Assert.Empty(owner.Privileges);
        Assert.Equal("attributes NOSUPERUSER INHERIT NOCREATEROLE CREATEDB LOGIN NOREPLICATION NOBYPASSRLS PASSWORD", owner.What);
        Assert.Equal("member of reader WITH ADMIN OPTION", script.Statements.Single(s => s.Kind == GlobalsStatementKind.Membership).What);
        Assert.Equal("setting search_path", script.Statements.Single(s => s.Kind == GlobalsStatementKind.RoleSetting).What);
        var grant = script.Statements.Where(s => s.Kind == GlobalsStatementKind.ParameterPrivilege).ToList();
        Assert.Equal(["SET on parameter work_mem"], grant[0].Privileges);
        Assert.Empty(grant[1].Privileges);
        Assert.All(script.Statements, s => Assert.DoesNotContain("SCRAM", s.What, StringComparison.Ordinal));
    }
}
