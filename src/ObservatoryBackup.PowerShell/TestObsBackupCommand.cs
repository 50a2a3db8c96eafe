using System.Management.Automation;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Store;
using ObservatoryBackup.Testing;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Proves a backup restores: restores it into a scratch database and checks every table's row count.</para>
/// <para type="description">Downloads the backup and verifies it (size, the gzip or zstd stream and its checksum, pg_dump's closing line, no psql meta-commands), restores it into a scratch database named obs_test_YYYYMMDDHHMMSS_RANDOM on the server of DATABASE_URL (or -DatabaseUrl), and compares each table's count(*) with the rows its COPY block carried. The scratch database is dropped however the test ends, Ctrl+C included, unless -Keep. -VerifyOnly checks the backup as it streams, restoring nothing. The database the backup came from is never touched.</para>
/// <para type="description">The result has ObjectName, Passed, Tables, Rows, Mismatches, SqlSize, Duration and Database. A test that fails is also an error record (BackupTestFailed), and the JSON log ends with test_finished (status success or failed), with a table_mismatch line for each table that did not restore.</para>
/// </summary>
/// <parameter name="ObjectName"><see cref="Help.ParameterTexts.TestObjectName"/> It binds from Get-ObsBackup output.</parameter>
/// <parameter name="DatabaseUrl">PostgreSQL URL whose server the scratch database is made on; the database it names is never touched. Default: DATABASE_URL. Not needed with -VerifyOnly.</parameter>
/// <input type="ObservatoryBackup.Store.StoredBackup">Output of Get-ObsBackup: ObjectName and Bucket bind by property name.</input>
/// <input type="System.String">An object name.</input>
/// <output>ObjectName, Passed, VerifyOnly, Tables, Rows, Mismatches, SqlSize, Duration, Database and Kept.</output>
/// <example title="The spec's restore test">
/// <code>Test-ObsBackup -Latest</code>
/// <para>Restores the newest backup into a scratch database on the server of DATABASE_URL, checks that every table has the rows its COPY block carried, and drops the scratch database. Replaces the manual procedure of restoring into observatory_restore_test and comparing row counts.</para>
/// </example>
/// <example title="Check every backup without restoring">
/// <code>Get-ObsBackup | Test-ObsBackup -VerifyOnly</code>
/// <para>Streams each backup once and checks it whole (size, the gzip or zstd stream, pg_dump's closing line, rows per table); a damaged one is an error record.</para>
/// </example>
/// <example title="From a monitoring job">
/// <code>Test-ObsBackup -Latest -ErrorAction Stop | Select-Object ObjectName, Passed, Tables, Rows, Duration</code>
/// <para>A failed test is an error record (BackupTestFailed), so the job fails; the result object lists the tables that did not restore.</para>
/// </example>
/// <example title="The newest backup of one database">
/// <code>Test-ObsBackup -Database observatory</code>
/// <para>Restores the newest backup of observatory into a scratch database and checks every table.</para>
/// </example>
/// <seealso cref="GetObsBackupCommand"/>
/// <seealso cref="RestoreObsBackupCommand"/>
/// <seealso href="about_ObservatoryBackup">about_ObservatoryBackup</seealso>
[Cmdlet(VerbsDiagnostic.Test, "ObsBackup", DefaultParameterSetName = ByName)]
[OutputType(typeof(BackupTestResult))]
public sealed class TestObsBackupCommand : ObsRestoringCmdletBase
{
    /// <summary><see cref="Help.ParameterTexts.VerifyOnly"/></summary>
    [Parameter]
    public SwitchParameter VerifyOnly { get; set; }

    /// <summary><see cref="Help.ParameterTexts.Keep"/> Its name is in the result's Database property.</summary>
    [Parameter]
    public SwitchParameter Keep { get; set; }

    /// <summary><see cref="Help.ParameterTexts.TestMetricsPath"/></summary>
    /// <default>OBS_METRICS_FILE</default>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MetricsPath { get; set; }

    protected override void ProcessInput()
    {
        var options = Configure(() => Resolver.ResolveTest(RestoreOverrides(MetricsPath), VerifyOnly));
        var objectName = SelectedBackup(options.Settings, options.LatestOf);
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
