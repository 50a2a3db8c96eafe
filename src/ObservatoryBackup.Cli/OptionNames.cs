using System.Text;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Cli;

/// <summary>The CLI's words for the engine's settings: long options in kebab case (CompressionLevel → --compression-level).</summary>
internal static class OptionNames
{
    public static string For(Setting setting)
    {
        if (setting == Setting.MetricsPath) return "--metrics-file";
        // the CLI takes keys from the environment only: a key it did not name there is "the old/new key"
        if (setting == Setting.OldCredentialKey) return "The old credential key";
        if (setting == Setting.NewCredentialKey) return "The new credential key";
        var name = new StringBuilder("-");
        foreach (var c in setting.ToString())
        {
            if (char.IsUpper(c)) name.Append('-');
            name.Append(char.ToLowerInvariant(c));
        }
        return name.ToString();
    }
}
