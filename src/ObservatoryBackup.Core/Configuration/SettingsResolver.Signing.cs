using ObservatoryBackup.Errors;
using ObservatoryBackup.Signing;

namespace ObservatoryBackup.Configuration;

// The minisign keys: the one a backup host signs with, the public ones a restore host trusts.
public sealed partial class SettingsResolver
{
    /// <summary>
    /// The secret key in the file given, else the one OBS_SIGNING_KEY_FILE names; null when neither.
    /// An unencrypted key file only (as <c>minisign -G -W</c> and New-ObsSigningKey write it): a backup
    /// runs unattended, with no one to type a password. Never quotes the file.
    /// </summary>
    private MinisignSecretKey? ResolveSigningKey(string? given)
    {
        var (path, variable) = given is not null ? (given, (string?)null) : (Raw(SigningKeyFileVariable), SigningKeyFileVariable);
        if (path is null) return null;
        var text = ReadFile(path, Setting.SigningKeyFile, variable);
        try
        {
            if (MinisignSecretKey.IsEncrypted(text))
                throw new ConfigurationException(Setting.SigningKeyFile, variable,
                    $"names {path}, a minisign secret key encrypted with a password; a backup signs unattended, so give it an unencrypted key (minisign -G -W, or New-ObsSigningKey / obs-backup new-signing-key).");
            return MinisignSecretKey.Parse(text);
        }
        catch (MinisignException ex)
        {
            throw new ConfigurationException(Setting.SigningKeyFile, variable, $"names {path}, which is not a minisign secret key file: {ex.Message}.");
        }
        catch (FormatException)
        {
            throw new ConfigurationException(Setting.SigningKeyFile, variable, $"names {path}, which is not a minisign secret key file.");
        }
    }

    /// <summary>
    /// The trusted public keys: those given, else OBS_TRUSTED_KEYS (base64 lines as <c>minisign -P</c>
    /// takes them, separated by commas or white space), else the file OBS_TRUSTED_KEYS_FILE names
    /// (minisign .pub files one after another, or a base64 line per line; blank lines, # comments and
    /// "untrusted comment:" lines are skipped). Public keys, so a bad one is quoted. None: empty.
    /// </summary>
    private IReadOnlyList<MinisignPublicKey> ResolveTrustedKeys(IReadOnlyList<string>? given)
    {
        var (texts, variable) = (given?.SelectMany(Words).ToList(), (string?)null);
        if (texts is null)
        {
            var inline = SetOrEmpty(TrustedKeysVariable);
            var file = SetOrEmpty(TrustedKeysFileVariable);
            if (inline is not null && file is not null)
                throw new ConfigurationException(Setting.TrustedKeys, TrustedKeysFileVariable, $"and {TrustedKeysVariable} are both set; set one of them.");
            if (inline is not null) (texts, variable) = (Words(inline).ToList(), TrustedKeysVariable);
            else if (file is not null)
                (texts, variable) = (ReadFile(file, Setting.TrustedKeys, TrustedKeysFileVariable).Split('\n')
                    .Select(l => l.Trim())
                    .Where(l => !l.StartsWith('#') && !l.StartsWith("untrusted comment:", StringComparison.Ordinal))
                    .SelectMany(Words).ToList(), TrustedKeysFileVariable);
            else return [];
        }
        var keys = new List<MinisignPublicKey>();
        foreach (var text in texts)
        {
            try
            {
                var key = MinisignPublicKey.Parse(text);
                if (!keys.Contains(key)) keys.Add(key);
            }
            catch (MinisignException) when (IsSecretKey(text))
            {
                throw new ConfigurationException(Setting.TrustedKeys, variable,
                    "holds a minisign secret key, which a restore host must never have: give its public key (the .pub file beside it, or the line minisign -R prints).");
            }
            catch (MinisignException ex)
            {
                // a public key is quoted; anything longer than one is not (it may be a secret that does not say so)
                var quoted = text.Length <= PublicKeyLine + 4 ? $"'{text}'" : $"an entry of {text.Length} characters starting '{text[..8]}'";
                throw new ConfigurationException(Setting.TrustedKeys, variable, $"holds {quoted}, which is not a minisign public key: {ex.Message}.");
            }
        }
        return keys.Count > 0 ? keys
            : throw new ConfigurationException(Setting.TrustedKeys, variable, "holds no minisign public key (the base64 line minisign -P takes, RW…).");
    }

    /// <summary>The length of a public key's base64 line.</summary>
    private const int PublicKeyLine = 56;

    /// <summary>A minisign secret key's base64 line starts with its algorithms: Ed, then Sc (scrypt) or none, then B2.</summary>
    private static bool IsSecretKey(string text) =>
        text.StartsWith("RWRTY0Iy", StringComparison.Ordinal) || text.StartsWith("RWQAAEIy", StringComparison.Ordinal);

    /// <summary>
    /// A trusted-keys variable as set: a variable set to nothing is refused by name, never read as unset,
    /// since that would restore without checking any signature.
    /// </summary>
    private string? SetOrEmpty(string name)
    {
        if (!environment.TryGetValue(name, out var value) || value is null) return null;
        return string.IsNullOrWhiteSpace(value)
            ? throw new ConfigurationException(Setting.TrustedKeys, name,
                "is set but empty; give the public keys signatures are checked with (or unset it to restore without checking signatures).")
            : value;
    }

    private static IEnumerable<string> Words(string text) =>
        text.Split([',', ' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
