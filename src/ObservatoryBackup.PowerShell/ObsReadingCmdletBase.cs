using System.Management.Automation;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// Cmdlets that read a backup's contents (Restore-ObsBackup, Test-ObsBackup, Get-ObsBackupContents): the
/// bucket from the pipeline, the age identity that opens an encrypted backup, the keys its signature must be by.
/// </summary>
public abstract class ObsReadingCmdletBase : ObsStorageCmdletBase
{
    /// <summary>Bucket holding the backup; binds from Get-ObsBackup output. Default: MINIO_BUCKET, then observatory-backups.</summary>
    /// <default>MINIO_BUCKET, then observatory-backups</default>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public override string? Bucket { get; set; }

    /// <summary><see cref="Help.ParameterTexts.IdentityFile"/></summary>
    /// <default>OBS_AGE_IDENTITY_FILE</default>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? IdentityFile { get; set; }

    /// <summary><see cref="Help.ParameterTexts.TrustedKey"/></summary>
    /// <default>OBS_TRUSTED_KEYS, then OBS_TRUSTED_KEYS_FILE; not checked when none</default>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? TrustedKey { get; set; }

    /// <summary>The identity file as a file system path, PowerShell's relative paths resolved.</summary>
    protected string? IdentityFilePath => IdentityFile is null ? null : GetUnresolvedProviderPathFromPSPath(IdentityFile);
}
