using System.Management.Automation;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Retention;

namespace ObservatoryBackup.PowerShell;

/// <summary>Protect-ObsBackup and Unprotect-ObsBackup: the backup by name, from the pipeline (Get-ObsBackup's output) too.</summary>
public abstract class ObsPinCmdletBase : ObsStorageCmdletBase
{
    /// <summary><see cref="Help.ParameterTexts.PinObjectName"/> It binds from Get-ObsBackup output.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ObjectNameCompleter))]
    public string ObjectName { get; set; } = "";

    /// <summary>Bucket holding the backup; binds from Get-ObsBackup output. Default: MINIO_BUCKET, then observatory-backups.</summary>
    /// <default>MINIO_BUCKET, then observatory-backups</default>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public override string? Bucket { get; set; }

    /// <summary>The pins of the bucket these parameters and the environment name.</summary>
    protected BackupPins Pins() => new(ResolveSettings(needsDatabase: false, new SettingOverrides()).Storage, Log);
}
