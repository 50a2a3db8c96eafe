using System.Globalization;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// The connection as libpq environment variables for pg_dump and psql: the password travels in
/// PGPASSWORD, never on a command line where `ps` would show it; without one in the URL, libpq looks in
/// the password file. Set over what <see cref="ToolEnvironment"/> lets through, so these always win.
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
            ["PGCONNECT_TIMEOUT"] = url.ConnectTimeoutOrDefault.ToString(CultureInfo.InvariantCulture),
        };
        if (url.SslMode is not null) env["PGSSLMODE"] = url.SslMode;
        return env;
    }
}
