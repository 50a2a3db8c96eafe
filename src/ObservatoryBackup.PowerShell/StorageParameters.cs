using System.Management.Automation;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.PowerShell;

/// <summary>The storage parameters every cmdlet shares, as engine overrides.</summary>
internal static class StorageParameters
{
    public static SettingOverrides Apply(SettingOverrides overrides, string? endpoint, string? bucket, bool? useSsl, PSCredential? credential) =>
        overrides with
        {
            Endpoint = endpoint,
            Bucket = bucket,
            UseSsl = useSsl,
            AccessKey = credential?.UserName,
            SecretKey = credential?.GetNetworkCredential().Password,
        };
}
