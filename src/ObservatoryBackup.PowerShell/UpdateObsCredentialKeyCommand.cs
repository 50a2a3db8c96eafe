using System.Management.Automation;
using System.Net;
using System.Security;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Credentials;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Re-encrypts the application's stored credentials from the old CREDENTIAL_ENCRYPTION_KEY to the new one, in one transaction.</para>
/// </summary>
[Cmdlet(VerbsData.Update, "ObsCredentialKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(KeyRotationResult))]
public sealed class UpdateObsCredentialKeyCommand : ObsCmdletBase
{
    /// <summary>The Fernet key the credentials are encrypted with now.</summary>
    [Parameter]
    public SecureString? OldKey { get; set; }

    /// <summary>The Fernet key to re-encrypt them with (url-safe base64 of 32 bytes).</summary>
    [Parameter]
    public SecureString? NewKey { get; set; }

    /// <summary>PostgreSQL URL of the application's database.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DatabaseUrl { get; set; }

    /// <summary>User and password for PostgreSQL, in place of any in the URL: no password needs to be written into a script. Get-Credential, or a secret vault's.</summary>
    [Parameter]
    [Credential]
    public PSCredential? DatabaseCredential { get; set; }

    /// <summary>The table holding the credentials.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Table { get; set; } = CredentialTable.DefaultTable;

    /// <summary>The table's schema.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Schema { get; set; }

    /// <summary>The table's key column, used to name rows in reports and errors.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string KeyColumn { get; set; } = CredentialTable.DefaultKeyColumn;

    /// <summary>The encrypted column: jsonb or json holding the token as a JSON string, or text holding the token.</summary>
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
