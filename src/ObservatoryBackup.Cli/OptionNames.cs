using ObservatoryBackup.Errors;
using ObservatoryBackup.Help;

namespace ObservatoryBackup.Cli;

/// <summary>
/// The CLI's words for the engine's settings. Only a few settings have an option; every other one
/// comes from the environment, where the error names its variable, so the CLI words it as the
/// engine does and never names an option that does not exist.
/// </summary>
internal static class OptionNames
{
    public static string For(Setting setting) => setting switch
    {
        Setting.CompressionLevel => "--compression-level",
        Setting.Compression => "--compression",
        Setting.MetricsPath => "--metrics-file",
        Setting.Recipients => "--recipient",
        Setting.IdentityFile => "--identity-file",
        Setting.SigningKeyFile => "--signing-key-file",
        Setting.TrustedKeys => "--trusted-key",
        Setting.LockDays => "--lock-days",
        Setting.ExcludeTable => "--exclude-table",
        Setting.ExcludeTableData => "--exclude-table-data",
        Setting.KeepLast => "--keep-last",
        Setting.RestoreJobs => "--jobs",
        Setting.KeepDaily => "--keep-daily",
        Setting.KeepWeekly => "--keep-weekly",
        Setting.KeepMonthly => "--keep-monthly",
        Setting.KeepYearly => "--keep-yearly",
        Setting.OldCredentialKey => "The old credential key",
        Setting.NewCredentialKey => "The new credential key",
        Setting.TargetDatabase => "--target-database",
        _ => $"The {setting} setting",
    };

    /// <summary>A text both faces share (<see cref="ParameterTexts"/>), in the CLI's names.</summary>
    public static string Render(string text) => HelpTemplate.Render(text, ForParameter);

    /// <summary>
    /// The CLI's name for a cmdlet parameter (or a cmdlet) that a shared text names: its option, spelled
    /// as the cmdlet's name in kebab case unless the CLI calls it otherwise, or the variable that gives it.
    /// </summary>
    public static string ForParameter(string parameter) => parameter switch
    {
        "Get-ObsBackup" => "obs-backup list",
        "New-ObsAgeKey" => "obs-backup new-age-key",
        "New-ObsSigningKey" => "obs-backup new-signing-key",
        _ when parameter.Contains('-', StringComparison.Ordinal) => throw new ArgumentException($"obs-backup has no command for {parameter}", nameof(parameter)),
        "DatabaseUrl" => "DATABASE_URL",
        "MetricsPath" => "--metrics-file",
        "Path" => "--output",
        "PublicKeyPath" => "--public-key-output",
        _ => "--" + KebabCase(parameter),
    };

    private static string KebabCase(string name)
    {
        var kebab = new System.Text.StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && kebab.Length > 0) kebab.Append('-');
            kebab.Append(char.ToLowerInvariant(c));
        }
        return kebab.ToString();
    }

    /// <summary>A rule the options broke, in the CLI's words.</summary>
    public static string Conflict(OptionRule rule) => rule switch
    {
        OptionRule.DatabasesAndAll => "--database names databases and --all-databases takes them all; give one of them.",
        OptionRule.SelectionWithoutDatabases => "--exclude-database and --parallel go with --all-databases or --database.",
        OptionRule.RolePasswordsWithoutGlobals => "--include-role-passwords goes with --include-globals or --all-databases.",
        OptionRule.BackupOfAnotherDatabase => "Name where it goes with --target-database, or restore the target's own newest backup with --latest alone.",
        _ => rule.ToString(),
    };
}
