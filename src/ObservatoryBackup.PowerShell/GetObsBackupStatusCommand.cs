using System.Management.Automation;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Monitoring;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Tells whether backups are still being taken: the newest and oldest backup, their ages, count and total size.</para>
/// <para type="description">Writes the status, and an error when there is no backup or the newest is older than -MaxAge (default 26 hours: a daily job plus slack), so that a scheduled check or a CI step can run it as it is.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ObsBackupStatus")]
[OutputType(typeof(BackupStatus))]
public sealed class GetObsBackupStatusCommand : ObsStorageCmdletBase
{
    /// <summary>Only backups of this database, as their object names record it. Default: every backup in the bucket.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DatabaseNameCompleter))]
    public string? Database { get; set; }

    /// <summary>How old the newest backup may be before the status is an error. Default: 26 hours (a daily job plus slack).</summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan MaxAge { get; set; } = StatusEngine.DefaultMaxAge;

    /// <summary>Also write node_exporter textfile metrics (obs_backup_count, obs_backup_newest_timestamp_seconds) to this .prom file. Default: OBS_METRICS_FILE.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MetricsPath { get; set; }

    protected override void ProcessInput()
    {
        var settings = ResolveSettings(needsDatabase: false, new SettingOverrides { MetricsPath = MetricsPath });
        var engine = new StatusEngine(settings, Log);
        var status = Run(ct => engine.RunAsync(Database, MaxAge, ct));
        WriteObject(status);
        Check(() => engine.EnsureFresh(status));
    }
}
