using System.Management.Automation;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Pins a backup: retention never deletes it, whatever its age or the keep rules.</para>
/// <para type="description">A pin is a marker object in the bucket (.pins/ under the prefix, then the backup's name), which every S3-compatible store keeps; Get-ObsBackup shows pinned backups with Pinned = True. Unprotect-ObsBackup removes the pin.</para>
/// <para type="description">Only an existing backup under the cluster's prefix can be pinned. Pinning a pinned backup again changes nothing.</para>
/// </summary>
/// <input type="ObservatoryBackup.Store.StoredBackup">Output of Get-ObsBackup: ObjectName and Bucket bind by property name.</input>
/// <input type="System.String">An object name.</input>
/// <output>The backup, with Pinned = True.</output>
/// <example title="pin the newest backup">
/// <code>Get-ObsBackup -Latest | Protect-ObsBackup</code>
/// <para>Keeps the newest backup through every retention run until it is unpinned.</para>
/// </example>
/// <example title="see what is pinned">
/// <code>Get-ObsBackup | Where-Object Pinned</code>
/// <para>Lists the pinned backups.</para>
/// </example>
/// <seealso cref="UnprotectObsBackupCommand"/>
/// <seealso href="about_ObservatoryBackup">about_ObservatoryBackup</seealso>
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
