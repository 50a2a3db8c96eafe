using ObservatoryBackup.Encryption;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Configuration;

// The age keys: the recipients backups are encrypted to, the identities that read them.
public sealed partial class SettingsResolver
{
    /// <summary>
    /// The age recipients: those given, else OBS_AGE_RECIPIENTS (comma-separated), else the lines of
    /// the file OBS_AGE_RECIPIENTS_FILE names (blank lines and # comments ignored). Public keys, so a
    /// bad one is quoted.
    /// </summary>
    private IReadOnlyList<AgeRecipient> ResolveRecipients(IReadOnlyList<string>? given)
    {
        var (texts, variable) = (given, (string?)null);
        if (texts is null)
        {
            var inline = Raw(AgeRecipientsVariable);
            var file = Raw(AgeRecipientsFileVariable);
            if (inline is not null && file is not null)
                throw new ConfigurationException(Setting.Recipients, AgeRecipientsFileVariable, $"and {AgeRecipientsVariable} are both set; set one of them.");
            if (inline is not null) (texts, variable) = (inline.Split(','), AgeRecipientsVariable);
            else if (file is not null) (texts, variable) = (ReadFile(file, Setting.Recipients, AgeRecipientsFileVariable).Split('\n').Where(l => !l.TrimStart().StartsWith('#')).ToList(), AgeRecipientsFileVariable);
            else return [];
        }
        var recipients = new List<AgeRecipient>();
        foreach (var text in texts.Select(t => t.Trim()).Where(t => t.Length > 0))
        {
            var recipient = AgeRecipient.TryParse(text, out var why)
                ?? throw new ConfigurationException(Setting.Recipients, variable, $"holds '{text}', which is not an age recipient: {why}.");
            if (!recipients.Contains(recipient)) recipients.Add(recipient);
        }
        return recipients.Count > 0 ? recipients
            : throw new ConfigurationException(Setting.Recipients, variable, "holds no age recipient (age1…).");
    }

    /// <summary>The identities in the identity file given, else the one OBS_AGE_IDENTITY_FILE names; null when neither. Never quotes the file.</summary>
    private IReadOnlyList<AgeIdentity>? ResolveIdentities(string? given)
    {
        var (path, variable) = given is not null ? (given, (string?)null) : (Raw(AgeIdentityFileVariable), AgeIdentityFileVariable);
        if (path is null) return null;
        try
        {
            return AgeIdentityFile.Parse(ReadFile(path, Setting.IdentityFile, variable));
        }
        catch (FormatException ex)
        {
            throw new ConfigurationException(Setting.IdentityFile, variable, $"names {path}, which is not an age identity file: {ex.Message}.");
        }
    }
}
