using System.Management.Automation;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.PowerShell;

/// <summary>Cmdlets that work with the bucket: the storage parameters and settings resolution.</summary>
public abstract class ObsStorageCmdletBase : ObsCmdletBase
{
    /// <summary>S3/MinIO endpoint as host:port, for example minio:9000. An http:// or https:// prefix is accepted and decides TLS. Default: MINIO_ENDPOINT.</summary>
    /// <default>MINIO_ENDPOINT</default>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Endpoint { get; set; }

    /// <summary>Access key (user name) and secret key (password) for the object store. Default: MINIO_ACCESS_KEY/MINIO_SECRET_KEY, then MINIO_ROOT_USER/MINIO_ROOT_PASSWORD, then minioadmin.</summary>
    /// <default>MINIO_ACCESS_KEY and MINIO_SECRET_KEY, then MINIO_ROOT_USER and MINIO_ROOT_PASSWORD, then minioadmin</default>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Bucket that holds the backups. Default: MINIO_BUCKET, then observatory-backups.</summary>
    /// <default>MINIO_BUCKET, then observatory-backups</default>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public virtual string? Bucket { get; set; }

    /// <summary>Connect to the object store over HTTPS; -UseSsl:$false forces plain HTTP. Default: MINIO_SECURE, then false.</summary>
    /// <default>MINIO_SECURE, then false</default>
    [Parameter]
    public SwitchParameter UseSsl { get; set; }

    /// <summary>Settings from parameters, then environment, then defaults.</summary>
    protected ObsSettings ResolveSettings(bool needsDatabase, SettingOverrides overrides) =>
        Configure(() => Resolver.Resolve(WithStorage(overrides), needsDatabase));

    /// <summary><paramref name="overrides"/> with the storage parameters given.</summary>
    protected SettingOverrides WithStorage(SettingOverrides overrides) =>
        StorageParameters.Apply(overrides, Endpoint, Bucket, MyInvocation.BoundParameters.ContainsKey(nameof(UseSsl)) ? UseSsl.IsPresent : null, Credential);
}
