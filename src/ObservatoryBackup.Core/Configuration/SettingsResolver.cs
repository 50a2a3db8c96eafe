using System.Collections;
using System.Globalization;
using ObservatoryBackup.Encryption;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Configuration;

/// <summary>
/// Resolves settings with the precedence explicit value, then environment variable, then default,
/// using exactly the variables and defaults of the scripts this tool replaces. The only reader of
/// the environment: everything else is handed what it resolves, so tests inject the environment here.
/// </summary>
public sealed partial class SettingsResolver(IReadOnlyDictionary<string, string?> environment)
{
    /// <summary>A resolver over a snapshot of the current process environment.</summary>
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
        var compression = overrides.Compression ?? ParseCompression(Get(CompressionVariable), CompressionVariable);
        var (restoreJobs, restoreJobsByDefault) = ResolveRestoreJobs(overrides.RestoreJobs);
        return new()
    {
        Database = needsDatabase ? ResolveDatabase(overrides.DatabaseUrl, overrides.DatabaseCredential) : null,
        Storage = ResolveStorage(overrides),
        RetentionDays = overrides.RetentionDays is { } days
            ? (days is >= 0 and <= ObsSettings.MaxRetentionDays ? days : throw new ConfigurationException(Setting.RetentionDays, null, RetentionProblem(days.ToString(CultureInfo.InvariantCulture))))
            : ParseRetention(Get(RetentionVariable)),
        PgDumpPath = ResolveToolPath(overrides.PgDumpPath, PgDumpVariable),
        PsqlPath = ResolveToolPath(overrides.PsqlPath, PsqlVariable),
        ToolSearchPath = Get(PathVariable) ?? "",
        TempDirectory = Get(TempDirectoryVariable) ?? Path.GetTempPath(),
        MetricsPath = overrides.MetricsPath ?? Get(MetricsVariable),
        Compression = compression,
        CompressionLevel = ResolveCompressionLevel(compression, overrides.CompressionLevel),
        Keep = new KeepRules(
            Count(Setting.KeepLast, overrides.KeepLast, KeepLastVariable),
            Count(Setting.KeepDaily, overrides.KeepDaily, KeepDailyVariable),
            Count(Setting.KeepWeekly, overrides.KeepWeekly, KeepWeeklyVariable),
            Count(Setting.KeepMonthly, overrides.KeepMonthly, KeepMonthlyVariable),
            Count(Setting.KeepYearly, overrides.KeepYearly, KeepYearlyVariable)),
        NotifyUrl = ResolveNotifyUrl(),
        ExcludeTables = Patterns(Setting.ExcludeTable, overrides.ExcludeTables),
        ExcludeTableData = Patterns(Setting.ExcludeTableData, overrides.ExcludeTableData),
        Recipients = ResolveRecipients(overrides.Recipients),
        Identities = ResolveIdentities(overrides.IdentityFile),
        RestoreJobs = restoreJobs,
        RestoreJobsByDefault = restoreJobsByDefault,
    };
    }

    /// <summary>pg_dump table patterns as given: each non-empty, without control characters (they reach pg_dump as arguments, never a shell).</summary>
    private static IReadOnlyList<string> Patterns(Setting setting, IReadOnlyList<string>? given)
    {
        foreach (var pattern in given ?? [])
            if (string.IsNullOrWhiteSpace(pattern) || pattern.Any(char.IsControl))
                throw new ConfigurationException(setting, null, "takes pg_dump table patterns (schema.table, * and ? wildcards); an empty one, or one with control characters, is not one.");
        return given ?? [];
    }

    /// <summary>OBS_NOTIFY_URL: an absolute http(s) URL. Never quoted: the URL is the check's key.</summary>
    private Uri? ResolveNotifyUrl()
    {
        if (Get(NotifyUrlVariable) is not { } text) return null;
        return Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
            ? url
            : throw new ConfigurationException(Setting.NotifyUrl, NotifyUrlVariable, "must be an absolute http:// or https:// URL (the value is not repeated: it holds the check's key).");
    }

    /// <summary>
    /// Connections a restore loads over: the number given, else OBS_RESTORE_JOBS, else <see cref="ObsSettings.DefaultRestoreJobs"/>
    /// (the cores less one, but two on two cores, where a second COPY stream paid: bench/README.md), and whether it is that default.
    /// </summary>
    private (int Jobs, bool ByDefault) ResolveRestoreJobs(int? given)
    {
        var value = Value(Setting.RestoreJobs, given?.ToString(CultureInfo.InvariantCulture), RestoreJobsVariable);
        if (value.Text is null) return (ObsSettings.DefaultRestoreJobs(Environment.ProcessorCount), true);
        return int.TryParse(value.Text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= ObsSettings.MaxRestoreJobs
            ? (n, false)
            : throw new ConfigurationException(Setting.RestoreJobs, value.Variable, $"must be a whole number of connections from 1 (one psql, in order) to {ObsSettings.MaxRestoreJobs}, not '{value.Text}'.");
    }

    /// <summary>A keep rule's count: the one given, else its variable's, else 0 (off).</summary>
    private int Count(Setting setting, int? given, string variable)
    {
        var value = Value(setting, given?.ToString(CultureInfo.InvariantCulture), variable);
        if (value.Text is null) return 0;
        return int.TryParse(value.Text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= KeepRules.Max
            ? n
            : throw new ConfigurationException(setting, value.Variable, $"must be a whole number from 0 (off) to {KeepRules.Max}, not '{value.Text}'.");
    }

    private static string ReadFile(string path, Setting setting, string? variable)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException(setting, variable, $"names a file that cannot be read ({path}: {ex.Message}).");
        }
    }

    /// <summary>The level given, within the codec's range; null for the codec's default.</summary>
    private static int? ResolveCompressionLevel(BackupCodec codec, int? level)
    {
        if (level is not { } given) return null;
        var (min, max) = CompressionLevels.Range(codec);
        return given >= min && given <= max
            ? given
            : throw new ConfigurationException(Setting.CompressionLevel, null, $"must be from {min} to {max} for {codec.ToString().ToLowerInvariant()}, not {given}.");
    }

    /// <summary>
    /// The database: <paramref name="explicitUrl"/>, else DATABASE_URL, with <paramref name="credential"/>'s
    /// user and password in place of the URL's when given; the connect timeout from the URL, else PGCONNECT_TIMEOUT.
    /// </summary>
    public DatabaseUrl ResolveDatabase(string? explicitUrl, DatabaseCredential? credential = null)
    {
        var url = explicitUrl is not null
            ? DatabaseUrl.Parse(explicitUrl, variable: null)
            : DatabaseUrl.Parse(Get(DatabaseUrlVariable), DatabaseUrlVariable);
        if (credential is not null) url = url with { User = credential.User, Password = credential.Password };
        return url.ConnectTimeout is null ? url with { ConnectTimeout = ParseConnectTimeout(Get(ConnectTimeoutVariable)) } : url;
    }

    /// <summary>A raw value: <paramref name="explicitValue"/>, else the variable's (null when neither is set).</summary>
    public SettingValue Value(Setting setting, string? explicitValue, string variable) =>
        explicitValue is not null ? new(setting, explicitValue, null) : new(setting, Get(variable), variable);

    /// <summary>
    /// The old and new credential keys of a rotation; explicit values win. From the environment, in
    /// either order of the migration: CREDENTIAL_ENCRYPTION_KEY_NEW beside the application's
    /// CREDENTIAL_ENCRYPTION_KEY (still the old key, the spec's order), or CREDENTIAL_ENCRYPTION_KEY_OLD
    /// beside the deployed new CREDENTIAL_ENCRYPTION_KEY. _OLD and _NEW together are ambiguous: an error.
    /// </summary>
    public (SettingValue Old, SettingValue New) ResolveCredentialKeys(string? explicitOld, string? explicitNew)
    {
        var next = Get(NextCredentialKeyVariable) is not null;
        if (next && Get(OldCredentialKeyVariable) is not null && (explicitOld is null || explicitNew is null))
            throw new ConfigurationException(Setting.NewCredentialKey, NextCredentialKeyVariable,
                $"and {OldCredentialKeyVariable} are both set, so {CredentialKeyVariable} could be either key; unset one of them.");
        return next
            ? (Value(Setting.OldCredentialKey, explicitOld, CredentialKeyVariable), Value(Setting.NewCredentialKey, explicitNew, NextCredentialKeyVariable))
            : (Value(Setting.OldCredentialKey, explicitOld, OldCredentialKeyVariable), Value(Setting.NewCredentialKey, explicitNew, CredentialKeyVariable));
    }

    /// <summary>
    /// The log format, for both faces: <paramref name="explicitFormat"/> (-LogFormat, --log-format), else
    /// OBS_LOG_FORMAT, else the face's default, <paramref name="otherwise"/> (the cmdlets: Text; obs-backup:
    /// Text where its log goes to a terminal, else Json). An unknown value is an error.
    /// </summary>
    public LogFormat ResolveLogFormat(LogFormat? explicitFormat, LogFormat otherwise = LogFormat.Text)
    {
        if (explicitFormat is { } format) return format;
        var value = Get(LogFormatVariable);
        if (value is null) return otherwise;
        return Enum.TryParse<LogFormat>(value.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new ConfigurationException(Setting.LogFormat, LogFormatVariable, $"must be text or json, not '{value}'.");
    }

    /// <summary>Whether NO_COLOR (no-color.org) asks a terminal for no colour: set to anything but empty.</summary>
    public bool ColourRefused => Raw(NoColorVariable) is not null;

    private ToolPath? ResolveToolPath(string? explicitPath, string variable) =>
        explicitPath is not null ? new ToolPath(explicitPath) : Get(variable) is { } fromEnvironment ? new ToolPath(fromEnvironment, variable) : null;

    internal static int ParseRetention(string? value)
    {
        if (value is null) return ObsSettings.DefaultRetentionDays;
        if (!int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days > ObsSettings.MaxRetentionDays)
            throw new ConfigurationException(Setting.RetentionDays, RetentionVariable, RetentionProblem($"'{value}'"));
        return days;
    }

    private static string RetentionProblem(string given) =>
        $"must be 0 (keep everything) or a whole number of days up to {ObsSettings.MaxRetentionDays}, not {given}.";

    /// <param name="variable">The environment variable the value came from; null when given explicitly.</param>
    public static BackupCodec ParseCompression(string? value, string? variable) => value?.Trim().ToLowerInvariant() switch
    {
        null or "gzip" => BackupCodec.Gzip,
        "zstd" => BackupCodec.Zstd,
        _ => throw new ConfigurationException(Setting.Compression, variable, $"must be gzip or zstd, not '{value}'."),
    };

    internal static int ParseConnectTimeout(string? value)
    {
        if (value is null) return DefaultConnectTimeoutSeconds;
        return int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? seconds
            : throw new ConfigurationException(Setting.ConnectTimeout, ConnectTimeoutVariable, $"must be a positive whole number of seconds, not '{value}'.");
    }

    internal static bool? ParseBool(string? value, Setting setting, string variable) => value?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => throw new ConfigurationException(setting, variable, $"must be true or false, not '{value}'."),
    };

    /// <summary>
    /// The secrets that may come from a file named by NAME_FILE instead (the Docker and Kubernetes
    /// secrets convention), with the setting each is.
    /// </summary>
    private static readonly Dictionary<string, Setting> FileVariables = new(StringComparer.Ordinal)
    {
        [DatabaseUrlVariable] = Setting.DatabaseUrl,
        [AccessKeyVariable] = Setting.AccessKey,
        [SecretKeyVariable] = Setting.SecretKey,
        [OldCredentialKeyVariable] = Setting.OldCredentialKey,
        [CredentialKeyVariable] = Setting.OldCredentialKey,
        [NextCredentialKeyVariable] = Setting.NewCredentialKey,
    };

    /// <summary>
    /// A variable's value. An empty variable counts as unset, as `os.environ.get(...) or default` did in
    /// the scripts. A secret may come from the file NAME_FILE names (its content, less a final newline);
    /// both set, or a file that cannot be read, is an error naming the variable, never the content.
    /// </summary>
    private string? Get(string name)
    {
        var value = Raw(name);
        if (!FileVariables.TryGetValue(name, out var setting) || Raw(name + "_FILE") is not { } path) return value;
        if (value is not null)
            throw new ConfigurationException(setting, name + "_FILE", $"and {name} are both set; set one of them.");
        var content = ReadFile(path, setting, name + "_FILE").TrimEnd('\n').TrimEnd('\r');
        return string.IsNullOrWhiteSpace(content) ? null : content;
    }

    private string? Raw(string name) =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}
