using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>The publications only a superuser creates, held back by a contained load: only pg_dump's shapes, rebuilt from their parts.</summary>
[Trait("Tier", "Fast")]
public class PublicationStatementTests
{
    [Theory]
    [InlineData("CREATE PUBLICATION every FOR ALL TABLES WITH (publish = 'insert, update, delete, truncate');",
        "CREATE PUBLICATION \"every\" FOR ALL TABLES WITH (publish = 'insert, update, delete, truncate')")]
    [InlineData("CREATE PUBLICATION \"Odd\" FOR ALL TABLES WITH (publish = 'insert', publish_via_partition_root = true);",
        "CREATE PUBLICATION \"Odd\" FOR ALL TABLES WITH (publish = 'insert', publish_via_partition_root = true)")]
    [InlineData("ALTER PUBLICATION p ADD TABLES IN SCHEMA app;", "ALTER PUBLICATION \"p\" ADD TABLES IN SCHEMA \"app\"")]
    public void What_pg_dump_writes_is_held_and_rebuilt(string line, string sql)
    {
        Assert.True(PublicationStatement.IsHeld(line));
        Assert.Equal(sql, PublicationStatement.Rebuild(line));
    }

    [Theory]
    [InlineData("CREATE PUBLICATION p FOR ALL TABLES WITH (publish = 'insert'); DROP DATABASE x;")]
    [InlineData("CREATE PUBLICATION p FOR ALL TABLES WITH (publish = 'insert''); DROP DATABASE x; --');")]
    [InlineData("CREATE PUBLICATION p FOR ALL TABLES WITH (publish = 'insert', slot_name = 'x');")]
    [InlineData("ALTER PUBLICATION p ADD TABLES IN SCHEMA app, pg_catalog; DROP DATABASE x;")]
    public void Any_other_shape_is_not_rebuilt(string line) => Assert.Null(PublicationStatement.Rebuild(line));

    [Theory]
    [InlineData("CREATE PUBLICATION p FOR TABLE app.items;")]
    [InlineData("ALTER PUBLICATION p OWNER TO alice;")]
    [InlineData("ALTER PUBLICATION p ADD TABLE ONLY app.items;")]
    public void What_the_load_role_may_do_is_not_held(string line) => Assert.False(PublicationStatement.IsHeld(line));
}
