using System.Management.Automation;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Restore;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Restores a backup into the PostgreSQL database, replacing it.</para>
/// <para type="description">Downloads the backup, verifies it is a complete gzip'd dump, restores it into a staging database and swaps that in by rename, so a failed restore leaves the existing database untouched. -InPlace drops and recreates the database instead. Prompts for confirmation unless -Force or -Confirm:$false.</para>
/// </summary>
[Cmdlet(VerbsData.Restore, "ObsBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(RestoreResult))]
public sealed class RestoreObsBackupCommand : ObsStorageCmdletBase
{
    /// <summary>The backup to restore, e.g. postgres/2026/02/16/observatory_20260216_020000.sql.gz. Binds from Get-ObsBackup output.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ObjectNameCompleter))]
    public string ObjectName { get; set; } = "";

    /// <summary>Bucket holding the backup; binds from Get-ObsBackup output. Default: MINIO_BUCKET, then observatory-backups.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public override string? Bucket { get; set; }

    /// <summary>PostgreSQL URL of the database to restore into; it is created when it does not exist. Default: DATABASE_URL.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DatabaseUrl { get; set; }

    /// <summary>Drop and recreate the database, then restore into it (no room needed for a second copy; a failed restore leaves it partial).</summary>
    [Parameter]
    public SwitchParameter InPlace { get; set; }

    /// <summary>Do not ask for confirmation.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>psql to use (file or directory). Default: OBS_PSQL, then PATH, then the newest /usr/lib/postgresql/*/bin.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PsqlPath { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            BackupKey.ValidateForRestore(ObjectName);
        }
        catch (ObsBackupException ex)
        {
            ThrowTerminatingError(ErrorCategories.Record(ex));
        }

        var settings = ResolveSettings(needsDatabase: true, new SettingOverrides { DatabaseUrl = DatabaseUrl, PsqlPath = PsqlPath });
        var mode = InPlace ? RestoreMode.InPlace : RestoreMode.Staged;
        var engine = new RestoreEngine(settings, Log);
        var action = mode == RestoreMode.Staged
            ? $"Restore '{ObjectName}' from bucket '{settings.Storage.Bucket}', replacing its contents (via a staging database)"
            : $"Restore '{ObjectName}' from bucket '{settings.Storage.Bucket}', dropping and recreating it first";

        if (!ShouldProcessUnlessForced(Force, engine.DescribeTarget(), action))
        {
            if (!WhatIfRequested)
            {
                engine.Aborted(ObjectName);
                Flush();
            }
            return;
        }

        WriteObject(Run(ct => engine.RunAsync(ObjectName, mode, ct)));
    }
}
