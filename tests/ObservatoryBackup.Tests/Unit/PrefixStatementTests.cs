using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>The schema and extension statements of a dump's prefix that the connecting user applies: only pg_dump's shapes, applied from their parts.</summary>
[Trait("Tier", "Fast")]
public class PrefixStatementTests
{
    [Theory]
    [InlineData("CREATE SCHEMA app;", "CREATE SCHEMA \"app\" AUTHORIZATION \"obs_load_x\"")]
    [InlineData("CREATE SCHEMA \"Odd \"\"Name\"\"\";", "CREATE SCHEMA \"Odd \"\"Name\"\"\" AUTHORIZATION \"obs_load_x\"")]
    [InlineData("CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public;", "CREATE EXTENSION IF NOT EXISTS \"hstore\" WITH SCHEMA \"public\"")]
    [InlineData("CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\" WITH SCHEMA app;", "CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\" WITH SCHEMA \"app\"")]
    [InlineData("COMMENT ON EXTENSION hstore IS 'data type for storing sets of (key, value) pairs';", "COMMENT ON EXTENSION \"hstore\" IS 'data type for storing sets of (key, value) pairs'")]
    [InlineData("COMMENT ON EXTENSION hstore IS 'it''s; DROP DATABASE x; --';", "COMMENT ON EXTENSION \"hstore\" IS 'it''s; DROP DATABASE x; --'")]
    public void What_pg_dump_writes_is_applied_from_its_parts(string line, string sql)
    {
        var statement = PrefixStatement.TryParse(line);
        Assert.NotNull(statement);
        Assert.Equal(sql, statement.Sql("obs_load_x"));
    }

    [Theory]
    [InlineData("CREATE SCHEMA app AUTHORIZATION postgres;")]
    [InlineData("CREATE SCHEMA app; DROP DATABASE other;")]
    [InlineData("CREATE EXTENSION hstore;")]
    [InlineData("CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public VERSION '1.0';")]
    [InlineData("CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public CASCADE;")]
    [InlineData("COMMENT ON EXTENSION hstore IS 'a' || (SELECT 'b');")]
    [InlineData("COMMENT ON EXTENSION hstore IS E'a\\'; DROP DATABASE x; --';")]
    [InlineData("create schema app;")]
    public void Any_other_shape_is_not_one(string line) => Assert.Null(PrefixStatement.TryParse(line));

    [Theory]
    [InlineData("SET statement_timeout = 0;", true)]
    [InlineData("SELECT pg_catalog.set_config('search_path', '', false);", true)]
    [InlineData("", true)]
    [InlineData("-- Name: app; Type: SCHEMA; Schema: -; Owner: alice", true)]
    [InlineData("ALTER SCHEMA app OWNER TO alice;", true)]
    [InlineData("COMMENT ON SCHEMA app IS 'x';", true)]
    [InlineData("SET SESSION AUTHORIZATION postgres;", false)]
    [InlineData("SET ROLE postgres;", false)]
    [InlineData("SELECT public.evil();", false)]
    [InlineData("CREATE FUNCTION app.f() RETURNS int LANGUAGE sql AS 'SELECT 1';", false)]
    [InlineData("CREATE TABLE app.t (x int);", false)]
    public void Only_settings_and_schema_statements_keep_the_prefix_open(string line, bool keeps) =>
        Assert.Equal(keeps, PrefixStatement.KeepsPrefix(line));
}
