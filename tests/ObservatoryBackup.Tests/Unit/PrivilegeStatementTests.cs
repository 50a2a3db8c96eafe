using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>The ownership and privilege statements a contained load holds back are applied by the connecting user: only pg_dump's shapes pass.</summary>
public class PrivilegeStatementTests
{
    [Theory]
    [InlineData("ALTER TABLE public.t OWNER TO alice;")]
    [InlineData("ALTER TABLE public.\"Mixed Case \"\"Table\"\"\" OWNER TO \"Alice Smith\";")]
    [InlineData("ALTER SCHEMA app OWNER TO alice;")]
    [InlineData("ALTER MATERIALIZED VIEW app.mv OWNER TO alice;")]
    [InlineData("ALTER FUNCTION app.positive(integer) OWNER TO alice;")]
    [InlineData("ALTER FUNCTION public.f(integer, character varying, timestamp with time zone, text[]) OWNER TO alice;")]
    [InlineData("ALTER AGGREGATE public.agg(*) OWNER TO alice;")]
    [InlineData("ALTER OPERATOR public.=== (integer, integer) OWNER TO alice;")]
    [InlineData("ALTER OPERATOR CLASS public.c USING btree OWNER TO alice;")]
    [InlineData("ALTER TEXT SEARCH CONFIGURATION public.cfg OWNER TO alice;")]
    [InlineData("ALTER LARGE OBJECT 424242 OWNER TO alice;")]
    [InlineData("ALTER PUBLICATION pub OWNER TO alice;")]
    [InlineData("GRANT SELECT(id),UPDATE(n) ON TABLE app.items TO bob;")]
    [InlineData("GRANT ALL ON TABLE public.t TO bob WITH GRANT OPTION;")]
    [InlineData("GRANT USAGE ON SCHEMA app TO PUBLIC;")]
    [InlineData("GRANT SELECT ON LARGE OBJECT 424242 TO bob;")]
    [InlineData("GRANT ALL ON FUNCTION app.positive(integer) TO bob;")]
    [InlineData("REVOKE ALL ON TABLE public.t FROM alice;")]
    [InlineData("REVOKE USAGE ON SCHEMA public FROM PUBLIC;")]
    [InlineData("REVOKE ALL ON FUNCTION pg_catalog.pg_read_file(text) FROM PUBLIC;")]
    [InlineData("ALTER DEFAULT PRIVILEGES FOR ROLE alice IN SCHEMA app GRANT SELECT ON TABLES TO bob;")]
    [InlineData("ALTER DEFAULT PRIVILEGES FOR ROLE alice REVOKE ALL ON FUNCTIONS FROM PUBLIC;")]
    [InlineData("SET SESSION AUTHORIZATION bob;")]
    [InlineData("RESET SESSION AUTHORIZATION;")]
    [InlineData("ALTER TABLE ONLY app.items FORCE ROW LEVEL SECURITY;")]
    public void What_pg_dump_writes_passes(string line)
    {
        Assert.True(PrivilegeStatement.IsHeld(System.Text.Encoding.UTF8.GetBytes(line)));
        Assert.Null(PrivilegeStatement.Refusal(line));
    }

    [Theory]
    [InlineData("ALTER TABLE public.t ADD COLUMN c int DEFAULT public.evil(), OWNER TO postgres;")]
    [InlineData("ALTER TABLE public.t OWNER TO postgres; COPY (SELECT 1) TO PROGRAM 'id';")]
    [InlineData("ALTER TABLE public.t OWNER TO postgres -- comment;")]
    [InlineData("ALTER FUNCTION pg_catalog.pg_read_file(text) OWNER TO bob;")]
    [InlineData("ALTER SCHEMA pg_catalog OWNER TO bob;")]
    [InlineData("ALTER DATABASE other OWNER TO bob;")]
    [InlineData("ALTER TABLESPACE ts OWNER TO bob;")]
    [InlineData("ALTER ROLE bob OWNER TO x;")]
    [InlineData("ALTER EVENT TRIGGER e OWNER TO bob;")]
    [InlineData("GRANT pg_execute_server_program TO bob;")]
    [InlineData("GRANT postgres TO bob;")]
    [InlineData("GRANT CONNECT ON DATABASE other TO bob;")]
    [InlineData("GRANT CREATE ON TABLESPACE ts TO bob;")]
    [InlineData("GRANT SET ON PARAMETER log_statement TO bob;")]
    [InlineData("GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_file(text) TO bob;")]
    [InlineData("GRANT ALL ON TABLE public.t TO bob GRANTED BY postgres;")]
    [InlineData("GRANT SELECT ON TABLE public.t TO bob; DROP DATABASE other;")]
    [InlineData("GRANT SELECT ON TABLE 'public.t' TO bob;")]
    [InlineData("REVOKE ALL ON DATABASE other FROM PUBLIC;")]
    [InlineData("SET SESSION AUTHORIZATION bob; SELECT 1;")]
    [InlineData("SET SESSION AUTHORIZATION 'bob';")]
    [InlineData("ALTER DEFAULT PRIVILEGES GRANT ALL ON TABLES TO bob;")]
    [InlineData("ALTER TABLE ONLY app.items ADD COLUMN c int DEFAULT public.evil(), FORCE ROW LEVEL SECURITY;")]
    public void Anything_else_is_refused(string line) =>
        Assert.NotNull(PrivilegeStatement.Refusal(line));
}
