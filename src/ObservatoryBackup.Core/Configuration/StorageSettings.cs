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

    public override string ToString() => $"{(UseSsl ? "https" : "http")}://{Endpoint}/{Bucket}";
}
