using System.Management.Automation;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Unpins a backup: retention judges it by its age and the keep rules again.</para>
/// <para type="description">Removes the marker Protect-ObsBackup wrote. The next backup's or prune's retention may then delete the backup, if no rule keeps it.</para>
/// <para type="description">Unpinning a backup that is not pinned, or that is gone, changes nothing.</para>
/// </summary>
/// <input type="ObservatoryBackup.Store.StoredBackup">Output of Get-ObsBackup: ObjectName and Bucket bind by property name.</input>
/// <input type="System.String">An object name.</input>
/// <output>Nothing.</output>
/// <example title="unpin one backup">
/// <code>Unprotect-ObsBackup postgres/2026/02/16/observatory_20260216_020000.sql.gz -Confirm:$false</code>
/// <para>Retention may delete it from the next run on.</para>
/// </example>
/// <example title="unpin every pinned backup">
/// <code>Get-ObsBackup | Where-Object Pinned | Unprotect-ObsBackup -Confirm:$false</code>
/// <para>Unpins them all, each confirmed by -Confirm:$false.</para>
/// </example>
/// <seealso cref="ProtectObsBackupCommand"/>
/// <seealso href="about_ObservatoryBackup">about_ObservatoryBackup</seealso>
[Cmdlet(VerbsSecurity.Unprotect, "ObsBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
public sealed class UnprotectObsBackupCommand : ObsPinCmdletBase
{
    protected override void ProcessInput()
    {
        if (!ShouldProcess(ObjectName, "Unpin backup (retention may delete it)")) return;
        var pins = Pins();
        Run(async ct =>
        {
            await pins.UnpinAsync(ObjectName, ct).ConfigureAwait(false);
            return true;
        });
    }
}
