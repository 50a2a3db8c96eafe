using System.Globalization;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Configuration;

// The bucket and the object store's options: endpoint, keys or the AWS credential chain, Object Lock, SSE.
public sealed partial class SettingsResolver
{
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
            BuiltInKeys = chain is not null ? null : (accessKey, secretKey) switch
            {
                (null, null) => "access key and secret key",
                (null, _) => "access key",
                (_, null) => "secret key",
                _ => null,
            },
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
    /// OBS_S3_CREDENTIALS=aws, the default profile and instance metadata. Null keeps the MinIO default keys.
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
}
