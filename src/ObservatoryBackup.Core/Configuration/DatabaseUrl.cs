using System.Globalization;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Configuration;

/// <summary>
/// A parsed DATABASE_URL: <c>postgresql[+driver]://user:password@host:port/database?sslmode=…</c>.
/// Parts the URL leaves out default as in the scripts it replaces: host localhost, port 5432,
/// user and database <c>observatory</c>. <see cref="ToString"/> never shows the password.
/// </summary>
public sealed record DatabaseUrl
{
    public const string DefaultHost = "localhost";
    public const int DefaultPort = 5432;
    public const string DefaultName = "observatory";

    public required string Host { get; init; }
    public required int Port { get; init; }
    public required string User { get; init; }
    public required string Database { get; init; }
    public string? Password { get; init; }

    /// <summary>libpq sslmode (disable, allow, prefer, require, verify-ca, verify-full); null leaves libpq's default.</summary>
    public string? SslMode { get; init; }

    /// <summary>The same server and credentials, another database.</summary>
    public DatabaseUrl WithDatabase(string database) => this with { Database = database };

    /// <summary>Parses <paramref name="url"/>; errors name <paramref name="setting"/> and never echo the password.</summary>
    public static DatabaseUrl Parse(string? url, string setting = "DATABASE_URL")
    {
        if (string.IsNullOrWhiteSpace(url))
            throw new ConfigurationException(setting, $"{setting} is required: a PostgreSQL URL such as postgresql://user:password@host:5432/database.", missing: true);

        url = url.Trim();
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd < 0 ? "" : url[..schemeEnd].ToLowerInvariant();
        var baseScheme = scheme.Split('+')[0];
        if (baseScheme is not ("postgresql" or "postgres"))
            throw Bad(setting, $"its scheme must be postgresql://, postgres:// or postgresql+driver://, not '{(schemeEnd < 0 ? "(none)" : scheme)}'");

        var rest = url[(schemeEnd + 3)..];
        string? query = null;
        var q = rest.IndexOf('?');
        if (q >= 0) { query = rest[(q + 1)..]; rest = rest[..q]; }
        var fragment = rest.IndexOf('#');
        if (fragment >= 0) rest = rest[..fragment];

        string authority = rest, path = "";
        var slash = rest.IndexOf('/');
        if (slash >= 0) { authority = rest[..slash]; path = rest[(slash + 1)..]; }

        string? user = null, password = null;
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':');
            user = Decode(colon >= 0 ? userInfo[..colon] : userInfo, setting, "user name");
            if (colon >= 0) password = Decode(userInfo[(colon + 1)..], setting, "password");
        }

        var (host, port) = ParseHostPort(authority, setting);
        var database = path.Length == 0 ? null : Decode(path.TrimEnd('/'), setting, "database name");
        if (database is not null && database.Contains('/'))
            throw Bad(setting, "its path must be a single database name");

        string? sslMode = null;
        foreach (var pair in (query ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = (eq < 0 ? pair : pair[..eq]).ToLowerInvariant();
            var value = eq < 0 ? "" : Decode(pair[(eq + 1)..], setting, key);
            switch (key)
            {
                case "sslmode":
                    sslMode = NormaliseSslMode(value, setting);
                    break;
                case "ssl":
                    // asyncpg's spelling: ssl=true|false or an sslmode word
                    sslMode = value.ToLowerInvariant() switch
                    {
                        "true" or "1" or "yes" or "on" => "require",
                        "false" or "0" or "no" or "off" => "disable",
                        _ => NormaliseSslMode(value, setting),
                    };
                    break;
                case "host":
                    if (value.Length == 0) throw Bad(setting, "its host= parameter is empty");
                    host = value;
                    break;
                case "port":
                    port = ParsePort(value, setting);
                    break;
                case "user":
                    user = value;
                    break;
                case "password":
                    password = value;
                    break;
                case "dbname":
                    database = value;
                    break;
                // other driver options (application_name, timeouts, …) do not matter to pg_dump or psql
            }
        }

        return new DatabaseUrl
        {
            Host = string.IsNullOrEmpty(host) ? DefaultHost : host,
            Port = port ?? DefaultPort,
            User = string.IsNullOrEmpty(user) ? DefaultName : user,
            Password = string.IsNullOrEmpty(password) ? null : password,
            Database = string.IsNullOrEmpty(database) ? DefaultName : database,
            SslMode = sslMode,
        };
    }

    public override string ToString()
    {
        var host = Host.Contains(':') && !Host.StartsWith('/') ? $"[{Host}]" : Host;
        var credentials = Password is null ? Uri.EscapeDataString(User) : $"{Uri.EscapeDataString(User)}:***";
        var ssl = SslMode is null ? "" : $"?sslmode={SslMode}";
        return Host.StartsWith('/')
            ? $"postgresql://{credentials}@/{Uri.EscapeDataString(Database)}?host={Host}{(SslMode is null ? "" : "&sslmode=" + SslMode)}"
            : $"postgresql://{credentials}@{host}:{Port}/{Uri.EscapeDataString(Database)}{ssl}";
    }

    private static (string? Host, int? Port) ParseHostPort(string authority, string setting)
    {
        if (authority.Length == 0) return (null, null);
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            if (close < 0) throw Bad(setting, "its IPv6 host lacks the closing ']'");
            var host = authority[1..close];
            var after = authority[(close + 1)..];
            if (after.Length == 0) return (host, null);
            if (!after.StartsWith(':')) throw Bad(setting, "unexpected text after the IPv6 host");
            return (host, ParsePort(after[1..], setting));
        }
        if (authority.Contains(','))
            throw Bad(setting, "it names several hosts; give one");
        var colon = authority.LastIndexOf(':');
        if (colon < 0) return (Uri.UnescapeDataString(authority), null);
        return (Uri.UnescapeDataString(authority[..colon]), colon == authority.Length - 1 ? null : ParsePort(authority[(colon + 1)..], setting));
    }

    private static int ParsePort(string text, string setting)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw Bad(setting, $"its port '{text}' is not a number from 1 to 65535");
        return port;
    }

    private static string NormaliseSslMode(string value, string setting)
    {
        var mode = value.ToLowerInvariant();
        return mode is "disable" or "allow" or "prefer" or "require" or "verify-ca" or "verify-full"
            ? mode
            : throw Bad(setting, $"its sslmode '{value}' is not one of disable, allow, prefer, require, verify-ca, verify-full");
    }

    private static string Decode(string text, string setting, string part)
    {
        try
        {
            // Uri.UnescapeDataString leaves malformed escapes as they are; a stray '%' is a typo we report
            for (var i = text.IndexOf('%'); i >= 0; i = text.IndexOf('%', i + 1))
                if (i + 2 >= text.Length || !Uri.IsHexDigit(text[i + 1]) || !Uri.IsHexDigit(text[i + 2]))
                    throw Bad(setting, $"its {part} has a malformed percent-escape");
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            throw Bad(setting, $"its {part} could not be decoded");
        }
    }

    // The URL itself is never part of the message: it may hold a password.
    private static ConfigurationException Bad(string setting, string why) =>
        new(setting, $"{setting} is not a valid PostgreSQL URL: {why}.");
}
