using System.CommandLine;
using ObservatoryBackup.Encryption;
using ObservatoryBackup.Help;

namespace ObservatoryBackup.Cli;

/// <summary><c>obs-backup new-age-key --output FILE [--force]</c>: an age key pair, as age-keygen makes it.</summary>
internal static class NewAgeKeyCommand
{
    public static Command Create(Commands app)
    {
        var output = new Option<string>("--output", "-o") { Description = OptionNames.Render(ParameterTexts.AgeKeyPath), Required = true };
        var force = new Option<bool>("--force") { Description = OptionNames.Render(ParameterTexts.AgeKeyForce) };
        var newKey = new Command("new-age-key", "Write a new age identity file (owner-only) and print its recipient (age1…), the public key that backup --recipient encrypts to.")
        {
            output, force,
        };
        newKey.SetAction(r =>
        {
            var path = Path.GetFullPath(r.GetValue(output)!);
            var identity = AgeIdentity.Generate();
            try
            {
                AgeIdentityFile.Write(path, identity, DateTimeOffset.UtcNow, overwrite: r.GetValue(force));
            }
            catch (IOException) when (File.Exists(path) && !r.GetValue(force))
            {
                return app.Fail($"{path} exists already; pass --force to replace it (the key in it is then lost).", ExitCodes.BadConfiguration);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return app.Fail($"cannot write {path}: {ex.Message}", ExitCodes.Failed);
            }
            app.Out.WriteLine(identity.Recipient.ToString());
            return ExitCodes.Success;
        });
        return newKey;
    }
}
