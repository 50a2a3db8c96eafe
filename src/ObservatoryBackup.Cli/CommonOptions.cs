using System.CommandLine;
using ObservatoryBackup.Help;

namespace ObservatoryBackup.Cli;

/// <summary>Options more than one command takes, made anew for each (an option belongs to one command).</summary>
internal static class CommonOptions
{
    public static Option<bool> DryRun() => new("--dry-run") { Description = "Connect and report what would be done; write nothing." };

    public static Option<bool> Yes() => new("--yes", "-y") { Description = "Do not ask for confirmation (for CI and automation)." };

    public static Option<bool> NoOwner() => new("--no-owner") { Description = OptionNames.Render(ParameterTexts.NoOwner) };

    public static Option<bool> NoTablespaces() => new("--no-tablespaces") { Description = OptionNames.Render(ParameterTexts.NoTablespaces) };

    public static Option<int?> Jobs() => new("--jobs")
    {
        Description = OptionNames.Render(ParameterTexts.Jobs),
    };

    /// <summary>--metrics-file, saying what <paramref name="text"/> (the command's metrics) does.</summary>
    public static Option<string?> MetricsFile(string text) => new("--metrics-file") { Description = OptionNames.Render(text) };

    public static Option<string?> IdentityFile() => new("--identity-file") { Description = OptionNames.Render(ParameterTexts.IdentityFile) };

    public static Option<string[]> TrustedKey() => new("--trusted-key")
    {
        Description = OptionNames.Render(ParameterTexts.TrustedKey) + " Repeat for more.",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Retention's keep rules (restic's --keep-*), for backup and prune.</summary>
    public static KeepOptions Keep() => new(
        new Option<int?>("--keep-last") { Description = OptionNames.Render(ParameterTexts.KeepLast) },
        new Option<int?>("--keep-daily") { Description = OptionNames.Render(ParameterTexts.KeepDaily) },
        new Option<int?>("--keep-weekly") { Description = OptionNames.Render(ParameterTexts.KeepWeekly) },
        new Option<int?>("--keep-monthly") { Description = OptionNames.Render(ParameterTexts.KeepMonthly) },
        new Option<int?>("--keep-yearly") { Description = OptionNames.Render(ParameterTexts.KeepYearly) });
}

/// <summary>The keep-rule options of one command, and the overrides they give.</summary>
internal sealed record KeepOptions(Option<int?> Last, Option<int?> Daily, Option<int?> Weekly, Option<int?> Monthly, Option<int?> Yearly)
{
    public void AddTo(Command command)
    {
        foreach (var option in new[] { Last, Daily, Weekly, Monthly, Yearly }) command.Options.Add(option);
    }

    public Configuration.SettingOverrides Apply(ParseResult r, Configuration.SettingOverrides overrides) => overrides with
    {
        KeepLast = r.GetValue(Last),
        KeepDaily = r.GetValue(Daily),
        KeepWeekly = r.GetValue(Weekly),
        KeepMonthly = r.GetValue(Monthly),
        KeepYearly = r.GetValue(Yearly),
    };
}
