using System.Management.Automation;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.PowerShell;

/// <summary>Cmdlets that work with the bucket: the storage parameters and settings resolution.</summary>
public abstract class ObsStorageCmdletBase : ObsCmdletBase
{
    /// <summary>S3/MinIO endpoint as host:port (optionally http:// or https://). Default: MINIO_ENDPOINT.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Endpoint { get; set; }

    /// <summary>Access key (user name) and secret key (password). Default: MINIO_ACCESS_KEY/MINIO_SECRET_KEY, then MINIO_ROOT_USER/MINIO_ROOT_PASSWORD, then minioadmin.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Bucket. Default: MINIO_BUCKET, then observatory-backups.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public virtual string? Bucket { get; set; }

    /// <summary>Use TLS. Default: MINIO_SECURE, then false.</summary>
    [Parameter]
    public SwitchParameter UseSsl { get; set; }

    /// <summary>Settings from parameters, then environment, then defaults.</summary>
    protected ObsSettings ResolveSettings(bool needsDatabase, SettingOverrides overrides) =>
        Configure(() => Resolver.Resolve(WithStorage(overrides), needsDatabase));

    /// <summary><paramref name="overrides"/> with the storage parameters given.</summary>
    protected SettingOverrides WithStorage(SettingOverrides overrides) =>
        StorageParameters.Apply(overrides, Endpoint, Bucket, MyInvocation.BoundParameters.ContainsKey(nameof(UseSsl)) ? UseSsl.IsPresent : null, Credential);
}
