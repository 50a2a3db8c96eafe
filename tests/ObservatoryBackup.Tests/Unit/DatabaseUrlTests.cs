using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Tests.Unit;

[Trait("Tier", "Fast")]
public class DatabaseUrlTests
{
    [Fact]
    public void Parses_the_specs_asyncpg_url()
    {
        var url = DatabaseUrl.Parse("postgresql+asyncpg://observatory:observatory@postgres:5432/observatory_restore_test");
        Assert.Equal(("postgres", 5432, "observatory", "observatory", "observatory_restore_test"),
            (url.Host, url.Port, url.User, url.Password, url.Database));
        Assert.Null(url.SslMode);
    }

    [Theory]
    [InlineData("postgresql://", "localhost", 5432, "observatory", null, "observatory")]
    [InlineData("postgres://db", "db", 5432, "observatory", null, "observatory")]
    [InlineData("postgresql://u@h:6543", "h", 6543, "u", null, "observatory")]
    [InlineData("postgresql://u:@h/d", "h", 5432, "u", null, "d")]
    [InlineData("postgresql://:pw@h/d", "h", 5432, "observatory", "pw", "d")]
    [InlineData("postgresql://us%40er:p%40ss%3Aw%2Frd@h/d%20b", "h", 5432, "us@er", "p@ss:w/rd", "d b")]
    [InlineData("postgresql://u:p@[::1]:5433/d", "::1", 5433, "u", "p", "d")]
    [InlineData("postgresql://u:p@[2001:db8::5]/d", "2001:db8::5", 5432, "u", "p", "d")]
    [InlineData("postgresql://u:p@/d?host=/var/run/postgresql", "/var/run/postgresql", 5432, "u", "p", "d")]
    [InlineData("postgresql://u:p@/d?host=%2Ftmp%2Fsock&port=5544", "/tmp/sock", 5544, "u", "p", "d")]
    [InlineData("postgresql+psycopg://u:p@h/d?application_name=x", "h", 5432, "u", "p", "d")]
    [InlineData("  postgresql://u:p@h/d/  ", "h", 5432, "u", "p", "d")]
    public void Fills_defaults_and_decodes(string text, string host, int port, string user, string? password, string database)
    {
        var url = DatabaseUrl.Parse(text);
        Assert.Equal((host, port, user, password, database), (url.Host, url.Port, url.User, url.Password, url.Database));
    }

    [Theory]
    [InlineData("?sslmode=require", "require")]
    [InlineData("?sslmode=VERIFY-FULL", "verify-full")]
    [InlineData("?ssl=true", "require")]
    [InlineData("?ssl=false", "disable")]
    [InlineData("?ssl=prefer", "prefer")]
    public void Reads_ssl_options(string query, string mode) =>
        Assert.Equal(mode, DatabaseUrl.Parse("postgresql://u:p@h/d" + query).SslMode);

    [Theory]
    [InlineData("mysql://u:hunter2@h/d", "scheme")]
    [InlineData("u:hunter2@h/d", "scheme")]
    [InlineData("postgresql://u:hunter2@h:99999/d", "port")]
    [InlineData("postgresql://u:hunter2@h:54x/d", "port")]
    [InlineData("postgresql://u:hunter2@[::1/d", "IPv6")]
    [InlineData("postgresql://u:hunter2@h/d?sslmode=sometimes", "sslmode")]
    [InlineData("postgresql://u:hunter2%zz@h/d", "percent")]
    [InlineData("postgresql://u:hunter2@h1,h2/d", "several hosts")]
    [InlineData("postgresql://u:hunter2@h/d/e", "single database")]
    public void Rejects_malformed_urls_naming_the_variable_without_the_password(string text, string why)
    {
        var ex = Assert.Throws<ConfigurationException>(() => DatabaseUrl.Parse(text));
        Assert.Equal("DATABASE_URL", ex.Variable);
        Assert.StartsWith("DATABASE_URL ", ex.Message);
        Assert.Contains(why, ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("hunter2", ex.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Missing_url_is_reported_as_missing(string? text)
    {
        var ex = Assert.Throws<ConfigurationException>(() => DatabaseUrl.Parse(text));
        Assert.True(ex.Missing);
        Assert.Contains("DATABASE_URL is required", ex.Message);
    }

    [Fact]
    public void ToString_hides_the_password()
    {
        var url = DatabaseUrl.Parse("postgresql://u:hunter2@h:5433/d?sslmode=require");
        Assert.Equal("postgresql://u:***@h:5433/d?sslmode=require", url.ToString());
        Assert.DoesNotContain("hunter2", url.ToString());
    }
}
