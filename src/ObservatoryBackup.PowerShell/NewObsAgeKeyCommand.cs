using System.Management.Automation;
using ObservatoryBackup.Encryption;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Makes an age key pair for encrypted backups: writes the identity file (owner-only) and returns its recipient.</para>
/// <para type="description">The identity file is what age-keygen writes and what Restore-ObsBackup -IdentityFile and age -d -i read. The recipient (age1…) is the public key that Invoke-ObsBackup -Recipient encrypts to.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "ObsAgeKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(AgeKeyResult))]
public sealed class NewObsAgeKeyCommand : PSCmdlet
{
    /// <summary>Where to write the identity file (the private key), readable by its owner only.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Replace an existing file at -Path. Without it, an existing file is an error and is left as it is.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void EndProcessing()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (!ShouldProcess(path, "Write a new age identity file")) return;
        var identity = AgeIdentity.Generate();
        try
        {
            AgeIdentityFile.Write(path, identity, DateTimeOffset.UtcNow, overwrite: Force);
        }
        catch (IOException ex) when (File.Exists(path) && !Force)
        {
            ThrowTerminatingError(new ErrorRecord(new IOException($"{path} exists already; give -Force to replace it (the key in it is then lost).", ex),
                "AgeKeyFileExists", ErrorCategory.ResourceExists, path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "AgeKeyFileNotWritten", ErrorCategory.WriteError, path));
        }
        WriteObject(new AgeKeyResult(path, identity.Recipient.ToString()));
    }
}

/// <summary>A new age key pair: where its identity file is, and its recipient (the public key, safe to share).</summary>
public sealed record AgeKeyResult(string IdentityFile, string Recipient);
