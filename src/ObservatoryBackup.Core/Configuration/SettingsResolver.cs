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
    public const string LogFormatVariable = "OBS_LOG_FORMAT";
    public const string ConnectTimeoutVariable = "PGCONNECT_TIMEOUT";
    public const string OldCredentialKeyVariable = "CREDENTIAL_ENCRYPTION_KEY_OLD";
    public const string CredentialKeyVariable = "CREDENTIAL_ENCRYPTION_KEY";
    public const string NextCredentialKeyVariable = "CREDENTIAL_ENCRYPTION_KEY_NEW";
    public const string PathVariable = "PATH";
    public const string TempDirectoryVariable = "TMPDIR";
    public const string MetricsVariable = "OBS_METRICS_FILE";
    public const string CompressionVariable = "OBS_COMPRESSION";
    public const string AgeRecipientsVariable = "OBS_AGE_RECIPIENTS";
    public const string AgeRecipientsFileVariable = "OBS_AGE_RECIPIENTS_FILE";
    public const string AgeIdentityFileVariable = "OBS_AGE_IDENTITY_FILE";
    public const string ObjectLockDaysVariable = "OBS_OBJECT_LOCK_DAYS";
    public const string ObjectLockModeVariable = "OBS_OBJECT_LOCK_MODE";
    public const string NotifyUrlVariable = "OBS_NOTIFY_URL";
    public const string PrefixVariable = "OBS_PREFIX";
    public const string KeepLastVariable = "BACKUP_KEEP_LAST";
    public const string RestoreJobsVariable = "OBS_RESTORE_JOBS";
    public const string KeepDailyVariable = "BACKUP_KEEP_DAILY";
    public const string KeepWeeklyVariable = "BACKUP_KEEP_WEEKLY";
    public const string KeepMonthlyVariable = "BACKUP_KEEP_MONTHLY";
    public const string KeepYearlyVariable = "BACKUP_KEEP_YEARLY";
    public const string RegionVariable = "OBS_S3_REGION";
    public const string AwsRegionVariable = "AWS_REGION";
    public const string AddressingVariable = "OBS_S3_ADDRESSING";
    public const string StorageClassVariable = "OBS_S3_STORAGE_CLASS";
    public const string SseVariable = "OBS_S3_SSE";
    public const string SseKmsKeyIdVariable = "OBS_S3_SSE_KMS_KEY_ID";
    public const string SseCustomerKeyFileVariable = "OBS_S3_SSE_C_KEY_FILE";
    public const string CredentialsVariable = "OBS_S3_CREDENTIALS";
    public const string AwsAccessKeyIdVariable = "AWS_ACCESS_KEY_ID";
    public const string AwsProfileVariable = "AWS_PROFILE";
    public const string AwsWebIdentityTokenFileVariable = "AWS_WEB_IDENTITY_TOKEN_FILE";

    /// <summary>libpq's connect timeout unless PGCONNECT_TIMEOUT or the URL says otherwise.</summary>
    public const int DefaultConnectTimeoutSeconds = 30;

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
        RestoreJobs = ResolveRestoreJobs(overrides.RestoreJobs),
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
    /// Connections a restore loads over: the number given, else OBS_RESTORE_JOBS, else the cores less one (at least 1, at most
    /// <see cref="ObsSettings.MaxDefaultRestoreJobs"/>): one core goes to decompressing and checking the dump, and on two cores a
    /// second connection made realistic data slower to restore (bench/README.md).
    /// </summary>
    private int ResolveRestoreJobs(int? given)
    {
        var value = Value(Setting.RestoreJobs, given?.ToString(CultureInfo.InvariantCulture), RestoreJobsVariable);
        if (value.Text is null) return Math.Clamp(Environment.ProcessorCount - 1, 1, ObsSettings.MaxDefaultRestoreJobs);
        return int.TryParse(value.Text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= ObsSettings.MaxRestoreJobs
            ? n
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

    /// <summary>
    /// The age recipients: those given, else OBS_AGE_RECIPIENTS (comma-separated), else the lines of
    /// the file OBS_AGE_RECIPIENTS_FILE names (blank lines and # comments ignored). Public keys, so a
    /// bad one is quoted.
    /// </summary>
    private IReadOnlyList<AgeRecipient> ResolveRecipients(IReadOnlyList<string>? given)
    {
        var (texts, variable) = (given, (string?)null);
        if (texts is null)
        {
            var inline = Raw(AgeRecipientsVariable);
            var file = Raw(AgeRecipientsFileVariable);
            if (inline is not null && file is not null)
                throw new ConfigurationException(Setting.Recipients, AgeRecipientsFileVariable, $"and {AgeRecipientsVariable} are both set; set one of them.");
            if (inline is not null) (texts, variable) = (inline.Split(','), AgeRecipientsVariable);
            else if (file is not null) (texts, variable) = (ReadFile(file, Setting.Recipients, AgeRecipientsFileVariable).Split('\n').Where(l => !l.TrimStart().StartsWith('#')).ToList(), AgeRecipientsFileVariable);
            else return [];
        }
        var recipients = new List<AgeRecipient>();
        foreach (var text in texts.Select(t => t.Trim()).Where(t => t.Length > 0))
        {
            var recipient = AgeRecipient.TryParse(text, out var why)
                ?? throw new ConfigurationException(Setting.Recipients, variable, $"holds '{text}', which is not an age recipient: {why}.");
            if (!recipients.Contains(recipient)) recipients.Add(recipient);
        }
        return recipients.Count > 0 ? recipients
            : throw new ConfigurationException(Setting.Recipients, variable, "holds no age recipient (age1…).");
    }

    /// <summary>The identities in the identity file given, else the one OBS_AGE_IDENTITY_FILE names; null when neither. Never quotes the file.</summary>
    private IReadOnlyList<AgeIdentity>? ResolveIdentities(string? given)
    {
        var (path, variable) = given is not null ? (given, (string?)null) : (Raw(AgeIdentityFileVariable), AgeIdentityFileVariable);
        if (path is null) return null;
        try
        {
            return AgeIdentityFile.Parse(ReadFile(path, Setting.IdentityFile, variable));
        }
        catch (FormatException ex)
        {
            throw new ConfigurationException(Setting.IdentityFile, variable, $"names {path}, which is not an age identity file: {ex.Message}.");
        }
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

    /// <summary>The log format: <paramref name="explicitFormat"/>, else OBS_LOG_FORMAT, else Text. An unknown value is an error.</summary>
    public LogFormat ResolveLogFormat(LogFormat? explicitFormat)
    {
        if (explicitFormat is { } format) return format;
        var value = Get(LogFormatVariable);
        if (value is null) return LogFormat.Text;
        return Enum.TryParse<LogFormat>(value.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new ConfigurationException(Setting.LogFormat, LogFormatVariable, $"must be text or json, not '{value}'.");
    }

    private StorageSettings ResolveStorage(SettingOverrides overrides)
    {
        var endpoint = Value(Setting.Endpoint, overrides.Endpoint, EndpointVariable);
        if (string.IsNullOrWhiteSpace(endpoint.Text))
            throw new ConfigurationException(Setting.Endpoint, endpoint.Variable, "is required: the S3/MinIO host and port, for example minio:9000.", missing: true);

        var (host, schemeSecure) = ParseEndpoint(endpoint.Text.Trim(), endpoint.Variable);
        var secure = overrides.UseSsl ?? schemeSecure ?? ParseBool(Get(SecureVariable), Setting.UseSsl, SecureVariable) ?? false;

        var bucket = Value(Setting.Bucket, overrides.Bucket, BucketVariable);
        var bucketName = bucket.Text ?? StorageSettings.DefaultBucket;
        BucketName.Validate(bucketName, bucket.Variable);

        var (accessKey, source) = overrides.AccessKey is { } given ? (given, "the credential given")
            : Get(AccessKeyVariable) is { } fromVariable ? (fromVariable, AccessKeyVariable)
            : Get(RootUserVariable) is { } root ? (root, RootUserVariable)
            : ((string?)null, (string?)null);
        var secretKey = overrides.SecretKey ?? Get(SecretKeyVariable) ?? Get(RootPasswordVariable);
        var chain = accessKey is null && secretKey is null ? CredentialChainSource() : null;
        var sse = Get(SseVariable)?.Trim();
        if (sse is not null && sse != "AES256" && sse != "aws:kms")
            throw new ConfigurationException(Setting.StorageOption, SseVariable, $"must be AES256 or aws:kms, not '{sse}'.");
        var kmsKey = Get(SseKmsKeyIdVariable);
        if (kmsKey is not null && sse != "aws:kms")
            throw new ConfigurationException(Setting.StorageOption, SseKmsKeyIdVariable, $"is for {SseVariable}=aws:kms, which is not set.");
        var storageClass = Get(StorageClassVariable)?.Trim().ToUpperInvariant();
        if (storageClass is not null && !storageClass.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_'))
            throw new ConfigurationException(Setting.StorageOption, StorageClassVariable, $"must be an S3 storage class such as STANDARD_IA or GLACIER_IR, not '{storageClass}'.");

        return new StorageSettings
        {
            Endpoint = host,
            AccessKey = accessKey ?? StorageSettings.DefaultAccessKey,
            SecretKey = secretKey ?? StorageSettings.DefaultAccessKey,
            CredentialSource = chain ?? source ?? "default (minioadmin)",
            UseCredentialChain = chain is not null,
            Bucket = bucketName,
            Prefix = Get(PrefixVariable) is { } prefix ? ObjectPrefix.Validate(prefix.Trim(), PrefixVariable) : ObjectPrefix.Default,
            UseSsl = secure,
            Lock = ResolveLock(overrides.LockDays),
            Region = (Get(RegionVariable) ?? Get(AwsRegionVariable) ?? StorageSettings.DefaultRegion).Trim(),
            VirtualHostedStyle = Get(AddressingVariable)?.Trim().ToLowerInvariant() switch
            {
                null or "path" => false,
                "virtual" => true,
                var other => throw new ConfigurationException(Setting.StorageOption, AddressingVariable, $"must be path or virtual, not '{other}'."),
            },
            StorageClass = storageClass,
            ServerSideEncryption = sse,
            KmsKeyId = kmsKey,
            CustomerKey = ResolveCustomerKey(),
        };
    }

    /// <summary>
    /// With no access key configured, where the AWS SDK's default chain is to find one, named for the
    /// log: the AWS variables, a profile, a web identity (Kubernetes service accounts), or, only when
    /// OBS_S3_CREDENTIALS=aws, the default profile and instance metadata. Null keeps the scripts' default.
    /// </summary>
    private string? CredentialChainSource()
    {
        var chain = Get(CredentialsVariable)?.Trim().ToLowerInvariant();
        if (chain is not null && chain != "aws")
            throw new ConfigurationException(Setting.AccessKey, CredentialsVariable, $"must be aws (the AWS SDK's credential chain), not '{chain}'.");
        if (Get(AwsAccessKeyIdVariable) is not null) return $"AWS SDK chain: {AwsAccessKeyIdVariable}";
        if (Get(AwsWebIdentityTokenFileVariable) is not null) return $"AWS SDK chain: web identity ({AwsWebIdentityTokenFileVariable})";
        if (Get(AwsProfileVariable) is { } profile) return $"AWS SDK chain: profile '{profile}' ({AwsProfileVariable})";
        return chain is not null ? "AWS SDK chain: default profile, container or instance metadata" : null;
    }

    /// <summary>The SSE-C key in the file OBS_S3_SSE_C_KEY_FILE names: 32 bytes, raw or in base64. Never quoted.</summary>
    private byte[]? ResolveCustomerKey()
    {
        if (Raw(SseCustomerKeyFileVariable) is not { } path) return null;
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException(Setting.StorageOption, SseCustomerKeyFileVariable, $"names a file that cannot be read ({path}: {ex.Message}).");
        }
        if (content.Length == 32) return content;
        try
        {
            var key = Convert.FromBase64String(System.Text.Encoding.ASCII.GetString(content).Trim());
            if (key.Length == 32) return key;
        }
        catch (FormatException)
        {
        }
        throw new ConfigurationException(Setting.StorageOption, SseCustomerKeyFileVariable, $"names {path}, which does not hold a 256-bit key (32 bytes, raw or in base64).");
    }

    /// <summary>Object Lock: the days given, else OBS_OBJECT_LOCK_DAYS, in OBS_OBJECT_LOCK_MODE (GOVERNANCE unless COMPLIANCE); null for none.</summary>
    private ObjectLock? ResolveLock(int? givenDays)
    {
        var days = Value(Setting.LockDays, givenDays?.ToString(CultureInfo.InvariantCulture), ObjectLockDaysVariable);
        var modeText = Get(ObjectLockModeVariable);
        var mode = modeText?.Trim().ToUpperInvariant() switch
        {
            null or "GOVERNANCE" => ObjectLockMode.Governance,
            "COMPLIANCE" => ObjectLockMode.Compliance,
            _ => throw new ConfigurationException(Setting.LockMode, ObjectLockModeVariable, $"must be GOVERNANCE or COMPLIANCE, not '{modeText}'."),
        };
        if (days.Text is null)
            return modeText is null ? null
                : throw new ConfigurationException(Setting.LockDays, ObjectLockDaysVariable, $"is needed: {ObjectLockModeVariable} is set, and the lock needs a number of days.", missing: true);
        if (!int.TryParse(days.Text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > ObjectLock.MaxDays)
            throw new ConfigurationException(Setting.LockDays, days.Variable, $"must be a whole number of days from 1 to {ObjectLock.MaxDays}, not '{days.Text}'.");
        return new ObjectLock(n, mode);
    }

    private ToolPath? ResolveToolPath(string? explicitPath, string variable) =>
        explicitPath is not null ? new ToolPath(explicitPath) : Get(variable) is { } fromEnvironment ? new ToolPath(fromEnvironment, variable) : null;

    /// <summary>Accepts host:port with an optional http:// or https:// prefix, which then decides TLS.</summary>
    /// <param name="variable">The variable the value came from; null when given explicitly.</param>
    internal static (string Endpoint, bool? Secure) ParseEndpoint(string value, string? variable)
    {
        bool? secure = null;
        if (value.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) { secure = true; value = value[8..]; }
        else if (value.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) { secure = false; value = value[7..]; }
        else if (value.Contains("://", StringComparison.Ordinal))
            throw new ConfigurationException(Setting.Endpoint, variable, "must be host:port, optionally prefixed with http:// or https://.");
        value = value.TrimEnd('/');
        if (value.Length == 0 || value.Contains('/') || value.Contains('@') || value.Any(char.IsWhiteSpace))
            throw new ConfigurationException(Setting.Endpoint, variable, "must be host:port with no path or credentials, for example minio:9000 (the value is not repeated: it may hold a secret).");
        var colon = value.LastIndexOf(':');
        if (colon > 0 && !value.EndsWith(']') &&
            (!int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535))
            throw new ConfigurationException(Setting.Endpoint, variable, "has an invalid port: give host:port with a port from 1 to 65535.");
        return (value, secure);
    }

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
