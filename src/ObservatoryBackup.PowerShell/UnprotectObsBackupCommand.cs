using System.Management.Automation;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Unpins a backup: retention judges it by its age and the keep rules again.</para>
/// <para type="description">Removes the marker Protect-ObsBackup wrote. The next backup's or prune's retention may then delete the backup, if no rule keeps it.</para>
/// </summary>
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
