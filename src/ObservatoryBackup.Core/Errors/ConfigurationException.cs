namespace ObservatoryBackup.Errors;

/// <summary>A missing or malformed setting. <see cref="Setting"/> names the variable or parameter; the message never holds a password.</summary>
public sealed class ConfigurationException(string setting, string message, bool missing = false)
    : ObsBackupException(ObsErrorKind.InvalidConfiguration, missing ? "MissingConfiguration" : "InvalidConfiguration", message, setting)
{
    public string Setting { get; } = setting;

    /// <summary>True where a required value was not given at all (the scripts' missing_required_env_var).</summary>
    public bool Missing { get; } = missing;
}
