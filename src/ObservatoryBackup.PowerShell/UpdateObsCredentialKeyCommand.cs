using System.Management.Automation;
using System.Net;
using System.Security;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Credentials;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Re-encrypts the application's stored credentials from the old CREDENTIAL_ENCRYPTION_KEY to the new one, in one transaction.</para>
/// <para type="description">The spec's re-encryption migration for rotating CREDENTIAL_ENCRYPTION_KEY. Every value is a Fernet token (as Python's cryptography.fernet writes them); each is decrypted with the old key and encrypted again with the new key, all in a single transaction: every row is re-encrypted or none is.</para>
/// <para type="description">The table is locked against writers for the duration (EXCLUSIVE mode: readers still read), so the migration does not rely on the application being stopped. A value that decrypts with neither key aborts the whole migration with an error naming the row's key (never its value), and the table is unchanged. Values that already decrypt with the new key are reported and left alone, so running it again after a success changes nothing. A JSONB object instead of a token string is an unencrypted development entry: reported and left alone.</para>
/// <para type="description">By default the table is api_credentials, keyed by id, with the token as a JSON string in the jsonb column credentials; -Table, -Schema, -KeyColumn and -Column name another (a text column holds the token as is). -WhatIf decrypts every value with the old key and reports how many would be re-encrypted, writing nothing. The keys are never echoed.</para>
/// </summary>
/// <output>ReEncrypted, AlreadyOnNewKey, Unencrypted, Empty, Total, Duration and DryRun.</output>
/// <example title="Check the migration, then run it">
/// <code>
/// $env:CREDENTIAL_ENCRYPTION_KEY_OLD = $oldKey
/// $env:CREDENTIAL_ENCRYPTION_KEY = $newKey
/// Update-ObsCredentialKey -WhatIf
/// Update-ObsCredentialKey -Force
/// </code>
/// <para>The dry run decrypts every credential with the old key and reports the counts; the second command re-encrypts them in one transaction.</para>
/// </example>
/// <example title="Keys from a prompt, another table">
/// <code>Update-ObsCredentialKey -OldKey (Read-Host -AsSecureString 'old key') -NewKey (Read-Host -AsSecureString 'new key') -Table platform_tokens -KeyColumn name -Column token</code>
/// <para>A text column holding Fernet tokens.</para>
/// </example>
/// <seealso cref="NewObsCredentialKeyCommand"/>
/// <seealso href="about_ObservatoryBackup">about_ObservatoryBackup</seealso>
[Cmdlet(VerbsData.Update, "ObsCredentialKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(KeyRotationResult))]
public sealed class UpdateObsCredentialKeyCommand : ObsCmdletBase
{
    /// <summary>The Fernet key the credentials are encrypted with now.</summary>
    /// <default>CREDENTIAL_ENCRYPTION_KEY_OLD, or CREDENTIAL_ENCRYPTION_KEY when CREDENTIAL_ENCRYPTION_KEY_NEW is set</default>
    [Parameter]
    public SecureString? OldKey { get; set; }

    /// <summary>The Fernet key to re-encrypt them with (url-safe base64 of 32 bytes).</summary>
    /// <default>CREDENTIAL_ENCRYPTION_KEY, or CREDENTIAL_ENCRYPTION_KEY_NEW when it is set</default>
    [Parameter]
    public SecureString? NewKey { get; set; }

    /// <summary>PostgreSQL URL of the application's database.</summary>
    /// <default>DATABASE_URL</default>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DatabaseUrl { get; set; }

    /// <summary>User and password for PostgreSQL, in place of any in the URL: no password needs to be written into a script. Get-Credential, or a secret vault's.</summary>
    /// <default>the URL's user and password</default>
    [Parameter]
    [Credential]
    public PSCredential? DatabaseCredential { get; set; }

    /// <summary><see cref="Help.ParameterTexts.CredentialTable"/></summary>
    /// <default>api_credentials</default>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Table { get; set; } = CredentialTable.DefaultTable;

    /// <summary><see cref="Help.ParameterTexts.CredentialSchema"/></summary>
    /// <default>the connection's search_path</default>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Schema { get; set; }

    /// <summary><see cref="Help.ParameterTexts.CredentialKeyColumn"/></summary>
    /// <default>id</default>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string KeyColumn { get; set; } = CredentialTable.DefaultKeyColumn;

    /// <summary><see cref="Help.ParameterTexts.CredentialColumn"/></summary>
    /// <default>credentials</default>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Column { get; set; } = CredentialTable.DefaultColumn;

    /// <summary>Re-encrypt without asking for confirmation.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void Complete()
    {
        var (database, oldKey, newKey) = Configure(() =>
        {
            var (oldValue, newValue) = Resolver.ResolveCredentialKeys(Plain(OldKey), Plain(NewKey));
            return (Resolver.ResolveDatabase(DatabaseUrl, CredentialFrom(DatabaseCredential)), FernetKey.Parse(oldValue), FernetKey.Parse(newValue));
        });
        var table = new CredentialTable { Table = Table, Schema = Schema, KeyColumn = KeyColumn, Column = Column };
        var rotation = new CredentialKeyRotation(database, table, oldKey, newKey, Log);

        var target = $"{table} in database \"{database.Database}\" on {database.Host}:{database.Port}";
        if (WhatIfRequested)
        {
            ShouldProcess(target, "Re-encrypt every credential with the new key");
            WriteObject(Run(ct => rotation.RunAsync(dryRun: true, ct)));
            return;
        }
        if (!ShouldProcessUnlessForced(Force, target, "Re-encrypt every credential with the new key")) return;
        WriteObject(Run(ct => rotation.RunAsync(dryRun: false, ct)));
    }

    private static string? Plain(SecureString? key) => key is null ? null : new NetworkCredential("", key).Password;
}
