using ObservatoryBackup.Errors;
using System.Management.Automation;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Restore;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Restores a backup into the PostgreSQL database, replacing it.</para>
/// <para type="description">Downloads the backup, verifies it is a complete compressed dump, restores it into a staging database and swaps that in by rename, so a failed restore leaves the existing database untouched. -InPlace drops and recreates the database instead. Prompts for confirmation unless -Force or -Confirm:$false.</para>
/// </summary>
[Cmdlet(VerbsData.Restore, "ObsBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByName)]
[OutputType(typeof(RestoreResult))]
public sealed class RestoreObsBackupCommand : ObsRestoringCmdletBase
{
    /// <summary>Drop and recreate the database, then restore into it. Needs no room for a second copy, but a failed restore leaves the database partial.</summary>
    [Parameter]
    public SwitchParameter InPlace { get; set; }

    /// <summary>Restore without asking for confirmation.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>First restore the newest globals backup taken at or before this one (the roles, memberships and tablespaces the server lacks), so that owners and grants restore too; then give the database the owner, settings and privileges its backup recorded.</summary>
    [Parameter]
    public SwitchParameter IncludeGlobals { get; set; }

    /// <summary>A globals restore also applies the backup's attributes, settings and memberships to roles that exist already; without it they are left as they are.</summary>
    [Parameter]
    public SwitchParameter UpdateExistingRoles { get; set; }

    private readonly List<(string ObjectName, RestoreEngine Engine, string Bucket)> _requests = [];

    /// <summary>Collects: nothing is restored until every input is known (see <see cref="Complete"/>).</summary>
    protected override void ProcessInput()
    {
        var options = Configure(() => Resolver.ResolveRestore(RestoreOverrides() with { IncludeGlobals = IncludeGlobals, UpdateExistingRoles = UpdateExistingRoles }));
        var objectName = SelectedBackup(options.Settings);
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
                ? $"Restore '{objectName}' from bucket '{bucket}', replacing its contents (via a staging database){(IncludeGlobals ? ", after its globals" : "")}"
                : $"Restore '{objectName}' from bucket '{bucket}', dropping and recreating it first{(IncludeGlobals ? ", after its globals" : "")}";

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
