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
    public bool UseSsl { get; init; }

    /// <summary>How long to wait for a TCP (and TLS) connection.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a request may go without a byte sent or received before it is abandoned (and retried).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The first retry's delay; it doubles with each retry.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public override string ToString() => $"{(UseSsl ? "https" : "http")}://{Endpoint}/{Bucket}";
}
