using System.Text;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Cli;

/// <summary>The CLI's words for the engine's settings: long options in kebab case (CompressionLevel → --compression-level).</summary>
internal static class OptionNames
{
    public static string For(Setting setting)
    {
        if (setting == Setting.MetricsPath) return "--metrics-file";
        var name = new StringBuilder("-");
        foreach (var c in setting.ToString())
        {
            if (char.IsUpper(c)) name.Append('-');
            name.Append(char.ToLowerInvariant(c));
        }
        return name.ToString();
    }
}
