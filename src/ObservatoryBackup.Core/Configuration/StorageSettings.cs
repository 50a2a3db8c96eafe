namespace ObservatoryBackup.Configuration;

/// <summary>Where backups live: an S3-compatible endpoint, its credentials and the bucket.</summary>
public sealed record StorageSettings
{
    public const string DefaultBucket = "observatory-backups";
    public const string DefaultAccessKey = "minioadmin";

    /// <summary>host:port, without scheme.</summary>
    public required string Endpoint { get; init; }
    public required string AccessKey { get; init; }
    public required string SecretKey { get; init; }
    public string Bucket { get; init; } = DefaultBucket;

    /// <summary>Where in the bucket this cluster's backups live (OBS_PREFIX): the spec's postgres/ by default.</summary>
    public string Prefix { get; init; } = ObjectPrefix.Default;
    public bool UseSsl { get; init; }

    /// <summary>How long to wait for a TCP (and TLS) connection.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a request may go without a byte sent or received before it is abandoned (and retried).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The first retry's delay; it doubles with each retry.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Object Lock for every backup written; null writes unlocked objects.</summary>
    public ObjectLock? Lock { get; init; }

    public const string DefaultRegion = "us-east-1";

    /// <summary>The region requests are signed for.</summary>
    public string Region { get; init; } = DefaultRegion;

    /// <summary>Bucket in the host name (AWS's virtual-hosted style) instead of the path (the default, what MinIO and radosgw take).</summary>
    public bool VirtualHostedStyle { get; init; }

    /// <summary>The storage class backups are written in (STANDARD_IA, GLACIER_IR, …); null for the bucket's default.</summary>
    public string? StorageClass { get; init; }

    /// <summary>Server-side encryption with keys the store manages (AES256, aws:kms); null for the bucket's default.</summary>
    public string? ServerSideEncryption { get; init; }

    /// <summary>The KMS key for aws:kms; null for the account's default key.</summary>
    public string? KmsKeyId { get; init; }

    /// <summary>A 256-bit key of the user's for SSE-C, sent with every request that writes or reads a backup; null for none.</summary>
    public byte[]? CustomerKey { get; init; }

    /// <summary>
    /// Where the credentials come from, for the log (never the secret): a variable's name, the
    /// parameter, the default, or the AWS SDK's chain.
    /// </summary>
    public string CredentialSource { get; init; } = "default (minioadmin)";

    /// <summary>True when no access key was configured and the AWS SDK's credential chain finds the credentials.</summary>
    public bool UseCredentialChain { get; init; }

    /// <summary>Which keys fall back to MinIO's built-in <c>minioadmin</c> because none was configured ("access key and secret key", "secret key"…); null when none does.</summary>
    public string? BuiltInKeys { get; init; }

    /// <summary>The secret key, or the customer key, never in a string.</summary>
    public override string ToString() => $"{(UseSsl ? "https" : "http")}://{Endpoint}/{Bucket}";
}
