using System.CommandLine;
using ObservatoryBackup.Credentials;
using ObservatoryBackup.Help;

namespace ObservatoryBackup.Cli;

/// <summary><c>obs-backup rotate-credential-key [--dry-run] [--yes] [--table …]</c>: the spec's re-encryption migration; keys from the environment only.</summary>
internal static class RotateCredentialKeyCommand
{
    public static Command Create(Commands app)
    {
        var dryRun = CommonOptions.DryRun();
        var yes = CommonOptions.Yes();
        var table = new Option<string>("--table") { Description = OptionNames.Render(ParameterTexts.CredentialTable), DefaultValueFactory = _ => CredentialTable.DefaultTable };
        var schema = new Option<string?>("--schema") { Description = OptionNames.Render(ParameterTexts.CredentialSchema) };
        var keyColumn = new Option<string>("--key-column") { Description = OptionNames.Render(ParameterTexts.CredentialKeyColumn), DefaultValueFactory = _ => CredentialTable.DefaultKeyColumn };
        var column = new Option<string>("--column") { Description = OptionNames.Render(ParameterTexts.CredentialColumn), DefaultValueFactory = _ => CredentialTable.DefaultColumn };
        var rotate = new Command("rotate-credential-key", "Re-encrypt the application's stored credentials from the old Fernet key to the new one, in one transaction. Keys come from the environment only: CREDENTIAL_ENCRYPTION_KEY (old) and CREDENTIAL_ENCRYPTION_KEY_NEW, or CREDENTIAL_ENCRYPTION_KEY_OLD and CREDENTIAL_ENCRYPTION_KEY (new).")
        {
            dryRun, yes, table, schema, keyColumn, column,
        };
        rotate.SetAction((r, ct) => app.RunAsync(needsDatabase: true, async (settings, log) =>
        {
            var (oldValue, newValue) = app.Resolver.ResolveCredentialKeys(null, null);
            var (oldKey, newKey) = (FernetKey.Parse(oldValue), FernetKey.Parse(newValue));
            var credentials = new CredentialTable { Table = r.GetValue(table)!, Schema = r.GetValue(schema), KeyColumn = r.GetValue(keyColumn)!, Column = r.GetValue(column)! };
            var rotation = new CredentialKeyRotation(settings.Database!, credentials, oldKey, newKey, log);
            var dry = r.GetValue(dryRun);
            if (!dry && !r.GetValue(yes) && !app.Confirm($"every credential in {credentials} of database \"{settings.Database!.Database}\"", "the new key", "re-encrypts"))
                return ExitCodes.Declined;
            await rotation.RunAsync(dry, ct);
            return ExitCodes.Success;
        }));
        return rotate;
    }
}
