using System.Globalization;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// The connection as libpq environment variables for pg_dump and psql: the password travels in
/// PGPASSWORD, never on a command line where `ps` would show it.
/// </summary>
public static class LibpqEnvironment
{
    public static IReadOnlyDictionary<string, string?> For(DatabaseUrl url)
    {
        var env = new Dictionary<string, string?>
        {
            ["PGHOST"] = url.Host,
            ["PGPORT"] = url.Port.ToString(CultureInfo.InvariantCulture),
            ["PGUSER"] = url.User,
            ["PGDATABASE"] = url.Database,
            ["PGPASSWORD"] = url.Password,
            // a service file or options from the caller's environment must not redirect the connection
            ["PGSERVICE"] = null,
            ["PGOPTIONS"] = null,
            ["PGCONNECT_TIMEOUT"] = url.ConnectTimeoutOrDefault.ToString(CultureInfo.InvariantCulture),
        };
        if (url.SslMode is not null) env["PGSSLMODE"] = url.SslMode;
        return env;
    }
}
