using System.CommandLine;
using ObservatoryBackup.Help;
using ObservatoryBackup.Signing;

namespace ObservatoryBackup.Cli;

/// <summary><c>obs-backup new-signing-key --output FILE [--public-key-output FILE] [--force]</c>: a minisign key pair, as minisign -G -W makes it.</summary>
internal static class NewSigningKeyCommand
{
    public static Command Create(Commands app)
    {
        var output = new Option<string>("--output", "-o") { Description = OptionNames.Render(ParameterTexts.SigningKeyPath), Required = true };
        var publicOutput = new Option<string?>("--public-key-output") { Description = OptionNames.Render(ParameterTexts.PublicKeyPath) };
        var force = new Option<bool>("--force") { Description = OptionNames.Render(ParameterTexts.SigningKeyForce) };
        var newKey = new Command("new-signing-key", "Write a new minisign key pair (the secret key file owner-only and unencrypted, as minisign -G -W writes it) and print the public key, the line minisign -P takes.")
        {
            output, publicOutput, force,
        };
        newKey.SetAction(r =>
        {
            var path = Path.GetFullPath(r.GetValue(output)!);
            var publicPath = r.GetValue(publicOutput) is { } p ? Path.GetFullPath(p) : MinisignKeyFiles.DefaultPublicKeyPath(path);
            var key = MinisignSecretKey.Generate();
            try
            {
                MinisignKeyFiles.Write(path, publicPath, key, overwrite: r.GetValue(force));
            }
            catch (IOException ex) when (!r.GetValue(force) && (File.Exists(path) || File.Exists(publicPath)))
            {
                return app.Fail($"{ex.Message}; pass --force to replace it (a key in it is then lost).", ExitCodes.BadConfiguration);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                return app.Fail($"cannot write the key pair: {ex.Message}", ExitCodes.Failed);
            }
            app.Out.WriteLine(key.PublicKey.ToBase64());
            return ExitCodes.Success;
        });
        return newKey;
    }
}
