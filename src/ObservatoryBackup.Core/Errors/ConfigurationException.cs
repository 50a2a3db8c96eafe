namespace ObservatoryBackup.Errors;

/// <summary>
/// A missing or malformed setting. It says which <see cref="Setting"/>, and the environment
/// <see cref="Variable"/> when the value came from there; a front end words the rest with
/// <see cref="MessageFor"/>. The message never holds a password.
/// </summary>
public sealed class ConfigurationException(Setting setting, string? variable, string problem, bool missing = false)
    : ObsBackupException(ObsErrorKind.InvalidConfiguration, missing ? ErrorIds.MissingConfiguration : ErrorIds.InvalidConfiguration,
        Compose(variable ?? Describe(setting), problem), variable ?? setting.ToString())
{
    public Setting Setting { get; } = setting;

    /// <summary>The environment variable the value came from; null when it was given explicitly.</summary>
    public string? Variable { get; } = variable;

    /// <summary>What is wrong, without the setting's name: "must be from 1 to 9, not 12."</summary>
    public string Problem { get; } = problem;

    /// <summary>True where a required value was not given at all (logged as missing_required_env_var).</summary>
    public bool Missing { get; } = missing;

    /// <summary>The setting in a front end's words: the variable when it came from the environment, else <paramref name="nameOf"/>'s name for it.</summary>
    public string NameIn(Func<Setting, string> nameOf) => Variable ?? nameOf(Setting);

    /// <summary>The message in a front end's words.</summary>
    public string MessageFor(Func<Setting, string> nameOf) => Compose(NameIn(nameOf), Problem);

    private static string Compose(string name, string problem) => $"{name} {problem}";

    // The engine's own wording, for callers that have none: it names no parameter or option.
    private static string Describe(Setting setting) => setting switch
    {
        Setting.DatabaseUrl => "The database URL",
        Setting.Endpoint => "The object store endpoint",
        Setting.AccessKey => "The access key",
        Setting.SecretKey => "The secret key",
        Setting.Bucket => "The bucket",
        Setting.UseSsl => "The TLS setting",
        Setting.RetentionDays => "The retention period",
        Setting.PgDumpPath => "The pg_dump path",
        Setting.PsqlPath => "The psql path",
        Setting.CompressionLevel => "The compression level",
        Setting.LogFormat => "The log format",
        Setting.ConnectTimeout => "The connect timeout",
        Setting.OldCredentialKey => "The old credential key",
        Setting.NewCredentialKey => "The new credential key",
        Setting.MetricsPath => "The metrics file",
        Setting.Compression => "The compression",
        Setting.Recipients => "The age recipients",
        Setting.IdentityFile => "The age identity file",
        Setting.LockDays => "The object lock period",
        Setting.LockMode => "The object lock mode",
        Setting.StorageOption => "An object store option",
        Setting.NotifyUrl => "The notification URL",
        Setting.Prefix => "The object prefix",
        Setting.ExcludeTable => "The excluded tables",
        Setting.ExcludeTableData => "The tables whose data is excluded",
        Setting.TargetDatabase => "The target database",
        Setting.KeepLast or Setting.KeepDaily or Setting.KeepWeekly or Setting.KeepMonthly or Setting.KeepYearly => $"The {setting} rule",
        _ => setting.ToString(),
    };
}
