using System.CommandLine;
using ObservatoryBackup.Credentials;

namespace ObservatoryBackup.Cli;

/// <summary><c>obs-backup new-credential-key</c>: the spec's Fernet.generate_key().</summary>
internal static class NewCredentialKeyCommand
{
    public static Command Create(Commands app)
    {
        var newKey = new Command("new-credential-key", "Print a new Fernet key for CREDENTIAL_ENCRYPTION_KEY (32 random bytes, url-safe base64, as Fernet.generate_key() makes it).");
        newKey.SetAction(_ =>
        {
            app.Out.WriteLine(FernetKey.Generate().Export());
            return ExitCodes.Success;
        });
        return newKey;
    }
}
