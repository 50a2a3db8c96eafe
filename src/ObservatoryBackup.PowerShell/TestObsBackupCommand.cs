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
    /// <summary>Only check the backup as it downloads: its size, the gzip or zstd stream and its checksum, pg_dump's closing line, and the rows of each table. Nothing is restored and no temporary file is written.</summary>
    [Parameter]
    public SwitchParameter VerifyOnly { get; set; }

    /// <summary>Keep the scratch database afterwards to look at it; its name is in the result's Database property.</summary>
    [Parameter]
    public SwitchParameter Keep { get; set; }

    /// <summary>Write node_exporter textfile metrics (obs_backup_last_test_success_timestamp_seconds, obs_backup_last_test_status) to this .prom file, atomically. Default: OBS_METRICS_FILE.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MetricsPath { get; set; }

    protected override void ProcessInput()
    {
        var options = Configure(() => Resolver.ResolveTest(RestoreOverrides(MetricsPath), VerifyOnly));
        var objectName = SelectedBackup(options.Settings);
        var result = Run(ct => new BackupTestEngine(options, Log).RunAsync(objectName, VerifyOnly, Keep, ct));
        WriteObject(result);
        if (!result.Passed)
        {
            var tables = string.Join("; ", result.Mismatches);
            throw Fail(new ErrorRecord(new InvalidOperationException($"Backup '{objectName}' did not restore every row: {tables}."),
                ErrorIds.BackupTestFailed, ErrorCategory.InvalidResult, objectName));
        }
    }
}
