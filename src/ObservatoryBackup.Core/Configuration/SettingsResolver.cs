using System.Collections;
using System.Globalization;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Configuration;

/// <summary>
/// Resolves settings with the precedence explicit value, then environment variable, then default,
/// using exactly the variables and defaults of the scripts this tool replaces.
/// </summary>
public sealed class SettingsResolver(IReadOnlyDictionary<string, string?> environment)
{
    public const string DatabaseUrlVariable = "DATABASE_URL";
    public const string EndpointVariable = "MINIO_ENDPOINT";
    public const string AccessKeyVariable = "MINIO_ACCESS_KEY";
    public const string RootUserVariable = "MINIO_ROOT_USER";
    public const string SecretKeyVariable = "MINIO_SECRET_KEY";
    public const string RootPasswordVariable = "MINIO_ROOT_PASSWORD";
    public const string BucketVariable = "MINIO_BUCKET";
    public const string SecureVariable = "MINIO_SECURE";
    public const string RetentionVariable = "BACKUP_RETENTION_DAYS";
    public const string PgDumpVariable = "OBS_PG_DUMP";
    public const string PsqlVariable = "OBS_PSQL";

    /// <summary>A resolver over the current process environment.</summary>
    public static SettingsResolver FromProcess()
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
            env[(string)e.Key] = (string?)e.Value;
        return new SettingsResolver(env);
    }

    /// <param name="needsDatabase">Backup and restore need DATABASE_URL; listing does not.</param>
    public ObsSettings Resolve(SettingOverrides overrides, bool needsDatabase)
    {
        DatabaseUrl? database = null;
        if (needsDatabase)
        {
            database = overrides.DatabaseUrl is not null
                ? DatabaseUrl.Parse(overrides.DatabaseUrl, "-DatabaseUrl")
                : DatabaseUrl.Parse(Get(DatabaseUrlVariable), DatabaseUrlVariable);
        }

        return new ObsSettings
        {
            Database = database,
            Storage = ResolveStorage(overrides),
            RetentionDays = overrides.RetentionDays is { } days
                ? (days >= 0 ? days : throw new ConfigurationException("-RetentionDays", $"-RetentionDays must be 0 (keep everything) or a positive number of days, not {days}."))
                : ParseRetention(Get(RetentionVariable)),
            PgDumpPath = overrides.PgDumpPath ?? Get(PgDumpVariable),
            PsqlPath = overrides.PsqlPath ?? Get(PsqlVariable),
        };
    }

    private StorageSettings ResolveStorage(SettingOverrides overrides)
    {
        var endpointSetting = overrides.Endpoint is not null ? "-Endpoint" : EndpointVariable;
        var rawEndpoint = overrides.Endpoint ?? Get(EndpointVariable);
        if (string.IsNullOrWhiteSpace(rawEndpoint))
            throw new ConfigurationException(endpointSetting, $"{endpointSetting} is required: the S3/MinIO host and port, for example minio:9000.", missing: true);

        var (endpoint, schemeSecure) = ParseEndpoint(rawEndpoint.Trim(), endpointSetting);
        var secure = overrides.UseSsl ?? schemeSecure ?? ParseBool(Get(SecureVariable), SecureVariable) ?? false;

        var bucket = overrides.Bucket ?? Get(BucketVariable) ?? StorageSettings.DefaultBucket;
        BucketName.Validate(bucket, overrides.Bucket is not null ? "-Bucket" : BucketVariable);

        return new StorageSettings
        {
            Endpoint = endpoint,
            AccessKey = overrides.AccessKey ?? Get(AccessKeyVariable) ?? Get(RootUserVariable) ?? StorageSettings.DefaultAccessKey,
            SecretKey = overrides.SecretKey ?? Get(SecretKeyVariable) ?? Get(RootPasswordVariable) ?? StorageSettings.DefaultAccessKey,
            Bucket = bucket,
            UseSsl = secure,
        };
    }

    /// <summary>Accepts host:port with an optional http:// or https:// prefix, which then decides TLS.</summary>
    internal static (string Endpoint, bool? Secure) ParseEndpoint(string value, string setting)
    {
        bool? secure = null;
        if (value.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) { secure = true; value = value[8..]; }
        else if (value.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) { secure = false; value = value[7..]; }
        else if (value.Contains("://", StringComparison.Ordinal))
            throw new ConfigurationException(setting, $"{setting} must be host:port, optionally prefixed with http:// or https://.");
        value = value.TrimEnd('/');
        if (value.Length == 0 || value.Contains('/') || value.Contains('@') || value.Any(char.IsWhiteSpace))
            throw new ConfigurationException(setting, $"{setting} must be host:port with no path or credentials, for example minio:9000; got '{value}'.");
        var colon = value.LastIndexOf(':');
        if (colon > 0 && !value.EndsWith(']') &&
            (!int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535))
            throw new ConfigurationException(setting, $"{setting} has an invalid port in '{value}'.");
        return (value, secure);
    }

    internal static int ParseRetention(string? value)
    {
        if (value is null) return ObsSettings.DefaultRetentionDays;
        if (!int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var days))
            throw new ConfigurationException(RetentionVariable,
                $"{RetentionVariable} must be 0 (keep everything) or a positive whole number of days, not '{value}'.");
        return days;
    }

    internal static bool? ParseBool(string? value, string setting) => value?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => throw new ConfigurationException(setting, $"{setting} must be true or false, not '{value}'."),
    };

    // An empty variable counts as unset, as `os.environ.get(...) or default` did in the scripts.
    private string? Get(string name) =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}
