using System.Management.Automation;
using ObservatoryBackup.Credentials;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Generates a new Fernet key for CREDENTIAL_ENCRYPTION_KEY.</para>
/// <para type="description">The key is 32 random bytes in url-safe base64, as Python's Fernet.generate_key() makes it; it replaces the spec's python one-liner.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "ObsCredentialKey")]
[OutputType(typeof(string), typeof(System.Security.SecureString))]
public sealed class NewObsCredentialKeyCommand : PSCmdlet
{
    /// <summary>Return the key as a SecureString, to pass straight to Update-ObsCredentialKey -NewKey without showing it.</summary>
    [Parameter]
    public SwitchParameter AsSecureString { get; set; }

    protected override void EndProcessing()
    {
        var key = FernetKey.Generate().Export();
        if (!AsSecureString)
        {
            WriteObject(key);
            return;
        }
        var secure = new System.Security.SecureString();
        foreach (var c in key) secure.AppendChar(c);
        secure.MakeReadOnly();
        WriteObject(secure);
    }
}
