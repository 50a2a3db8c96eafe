using System.Management.Automation;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.PowerShell;

/// <summary>Cmdlets that restore a backup somewhere (Restore-ObsBackup, Test-ObsBackup): the bucket from the pipeline, the server, psql, ownership.</summary>
public abstract class ObsRestoringCmdletBase : ObsStorageCmdletBase
{
    /// <summary>Bucket holding the backup; binds from Get-ObsBackup output. Default: MINIO_BUCKET, then observatory-backups.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public override string? Bucket { get; set; }

    /// <summary>PostgreSQL URL to restore into (Restore-ObsBackup) or whose server the scratch database is made on (Test-ObsBackup). Default: DATABASE_URL.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DatabaseUrl { get; set; }

    /// <summary>Leave ownership and privileges out: every object is owned by the connecting user (a server that lacks the backup's roles).</summary>
    [Parameter]
    public SwitchParameter NoOwner { get; set; }

    /// <summary>psql to use (file or directory). Default: OBS_PSQL, then PATH, then the newest /usr/lib/postgresql/*/bin.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PsqlPath { get; set; }

    /// <summary>The settings these parameters, the storage parameters and the environment give.</summary>
    protected ObsSettings ResolveRestoreSettings(bool needsDatabase, string? metricsPath = null) =>
        ResolveSettings(needsDatabase, new SettingOverrides { DatabaseUrl = DatabaseUrl, PsqlPath = PsqlPath, MetricsPath = metricsPath });
}
