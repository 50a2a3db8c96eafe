using System.Management.Automation;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Store;
using ObservatoryBackup.Testing;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Proves a backup restores: restores it into a scratch database and checks every table's row count.</para>
/// <para type="description">Downloads and verifies the backup, restores it into a scratch database (obs_test_…) on the server of DATABASE_URL, and compares each table's rows with the rows its COPY block carried; the scratch database is dropped afterwards unless -Keep. -VerifyOnly checks the backup as it streams, restoring nothing. The database the backup came from is never touched.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "ObsBackup", DefaultParameterSetName = ByName)]
[OutputType(typeof(BackupTestResult))]
public sealed class TestObsBackupCommand : ObsRestoringCmdletBase
{
    private const string ByName = "ByName";
    private const string Newest = "Latest";

    /// <summary>The backup to test; binds from Get-ObsBackup output.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByName)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ObjectNameCompleter))]
    public string ObjectName { get; set; } = "";

    /// <summary>Test the newest backup in the bucket.</summary>
    [Parameter(Mandatory = true, ParameterSetName = Newest)]
    public SwitchParameter Latest { get; set; }

    /// <summary>Only check the backup as it downloads (size, gzip, pg_dump's closing line, row counts per table): no restore, no temporary file.</summary>
    [Parameter]
    public SwitchParameter VerifyOnly { get; set; }

    /// <summary>Keep the scratch database afterwards, to look at it; its name is in the result's Database.</summary>
    [Parameter]
    public SwitchParameter Keep { get; set; }

    /// <summary>Write node_exporter textfile metrics (last test success, test status) to this .prom file. Default: OBS_METRICS_FILE.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MetricsPath { get; set; }

    protected override void ProcessInput()
    {
        var settings = ResolveRestoreSettings(needsDatabase: !VerifyOnly, MetricsPath);
        var objectName = Latest ? NewestIn(settings) : ObjectName;
        var result = Run(ct => new BackupTestEngine(settings, Log) { NoOwner = NoOwner }.RunAsync(objectName, VerifyOnly, Keep, ct));
        WriteObject(result);
        if (!result.Passed)
        {
            var tables = string.Join(", ", result.Mismatches.Select(m => $"{m.Table} ({m.Restored:N0} restored, {m.InBackup:N0} in the backup)"));
            throw Fail(new ErrorRecord(new InvalidOperationException($"Backup '{objectName}' did not restore every row: {tables}."),
                "BackupTestFailed", ErrorCategory.InvalidResult, objectName));
        }
    }

    private string NewestIn(ObsSettings settings) =>
        Run(ct => new BackupCatalog(settings.Storage).ListAsync(new BackupQuery { Latest = true }, ct)).FirstOrDefault()?.ObjectName
        ?? throw Fail(new BackupDataException(ObsErrorKind.NotFound, "NoBackups", settings.Storage.Bucket,
            $"There is no backup in bucket '{settings.Storage.Bucket}' at {settings.Storage.Endpoint} to test."));
}
