using System.Globalization;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Configuration;

/// <summary>
/// A parsed DATABASE_URL: <c>postgresql[+driver]://user:password@host:port/database?sslmode=…</c>.
/// Parts the URL leaves out default as in the scripts it replaces: host localhost, port 5432,
/// user and database <c>observatory</c>. <see cref="ToString"/> never shows the password.
/// </summary>
public sealed partial record DatabaseUrl
{
    public const string DefaultHost = "localhost";
    public const int DefaultPort = 5432;
    public const string DefaultName = "observatory";

    /// <summary>PostgreSQL's longest identifier, in bytes (NAMEDATALEN - 1).</summary>
    public const int MaxIdentifierBytes = 63;

    public required string Host { get; init; }
    public required int Port { get; init; }
    public required string User { get; init; }
    public required string Database { get; init; }
    public string? Password { get; init; }

    /// <summary>libpq sslmode (disable, allow, prefer, require, verify-ca, verify-full); null leaves libpq's default.</summary>
    public string? SslMode { get; init; }

    /// <summary>Seconds to wait for a connection (libpq's connect_timeout); null until resolved, then the default.</summary>
    public int? ConnectTimeout { get; init; }

    public int ConnectTimeoutOrDefault => ConnectTimeout ?? SettingsResolver.DefaultConnectTimeoutSeconds;

    /// <summary>The same server and credentials, another database.</summary>
    public DatabaseUrl WithDatabase(string database) => this with { Database = database };

    /// <summary>Parses <paramref name="url"/>; errors name the setting and never echo the password.</summary>
    /// <param name="variable">The environment variable the URL came from; null when it was given explicitly.</param>
    public static DatabaseUrl Parse(string? url, string? variable = "DATABASE_URL")
    {
        if (string.IsNullOrWhiteSpace(url))
            throw new ConfigurationException(Setting.DatabaseUrl, variable, "is required: a PostgreSQL URL such as postgresql://user:password@host:5432/database.", missing: true);

        url = url.Trim();
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd < 0 ? "" : url[..schemeEnd].ToLowerInvariant();
        var baseScheme = scheme.Split('+')[0];
        if (baseScheme is not ("postgresql" or "postgres"))
            throw Bad(variable, $"its scheme must be postgresql://, postgres:// or postgresql+driver://, not {DescribeScheme(schemeEnd < 0 ? null : scheme)}");

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
            user = Decode(colon >= 0 ? userInfo[..colon] : userInfo, variable, "user name");
            if (colon >= 0) password = Decode(userInfo[(colon + 1)..], variable, "password");
        }

        var (host, port) = ParseHostPort(authority, variable);
        var database = path.Length == 0 ? null : Decode(path.TrimEnd('/'), variable, "database name");
        if (database is not null && database.Contains('/'))
            throw Bad(variable, "its path must be a single database name");

        string? sslMode = null;
        int? connectTimeout = null;
        foreach (var pair in (query ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = (eq < 0 ? pair : pair[..eq]).ToLowerInvariant();
            var value = eq < 0 ? "" : Decode(pair[(eq + 1)..], variable, key);
            switch (key)
            {
                case "sslmode":
                    sslMode = NormaliseSslMode(value, variable);
                    break;
                case "ssl":
                    // asyncpg's spelling: ssl=true|false or an sslmode word
                    sslMode = value.ToLowerInvariant() switch
                    {
                        "true" or "1" or "yes" or "on" => "require",
                        "false" or "0" or "no" or "off" => "disable",
                        _ => NormaliseSslMode(value, variable),
                    };
                    break;
                case "host":
                    if (value.Length == 0) throw Bad(variable, "its host= parameter is empty");
                    host = value;
                    break;
                case "port":
                    port = ParsePort(value, variable);
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
                case "connect_timeout":
                    connectTimeout = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                        ? seconds
                        : throw Bad(variable, "its connect_timeout is not a positive whole number of seconds");
                    break;
                // other driver options (application_name, timeouts, …) do not matter to pg_dump or psql
            }
        }

        // PostgreSQL truncates longer names silently: the database made would not be the one named
        if (database is not null && System.Text.Encoding.UTF8.GetByteCount(database) > MaxIdentifierBytes)
            throw Bad(variable, $"its database name is longer than PostgreSQL's {MaxIdentifierBytes}-byte limit for names");
        if (database is not null && database.Contains('\0'))
            throw Bad(variable, "its database name contains a NUL character");

        return new DatabaseUrl
        {
            Host = string.IsNullOrEmpty(host) ? DefaultHost : host,
            Port = port ?? DefaultPort,
            User = string.IsNullOrEmpty(user) ? DefaultName : user,
            Password = string.IsNullOrEmpty(password) ? null : password,
            Database = string.IsNullOrEmpty(database) ? DefaultName : database,
            SslMode = sslMode,
            ConnectTimeout = connectTimeout,
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

    private static (string? Host, int? Port) ParseHostPort(string authority, string? variable)
    {
        if (authority.Length == 0) return (null, null);
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            if (close < 0) throw Bad(variable, "its IPv6 host lacks the closing ']'");
            var host = authority[1..close];
            var after = authority[(close + 1)..];
            if (after.Length == 0) return (host, null);
            if (!after.StartsWith(':')) throw Bad(variable, "unexpected text after the IPv6 host");
            return (host, ParsePort(after[1..], variable));
        }
        if (authority.Contains(','))
            throw Bad(variable, "it names several hosts; give one");
        var colon = authority.LastIndexOf(':');
        if (colon < 0) return (Uri.UnescapeDataString(authority), null);
        return (Uri.UnescapeDataString(authority[..colon]), colon == authority.Length - 1 ? null : ParsePort(authority[(colon + 1)..], variable));
    }

    private static int ParsePort(string text, string? variable)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw Bad(variable, "its port is not a number from 1 to 65535 (a password holding '#', '/', '?' or '@' must be percent-encoded)");
        return port;
    }

    private static string NormaliseSslMode(string value, string? variable)
    {
        var mode = value.ToLowerInvariant();
        return mode is "disable" or "allow" or "prefer" or "require" or "verify-ca" or "verify-full"
            ? mode
            : throw Bad(variable, "its sslmode is not one of disable, allow, prefer, require, verify-ca, verify-full");
    }

    private static string Decode(string text, string? variable, string part)
    {
        try
        {
            // Uri.UnescapeDataString leaves malformed escapes as they are; a stray '%' is a typo we report
            for (var i = text.IndexOf('%'); i >= 0; i = text.IndexOf('%', i + 1))
                if (i + 2 >= text.Length || !Uri.IsHexDigit(text[i + 1]) || !Uri.IsHexDigit(text[i + 2]))
                    throw Bad(variable, $"its {part} has a malformed percent-escape");
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            throw Bad(variable, $"its {part} could not be decoded");
        }
    }

    /// <summary>Names a scheme in an error only when it looks like one; anything else may be part of a password.</summary>
    private static string DescribeScheme(string? scheme) =>
        scheme is null ? "none" : SchemePattern().IsMatch(scheme) ? $"'{scheme}'" : "something that is not a URL scheme";

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z][a-z0-9+.-]{0,30}$")]
    private static partial System.Text.RegularExpressions.Regex SchemePattern();

    // No part of the URL is ever quoted in a message: any part may hold the password.
    private static ConfigurationException Bad(string? variable, string why) =>
        new(Setting.DatabaseUrl, variable, $"is not a valid PostgreSQL URL: {why}.");
}
