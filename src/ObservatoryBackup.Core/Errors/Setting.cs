namespace ObservatoryBackup.Errors;

/// <summary>
/// The settings a run can be given, as the engine knows them. Each front end has its own word for
/// each (a cmdlet parameter, a CLI option); the environment variable names are the configuration layer's.
/// </summary>
public enum Setting
{
    DatabaseUrl,
    Endpoint,
    AccessKey,
    SecretKey,
    Bucket,
    UseSsl,
    RetentionDays,
    PgDumpPath,
    PsqlPath,
    CompressionLevel,
    LogFormat,
    ConnectTimeout,
    OldCredentialKey,
    NewCredentialKey,
    MetricsPath,
    Compression,
    Recipients,
    IdentityFile,
    LockDays,
    LockMode,
    StorageOption,
    KeepLast,
    KeepDaily,
    KeepWeekly,
    KeepMonthly,
    KeepYearly,
    NotifyUrl,
    ExcludeTable,
    ExcludeTableData,
    Prefix,
    RestoreJobs,
    SigningKeyFile,
    TrustedKeys,
    TargetDatabase,
}
