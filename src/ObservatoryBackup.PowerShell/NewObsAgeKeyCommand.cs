using System.Management.Automation;
using ObservatoryBackup.Encryption;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Makes an age key pair for encrypted backups: writes the identity file (owner-only) and returns its recipient.</para>
/// <para type="description">Generates an X25519 key pair in the age v1 format. The identity file (the private key) is written as age-keygen writes it, with owner-only permissions from the moment it exists; an existing file is left alone unless -Force is given. The output's Recipient (age1…) is the public key: give it to Invoke-ObsBackup -Recipient (or OBS_AGE_RECIPIENTS) on the backup host, which then needs no secret to encrypt.</para>
/// <para type="description">Keep the identity file off the backup host and away from the bucket: whoever holds it reads every backup encrypted to its recipient. Restore-ObsBackup and Test-ObsBackup read it with -IdentityFile (or OBS_AGE_IDENTITY_FILE), and so does the reference tool: age -d -i FILE.</para>
/// </summary>
/// <parameter name="WhatIf">Shows the file that would be written, without writing it.</parameter>
/// <parameter name="Confirm">Prompts for confirmation before writing the file.</parameter>
/// <output>IdentityFile, the full path written; Recipient, the public key (age1…).</output>
/// <example title="encrypted backups from now on">
/// <code>
/// $key = New-ObsAgeKey -Path ~/observatory-backups.agekey
/// Invoke-ObsBackup -Recipient $key.Recipient
/// </code>
/// <para>Writes the identity file, then backs up encrypted to its recipient: the object is named ….sql.gz.age. Move the identity file somewhere safe, off the backup host.</para>
/// </example>
/// <example title="restore an encrypted backup">
/// <code>Restore-ObsBackup -Latest -IdentityFile ~/observatory-backups.agekey -Confirm:$false</code>
/// <para>Decrypts as it streams: every 64 KiB chunk is authenticated before any of it reaches psql. The same file works with the reference tool: age -d -i ~/observatory-backups.agekey FILE.sql.gz.age | gunzip | psql.</para>
/// </example>
/// <seealso cref="InvokeObsBackupCommand"/>
/// <seealso cref="RestoreObsBackupCommand"/>
/// <seealso href="about_ObservatoryBackup">about_ObservatoryBackup</seealso>
[Cmdlet(VerbsCommon.New, "ObsAgeKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(AgeKeyResult))]
public sealed class NewObsAgeKeyCommand : PSCmdlet
{
    /// <summary><see cref="Help.ParameterTexts.AgeKeyPath"/></summary>
    /// <default>None</default>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary><see cref="Help.ParameterTexts.AgeKeyForce"/></summary>
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
