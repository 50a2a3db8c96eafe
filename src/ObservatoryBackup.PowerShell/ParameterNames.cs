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
        Setting.RestoreTable => "-Table",
        Setting.RestoreSchema => "-Schema",
        _ => "-" + setting,
    };

    /// <summary>A rule the parameters broke, in the cmdlets' words.</summary>
    public static string Conflict(OptionRule rule) => rule switch
    {
        OptionRule.RolePasswordsWithoutGlobals => "-IncludeRolePasswords goes with -IncludeGlobals or -AllDatabases: role passwords are kept only in the globals.",
        OptionRule.DatabasesAndAll => "-Database names databases and -AllDatabases takes them all; give one of them.",
        OptionRule.SelectionWithoutDatabases => "-ExcludeDatabase and -Parallel go with -AllDatabases or -Database.",
        OptionRule.BackupOfAnotherDatabase => "To restore it there, name the target: -TargetDatabase NAME (or -DatabaseUrl); or name the backup itself with -ObjectName, or take the target's own newest with -Latest alone.",
        OptionRule.TargetDatabaseWithGlobals => "Leave out -TargetDatabase to restore the globals, or give it with a database's backup.",
        OptionRule.PartIntoExistingDatabase => "-Table and -Schema restore part of a backup only into a database that does not exist yet: the restore would replace all of an existing one with the part. Name a new one with -TargetDatabase.",
        OptionRule.LatestOfTargetDatabase => "To restore another database's backup into it, add -Database NAME.",
        _ => rule.ToString(),
    };
}
