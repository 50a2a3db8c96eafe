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
        _ => "-" + setting,
    };
}
