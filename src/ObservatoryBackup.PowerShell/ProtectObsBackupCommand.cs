using System.Management.Automation;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Pins a backup: retention never deletes it, whatever its age or the keep rules.</para>
/// <para type="description">A pin is a marker object in the bucket (.pins/ under the prefix, then the backup's name), which every S3-compatible store keeps; Get-ObsBackup shows pinned backups with Pinned = True. Unprotect-ObsBackup removes the pin.</para>
/// </summary>
[Cmdlet(VerbsSecurity.Protect, "ObsBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Store.StoredBackup))]
public sealed class ProtectObsBackupCommand : ObsPinCmdletBase
{
    protected override void ProcessInput()
    {
        if (!ShouldProcess(ObjectName, "Pin backup (retention never deletes it)")) return;
        var pins = Pins();
        WriteObject(Run(ct => pins.PinAsync(ObjectName, ct)));
    }
}
