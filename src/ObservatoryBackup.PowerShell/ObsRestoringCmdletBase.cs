using System.Management.Automation;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// Cmdlets that restore a backup somewhere (Restore-ObsBackup, Test-ObsBackup): the backup by name
/// (from the pipeline) or the newest one (-Latest, -Database as Get-ObsBackup has them), the bucket
/// from the pipeline, the server, psql, ownership.
/// </summary>
public abstract class ObsRestoringCmdletBase : ObsReadingCmdletBase
{
    protected const string ByName = "ByName";
    protected const string Newest = "Latest";

    /// <summary>The backup, e.g. postgres/2026/02/16/observatory_20260216_020000.sql.gz; binds from Get-ObsBackup output.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByName)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ObjectNameCompleter))]
    public string ObjectName { get; set; } = "";

    /// <summary><see cref="Help.ParameterTexts.Latest"/></summary>
    /// <default>False</default>
    [Parameter(ParameterSetName = Newest)]
    public SwitchParameter Latest { get; set; }

    /// <summary><see cref="Help.ParameterTexts.LatestOfDatabase"/></summary>
    /// <default>all databases</default>
    [Parameter(ParameterSetName = Newest)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DatabaseNameCompleter))]
    public string? Database { get; set; }

    /// <summary>The backup this invocation names: -ObjectName, or the newest one of <paramref name="latestOf"/> (the resolved -Latest / -Database).</summary>
    protected string SelectedBackup(ObsSettings settings, string? latestOf, OptionRule? wayOut = null) =>
        ParameterSetName == Newest
            ? Run(ct => new BackupCatalog(settings.Storage, new EventLog(Log, TimeProvider.System)).NewestAsync(latestOf, ct, wayOut)).ObjectName
            : ObjectName;

    /// <summary>How the backup was chosen: -Latest / -Database, a name typed, or an object from the pipeline (a listing's, not a name the user typed).</summary>
    private BackupChoice Choice =>
        ParameterSetName == Newest ? BackupChoice.Latest : MyInvocation.ExpectingInput ? BackupChoice.Listed : BackupChoice.Named;

    /// <summary>PostgreSQL URL to restore into (Restore-ObsBackup) or whose server the scratch database is made on (Test-ObsBackup). Default: DATABASE_URL.</summary>
    /// <default>DATABASE_URL</default>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DatabaseUrl { get; set; }

    /// <summary>User and password for PostgreSQL, in place of any in the URL: no password needs to be written into a script. Get-Credential, or a secret vault's.</summary>
    /// <default>the URL's user and password</default>
    [Parameter]
    [Credential]
    public PSCredential? DatabaseCredential { get; set; }

    /// <summary><see cref="Help.ParameterTexts.NoOwner"/></summary>
    [Parameter]
    public SwitchParameter NoOwner { get; set; }

    /// <summary><see cref="Help.ParameterTexts.NoTablespaces"/></summary>
    [Parameter]
    public SwitchParameter NoTablespaces { get; set; }

    /// <summary>psql to use (file or directory). Default: OBS_PSQL, then PATH, then the newest /usr/lib/postgresql/*/bin.</summary>
    /// <default>OBS_PSQL, then PATH, then the newest /usr/lib/postgresql/*/bin</default>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PsqlPath { get; set; }

    /// <summary><see cref="Help.ParameterTexts.Jobs"/></summary>
    /// <default>OBS_RESTORE_JOBS, then the cores less one (2 on two cores), at most 8</default>
    [Parameter]
    [ValidateRange(1, 64)]
    public int? Jobs { get; set; }

    /// <summary>What these parameters and the storage parameters give, for the resolver.</summary>
    protected SettingOverrides RestoreOverrides(string? metricsPath = null) =>
        WithStorage(new SettingOverrides
        {
            DatabaseUrl = DatabaseUrl, DatabaseCredential = CredentialFrom(DatabaseCredential), PsqlPath = PsqlPath, MetricsPath = metricsPath, RestoreJobs = Jobs,
            IdentityFile = IdentityFilePath, NoOwner = NoOwner, NoTablespaces = NoTablespaces,
            TrustedKeys = TrustedKey, Choice = Choice, LatestOf = ParameterSetName == Newest ? Database : null,
        });
}
