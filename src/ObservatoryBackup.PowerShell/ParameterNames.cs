using ObservatoryBackup.Errors;

namespace ObservatoryBackup.PowerShell;

/// <summary>The cmdlets' words for the engine's settings, so that errors name the parameter the user typed.</summary>
internal static class ParameterNames
{
    public static string For(Setting setting) => setting switch
    {
        Setting.AccessKey or Setting.SecretKey => "-Credential",
        Setting.OldCredentialKey => "-OldKey",
        Setting.NewCredentialKey => "-NewKey",
        Setting.RestoreJobs => "-Jobs",
        Setting.TrustedKeys => "-TrustedKey",
        _ => "-" + setting,
    };

    /// <summary>A rule the parameters broke, in the cmdlets' words.</summary>
    public static string Conflict(OptionRule rule) => rule switch
    {
        OptionRule.RolePasswordsWithoutGlobals => "-IncludeRolePasswords goes with -IncludeGlobals or -AllDatabases: role passwords are kept only in the globals.",
        OptionRule.DatabasesAndAll => "-Database names databases and -AllDatabases takes them all; give one of them.",
        OptionRule.SelectionWithoutDatabases => "-ExcludeDatabase and -Parallel go with -AllDatabases or -Database.",
        OptionRule.BackupOfAnotherDatabase => "To restore it there, name the target: -TargetDatabase NAME (or -DatabaseUrl); or name the backup itself with -ObjectName, or take the target's own newest with -Latest alone.",
        _ => rule.ToString(),
    };
}
