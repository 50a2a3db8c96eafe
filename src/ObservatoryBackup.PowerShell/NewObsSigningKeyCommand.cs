using System.Management.Automation;
using ObservatoryBackup.Signing;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Makes a minisign key pair for signed backups: writes the secret key file (owner-only, unencrypted) and the public key file, and returns the public key.</para>
/// <para type="description">The files are those minisign -G -W writes: minisign -S -s signs with the secret key, and minisign -V -p verifies with the public key file. Keep the secret key on the backup host only; restore hosts need only the public key.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "ObsSigningKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(SigningKeyResult))]
public sealed class NewObsSigningKeyCommand : PSCmdlet
{
    /// <summary>Where to write the secret key file, readable by its owner only.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Where to write the public key file. Default: -Path with .key replaced by .pub (or .pub added).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PublicKeyPath { get; set; }

    /// <summary>Replace existing files at -Path and -PublicKeyPath. Without it, an existing file is an error and neither file is written.</summary>
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
