using System.Management.Automation;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Monitoring;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Tells whether backups are still being taken: the newest and oldest backup, their ages, count and total size.</para>
/// <para type="description">Lists the bucket (or one database's backups) and reports Count, TotalSize, Newest, Oldest, NewestAge, OldestAge, MaxAge and Fresh, with TotalSizeText, NewestAgeText and OldestAgeText in human units ("60.7 MiB", "3 h 12 min"); the default view shows those, and the object's string is a one-line summary. When there is no backup (NoBackups) or the newest is older than -MaxAge (BackupStale; default 26 hours: a daily job plus slack), it also writes an error, so that a scheduled check or a CI step fails as it is. The JSON log line is backup_status, at level ERROR when not fresh.</para>
/// </summary>
/// <output>Bucket, Database, Count, TotalSize, Newest, Oldest, NewestAge, OldestAge, MaxAge and Fresh; TotalSizeText, NewestAgeText and OldestAgeText.</output>
/// <example title="Is the nightly backup running?">
/// <code>Get-ObsBackupStatus</code>
/// <para>Shows the newest and oldest backup and their ages; an error when the newest is older than 26 hours.</para>
/// </example>
/// <example title="A monitoring check">
/// <code>Get-ObsBackupStatus -Database observatory -MaxAge (New-TimeSpan -Hours 30) -MetricsPath /var/lib/node_exporter/textfile/obs_backup.prom -ErrorAction Stop | Out-Null</code>
/// <para>Fails when the observatory database has no backup younger than 30 hours, and refreshes the metrics node_exporter serves.</para>
/// </example>
/// <seealso cref="GetObsBackupCommand"/>
/// <seealso href="about_ObservatoryBackup">about_ObservatoryBackup</seealso>
[Cmdlet(VerbsCommon.Get, "ObsBackupStatus")]
[OutputType(typeof(BackupStatus))]
public sealed class GetObsBackupStatusCommand : ObsStorageCmdletBase
{
    /// <summary><see cref="Help.ParameterTexts.StatusDatabase"/></summary>
    /// <default>all databases</default>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DatabaseNameCompleter))]
    public string? Database { get; set; }

    /// <summary><see cref="Help.ParameterTexts.MaxAge"/></summary>
    /// <default>26 hours (1.02:00:00)</default>
    [Parameter]
    [DurationTransformation]
    public TimeSpan MaxAge { get; set; } = StatusEngine.DefaultMaxAge;

    /// <summary><see cref="Help.ParameterTexts.StatusMetricsPath"/></summary>
    /// <default>OBS_METRICS_FILE</default>
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
