using System.Management.Automation;
using ObservatoryBackup.Signing;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Makes a minisign key pair for signed backups: writes the secret key file (owner-only, unencrypted) and the public key file, and returns the public key.</para>
/// <para type="description">Generates an Ed25519 key pair in minisign's format. The files are those minisign -G -W writes: the secret key file, unencrypted so that a scheduled backup needs no password, with owner-only permissions from the moment it exists; and the public key file. Existing files are left alone unless -Force is given: without it, neither file is written when either exists.</para>
/// <para type="description">Keep the secret key on the backup host only, away from the bucket: whoever holds it can sign. Restore hosts need only the public key (the output's PublicKey, the line minisign -P takes, or the public key file), and so does the reference tool: minisign -V -m FILE -p PUBLIC-KEY-FILE. Key pairs made by minisign -G -W are the same kind of key.</para>
/// </summary>
/// <parameter name="WhatIf">Shows the files that would be written, without writing them.</parameter>
/// <parameter name="Confirm">Prompts for confirmation before writing the files.</parameter>
/// <output>SecretKeyFile and PublicKeyFile, the full paths written; KeyId, the key id as minisign prints it; PublicKey, the public key line (safe to share).</output>
/// <example title="a key pair for the backup host">
/// <code>
/// $key = New-ObsSigningKey -Path /etc/observatory-backup/signing.key
/// $key.PublicKey
/// </code>
/// <para>Writes signing.key (owner-only) and signing.pub beside it, and shows the public key to give to the restore hosts.</para>
/// </example>
/// <example title="the reference tool reads the same files">
/// <code>
/// New-ObsSigningKey -Path ./obs.key -PublicKeyPath ./obs.pub
/// minisign -S -s ./obs.key -m ./file
/// minisign -V -m ./file -p ./obs.pub
/// </code>
/// <para>minisign signs with the secret key without asking a password, and verifies with the public key file.</para>
/// </example>
/// <seealso cref="NewObsAgeKeyCommand"/>
/// <seealso href="about_ObservatoryBackup">about_ObservatoryBackup</seealso>
[Cmdlet(VerbsCommon.New, "ObsSigningKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(SigningKeyResult))]
public sealed class NewObsSigningKeyCommand : PSCmdlet
{
    /// <summary><see cref="Help.ParameterTexts.SigningKeyPath"/></summary>
    /// <default>None</default>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary><see cref="Help.ParameterTexts.PublicKeyPath"/></summary>
    /// <default>-Path with .key replaced by .pub</default>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PublicKeyPath { get; set; }

    /// <summary><see cref="Help.ParameterTexts.SigningKeyForce"/></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void EndProcessing()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        var publicPath = PublicKeyPath is null ? MinisignKeyFiles.DefaultPublicKeyPath(path) : GetUnresolvedProviderPathFromPSPath(PublicKeyPath);
        if (!ShouldProcess($"{path} and {publicPath}", "Write a new minisign key pair")) return;
        var key = MinisignSecretKey.Generate();
        try
        {
            MinisignKeyFiles.Write(path, publicPath, key, overwrite: Force);
        }
        catch (IOException ex) when (!Force && (File.Exists(path) || File.Exists(publicPath)))
        {
            ThrowTerminatingError(new ErrorRecord(new IOException($"{ex.Message}; give -Force to replace it (a key in it is then lost).", ex),
                "SigningKeyFileExists", ErrorCategory.ResourceExists, path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "SigningKeyFileNotWritten", ErrorCategory.WriteError, path));
        }
        WriteObject(new SigningKeyResult(path, publicPath, key.KeyId.ToString(), key.PublicKey.ToBase64()));
    }
}

/// <summary>A new minisign key pair: its two files, its key id, and its public key (the line minisign -P takes; safe to share).</summary>
public sealed record SigningKeyResult(string SecretKeyFile, string PublicKeyFile, string KeyId, string PublicKey);
