using ObservatoryBackup.Errors;
using System.Management.Automation;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Restore;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Restores a backup into the PostgreSQL database, replacing it.</para>
/// <para type="description">Checks that the backup is whole (its size, a complete gzip or zstd stream with a valid checksum, pg_dump's 'dump complete' line outside COPY data, no psql meta-command but pg_dump's own) and, before the swap, that the staging database holds every table's rows as the backup carried them, before the database users see changes. By default the backup streams from the store into psql, checked on its way in, with no temporary file; with -InPlace it is downloaded to a private temporary file and verified before the database is dropped.</para>
/// <para type="description">By default the backup is restored with psql (ON_ERROR_STOP, so the first failing statement fails the restore) into a staging database, which is swapped in by rename only when psql succeeded; other sessions on the database are terminated for the swap. A failed restore leaves the existing database untouched. -InPlace instead terminates connections, drops and recreates the database (owned by the connecting user), and restores into it.</para>
/// <para type="description">The target database is the one in DATABASE_URL (or -DatabaseUrl), or -TargetDatabase on the same server, and is created when it does not exist, so a backup can be restored into a test database. A backup named with -ObjectName restores there whatever database it is of (the log's restore_into line says "backup of X into Y"); one chosen by -Latest -Database or arriving from the pipeline goes into a database of another name only when the target is named (-TargetDatabase or -DatabaseUrl). Object names outside postgres/, absolute or containing '..' are refused before any request. A globals backup (…/%globals_…) creates the roles and tablespaces the server lacks; -IncludeGlobals restores the one a database's backup goes with first. The cmdlet asks for confirmation unless -Force or -Confirm:$false is given.</para>
/// </summary>
/// <parameter name="ObjectName"><see cref="Help.ParameterTexts.RestoreObjectName"/> It binds from Get-ObsBackup output; tab completes from the bucket.</parameter>
/// <parameter name="DatabaseUrl">PostgreSQL URL of the database to restore into; it is created when it does not exist.</parameter>
/// <input type="ObservatoryBackup.Store.StoredBackup">Output of Get-ObsBackup: ObjectName and Bucket bind by property name.</input>
/// <input type="System.String">An object name.</input>
/// <output>ObjectName, Database, Server, Mode, Replaced, Size and Duration.</output>
/// <example title="Restore interactively">
/// <code>Restore-ObsBackup postgres/2026/02/16/observatory_20260216_020000.sql.gz</code>
/// <para>Asks for confirmation, then replaces the database of DATABASE_URL.</para>
/// </example>
/// <example title="Restore unattended (CI, automation)">
/// <code>Restore-ObsBackup postgres/2026/02/16/observatory_20260216_020000.sql.gz -Force</code>
/// </example>
/// <example title="Restore the newest backup">
/// <code>
/// Restore-ObsBackup -Latest -Force
/// Get-ObsBackup -Database observatory -Latest | Restore-ObsBackup -Force
/// </code>
/// <para>-Latest takes the newest backup of the database restored into (DATABASE_URL's), never another database's. A backup from the pipeline (Get-ObsBackup -Latest, Get-ObsBackup | Select-Object -First 1) of another database than the target is refused (BackupOfAnotherDatabase, naming both) unless the target is named with -TargetDatabase or -DatabaseUrl.</para>
/// </example>
/// <example title="Restore into another database of the same server">
/// <code>Restore-ObsBackup -Latest -Database observatory -TargetDatabase observatory_copy -Force</code>
/// <para>The newest backup of observatory goes into observatory_copy (created when missing, replaced when present); the database of DATABASE_URL is left untouched. With -WhatIf: "backup of database "observatory" into database "observatory_copy"".</para>
/// </example>
/// <example title="Test a backup by restoring it into a test database">
/// <code>
/// $test = 'postgresql://observatory:observatory@localhost:5432/observatory_restore_test'
/// Get-ObsBackup -Latest | Restore-ObsBackup -DatabaseUrl $test -Force
/// </code>
/// <para>The spec's restore test: the database is created when missing; compare row counts with production afterwards (Test-ObsBackup does both).</para>
/// </example>
/// <example title="See the plan">
/// <code>Get-ObsBackup -Latest | Restore-ObsBackup -WhatIf</code>
/// </example>
/// <example title="The newest backup of one database, with a credential">
/// <code>Restore-ObsBackup -Database observatory -DatabaseUrl 'postgresql://db.example:5432/observatory_restore_test' -DatabaseCredential (Get-Credential observatory)</code>
/// <para>-Database picks the newest backup of that database, as Get-ObsBackup -Database -Latest does; -DatabaseUrl says where it is restored.</para>
/// </example>
/// <seealso cref="GetObsBackupCommand"/>
/// <seealso cref="TestObsBackupCommand"/>
/// <seealso href="about_ObservatoryBackup">about_ObservatoryBackup</seealso>
[Cmdlet(VerbsData.Restore, "ObsBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByName)]
[OutputType(typeof(RestoreResult))]
public sealed class RestoreObsBackupCommand : ObsRestoringCmdletBase
{
    /// <summary><see cref="Help.ParameterTexts.InPlace"/></summary>
    /// <default>False</default>
    [Parameter]
    public SwitchParameter InPlace { get; set; }

    /// <summary>Restore without asking for confirmation.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary><see cref="Help.ParameterTexts.RestoreIncludeGlobals"/></summary>
    [Parameter]
    public SwitchParameter IncludeGlobals { get; set; }

    /// <summary><see cref="Help.ParameterTexts.UpdateExistingRoles"/></summary>
    [Parameter]
    public SwitchParameter UpdateExistingRoles { get; set; }

    /// <summary><see cref="Help.ParameterTexts.AllowPrivilegedRoles"/></summary>
    [Parameter]
    public SwitchParameter AllowPrivilegedRoles { get; set; }

    /// <summary><see cref="Help.ParameterTexts.TargetDatabase"/></summary>
    /// <default>the database of -DatabaseUrl, then of DATABASE_URL</default>
    [Parameter]
    [ValidateNotNull]
    public string? TargetDatabase { get; set; }

    private readonly List<(string ObjectName, RestoreEngine Engine, string Bucket)> _requests = [];

    /// <summary>Collects: nothing is restored until every input is known (see <see cref="Complete"/>).</summary>
    protected override void ProcessInput()
    {
        var options = Configure(() => Resolver.ResolveRestore(RestoreOverrides() with { IncludeGlobals = IncludeGlobals, UpdateExistingRoles = UpdateExistingRoles, AllowPrivilegedRoles = AllowPrivilegedRoles, TargetDatabase = TargetDatabase }));
        var objectName = SelectedBackup(options.Settings, options.LatestOf);
        var engine = new RestoreEngine(options, Log);
        Check(() => engine.ValidateObjectName(objectName));
        _requests.Add((objectName, engine, options.Settings.Storage.Bucket));
    }

    /// <summary>
    /// Restores what was collected. Several backups for one database would overwrite each other and
    /// leave the last (with Get-ObsBackup, the oldest): that is refused before anything is restored.
    /// </summary>
    protected override void Complete()
    {
        var clash = _requests.GroupBy(r => r.Engine.DescribeTarget(r.ObjectName)).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            throw Fail(new ErrorRecord(
                new InvalidOperationException(
                    $"{clash.Count()} backups were given for {clash.Key}; restoring them in turn would leave only the last. Nothing was restored. " +
                    "Pick one: Get-ObsBackup -Latest | Restore-ObsBackup, or Get-ObsBackup | Select-Object -First 1 | Restore-ObsBackup."),
                ErrorIds.MultipleBackupsForOneDatabase, ErrorCategory.InvalidArgument, clash.Key));
        }

        // the roles first, then the databases that name them
        foreach (var (objectName, engine, bucket) in _requests.OrderBy(r => BackupKey.KindOf(r.ObjectName) == BackupKind.Globals ? 0 : 1))
        {
            var mode = InPlace ? RestoreMode.InPlace : RestoreMode.Staged;
            var action = BackupKey.KindOf(objectName) == BackupKind.Globals
                ? $"Restore globals '{objectName}' from bucket '{bucket}': create the roles and tablespaces the server lacks{(UpdateExistingRoles ? ", and update the existing ones" : "")}"
                : mode == RestoreMode.Staged
                ? $"Restore '{objectName}' from bucket '{bucket}' ({engine.Into(objectName)}), replacing its contents (via a staging database){(IncludeGlobals ? ", after its globals" : "")}"
                : $"Restore '{objectName}' from bucket '{bucket}' ({engine.Into(objectName)}), dropping and recreating it first{(IncludeGlobals ? ", after its globals" : "")}";

            if (!ShouldProcessUnlessForced(Force, engine.DescribeTarget(objectName), action))
            {
                if (!WhatIfRequested)
                {
                    engine.Aborted(objectName);
                    Flush();
                }
                continue;
            }

            WriteObject(Run(ct => engine.RunAsync(objectName, mode, ct)));
        }
    }
}
