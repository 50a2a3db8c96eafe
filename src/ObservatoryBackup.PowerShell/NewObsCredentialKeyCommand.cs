using System.Management.Automation;
using ObservatoryBackup.Credentials;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Generates a new Fernet key for CREDENTIAL_ENCRYPTION_KEY.</para>
/// <para type="description">Returns 32 random bytes in url-safe base64, as Python's Fernet.generate_key() makes them: the key the application's CREDENTIAL_ENCRYPTION_KEY takes, in place of the python one-liner of the key rotation procedure. Store it in your secrets manager; the cmdlet writes it nowhere else.</para>
/// <para type="description">During a rotation the application still holds the old key in CREDENTIAL_ENCRYPTION_KEY: put the new one in CREDENTIAL_ENCRYPTION_KEY_NEW and run Update-ObsCredentialKey, then deploy it as CREDENTIAL_ENCRYPTION_KEY.</para>
/// </summary>
/// <output>The key; a SecureString with -AsSecureString.</output>
/// <example title="the spec's rotation, in the spec's order">
/// <code>
/// $env:CREDENTIAL_ENCRYPTION_KEY_NEW = New-ObsCredentialKey   # CREDENTIAL_ENCRYPTION_KEY still holds the old key
/// Update-ObsCredentialKey -WhatIf
/// Update-ObsCredentialKey -Force
/// </code>
/// <para>Generates the new key, shows what would be re-encrypted (reading only: no lock), then re-encrypts every credential in one transaction.</para>
/// </example>
/// <example title="a key that is never shown">
/// <code>
/// $key = New-ObsCredentialKey -AsSecureString
/// Update-ObsCredentialKey -OldKey (Read-Host -AsSecureString 'Old key') -NewKey $key -Force
/// </code>
/// <para>Keeps the new key out of the console and the history; store it in your secrets manager from $key before you deploy it.</para>
/// </example>
/// <seealso cref="UpdateObsCredentialKeyCommand"/>
/// <seealso href="about_ObservatoryBackup">about_ObservatoryBackup</seealso>
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
