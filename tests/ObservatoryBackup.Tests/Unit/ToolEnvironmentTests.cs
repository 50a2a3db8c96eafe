using ObservatoryBackup.Configuration;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>A PostgreSQL client program's environment: an allow-list of the caller's, then the connection over it.</summary>
[Trait("Tier", "Fast")]
public class ToolEnvironmentTests
{
    [Fact]
    public void Only_what_a_program_and_libpq_need_passes_and_the_connection_is_the_urls()
    {
        var inherited = new Dictionary<string, string?>
        {
            ["PATH"] = "/usr/bin", ["HOME"] = "/home/obs", ["LC_ALL"] = "C.UTF-8", ["TZ"] = "UTC",
            ["PGSSLROOTCERT"] = "/etc/ssl/db.crt", ["PGPASSFILE"] = "/home/obs/.pgpass", ["PGSSLMODE"] = "verify-full",
            ["MINIO_SECRET_KEY"] = "s", ["MINIO_ACCESS_KEY"] = "a", ["AWS_SECRET_ACCESS_KEY"] = "s", ["DATABASE_URL"] = "postgresql://u:p@h/d",
            ["DATABASE_URL_FILE"] = "/run/secrets/url", ["CREDENTIAL_ENCRYPTION_KEY"] = "k", ["OBS_S3_CREDENTIALS"] = "c",
            ["PGHOST"] = "elsewhere", ["PGHOSTADDR"] = "10.0.0.9", ["PGSERVICE"] = "other", ["PGOPTIONS"] = "-c role=x", ["PGPASSWORD"] = "theirs",
        };

        ToolEnvironment.Restrict(inherited, LibpqEnvironment.For(DatabaseUrl.Parse("postgresql://obs:pw@db:5433/app")));

        Assert.Equal(new Dictionary<string, string?>
        {
            ["PATH"] = "/usr/bin", ["HOME"] = "/home/obs", ["LC_ALL"] = "C.UTF-8", ["TZ"] = "UTC",
            ["PGSSLROOTCERT"] = "/etc/ssl/db.crt", ["PGPASSFILE"] = "/home/obs/.pgpass", ["PGSSLMODE"] = "verify-full",
            ["PGHOST"] = "db", ["PGPORT"] = "5433", ["PGUSER"] = "obs", ["PGDATABASE"] = "app", ["PGPASSWORD"] = "pw", ["PGCONNECT_TIMEOUT"] = "30",
        }, inherited);
    }

    [Fact]
    public void The_urls_sslmode_wins_and_without_a_password_in_the_url_none_of_the_callers_passes()
    {
        var inherited = new Dictionary<string, string?> { ["PGSSLMODE"] = "disable", ["PGPASSWORD"] = "theirs" };

        ToolEnvironment.Restrict(inherited, LibpqEnvironment.For(DatabaseUrl.Parse("postgresql://obs@db/app?sslmode=require")));

        Assert.Equal("require", inherited["PGSSLMODE"]);
        Assert.False(inherited.ContainsKey("PGPASSWORD"));
    }
}
