using System.Management.Automation;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Monitoring;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Tells whether backups are still being taken, for each database: the newest and oldest backup, their ages, count and total size.</para>
/// <para type="description">Lists the bucket and reports, for each database with a backup in it (the server's globals as one of them), or for the one -Database names, Count, TotalSize, Newest, Oldest, NewestAge, OldestAge, MaxAge, Fresh and Suspect. When a database has no backup (NoBackups) or its newest is older than -MaxAge (BackupStale; default 26 hours: a daily job plus slack), it also writes an error, so that a scheduled check or a CI step fails as it is. An object whose name's time cannot be true (more than 5 minutes ahead of the clock, or of when the store wrote it) is never counted nor the newest: it is in Suspect, with a warning (suspect_backup). The JSON log line is backup_status, one per database, at level ERROR when not fresh.</para>
/// </summary>
/// <output>Bucket, Database, Globals, Count, TotalSize, Newest, Oldest, NewestAge, OldestAge, MaxAge, Fresh and Suspect, one object per database.</output>
/// <example title="Is the nightly backup running?">
/// <code>Get-ObsBackupStatus</code>
/// <para>Shows each database's newest and oldest backup and their ages; an error when any database's newest is older than 26 hours.</para>
/// </example>
/// <example title="A monitoring check">
/// <code>Get-ObsBackupStatus -Database observatory -MaxAge (New-TimeSpan -Hours 30) -MetricsPath /var/lib/node_exporter/textfile/obs_backup.prom -ErrorAction Stop | Out-Null</code>
/// <para>Fails when the observatory database has no backup younger than 30 hours, and refreshes the metrics node_exporter serves.</para>
/// </example>
/// <seealso cref="GetObsBackupCommand"/>
/// <seealso href="about_ObservatoryBackup">about_ObservatoryBackup</seealso>
[Cmdlet(VerbsCommon.Get, "ObsBackupStatus", DefaultParameterSetName = All)]
[OutputType(typeof(BackupStatus))]
public sealed class GetObsBackupStatusCommand : ObsStorageCmdletBase
{
    private const string One = "OneDatabase", All = "AllDatabases";

    /// <summary><see cref="Help.ParameterTexts.StatusDatabase"/></summary>
    /// <default>all databases</default>
    [Parameter(Position = 0, ParameterSetName = One)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DatabaseNameCompleter))]
    public string? Database { get; set; }

    /// <summary><see cref="Help.ParameterTexts.StatusAllDatabases"/></summary>
    /// <default>False</default>
    [Parameter(ParameterSetName = All)]
    public SwitchParameter AllDatabases { get; set; }

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
        if (Database is { } database)
        {
            var status = Run(ct => engine.RunAsync(database, MaxAge, ct));
            WriteObject(status);
            Check(() => engine.EnsureFresh(status));
            return;
        }
        var statuses = Run(ct => engine.RunAllAsync(MaxAge, ct));
        WriteObject(statuses, enumerateCollection: true);
        Check(() => engine.EnsureFresh(statuses));
    }
}
