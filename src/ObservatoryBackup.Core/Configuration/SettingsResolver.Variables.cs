
namespace ObservatoryBackup.Configuration;

// The environment variables the resolver reads, and the defaults that stand in for them.
public sealed partial class SettingsResolver
{
    public const string DatabaseUrlVariable = "DATABASE_URL";
    public const string EndpointVariable = "MINIO_ENDPOINT";
    public const string AccessKeyVariable = "MINIO_ACCESS_KEY";
    public const string RootUserVariable = "MINIO_ROOT_USER";
    public const string SecretKeyVariable = "MINIO_SECRET_KEY";
    public const string RootPasswordVariable = "MINIO_ROOT_PASSWORD";
    public const string BucketVariable = "MINIO_BUCKET";
    public const string SecureVariable = "MINIO_SECURE";
    public const string RetentionVariable = "BACKUP_RETENTION_DAYS";
    public const string PgDumpVariable = "OBS_PG_DUMP";
    public const string PsqlVariable = "OBS_PSQL";
    public const string LogFormatVariable = "OBS_LOG_FORMAT";
    public const string NoColorVariable = "NO_COLOR";
    public const string ConnectTimeoutVariable = "PGCONNECT_TIMEOUT";
    public const string OldCredentialKeyVariable = "CREDENTIAL_ENCRYPTION_KEY_OLD";
    public const string CredentialKeyVariable = "CREDENTIAL_ENCRYPTION_KEY";
    public const string NextCredentialKeyVariable = "CREDENTIAL_ENCRYPTION_KEY_NEW";
    public const string PathVariable = "PATH";
    public const string TempDirectoryVariable = "TMPDIR";
    public const string MetricsVariable = "OBS_METRICS_FILE";
    public const string CompressionVariable = "OBS_COMPRESSION";
    public const string AgeRecipientsVariable = "OBS_AGE_RECIPIENTS";
    public const string AgeRecipientsFileVariable = "OBS_AGE_RECIPIENTS_FILE";
    public const string AgeIdentityFileVariable = "OBS_AGE_IDENTITY_FILE";
    public const string SigningKeyFileVariable = "OBS_SIGNING_KEY_FILE";
    public const string TrustedKeysVariable = "OBS_TRUSTED_KEYS";
    public const string TrustedKeysFileVariable = "OBS_TRUSTED_KEYS_FILE";
    public const string ObjectLockDaysVariable = "OBS_OBJECT_LOCK_DAYS";
    public const string ObjectLockModeVariable = "OBS_OBJECT_LOCK_MODE";
    public const string NotifyUrlVariable = "OBS_NOTIFY_URL";
    public const string PrefixVariable = "OBS_PREFIX";
    public const string KeepLastVariable = "BACKUP_KEEP_LAST";
    public const string RestoreJobsVariable = "OBS_RESTORE_JOBS";
    public const string KeepDailyVariable = "BACKUP_KEEP_DAILY";
    public const string KeepWeeklyVariable = "BACKUP_KEEP_WEEKLY";
    public const string KeepMonthlyVariable = "BACKUP_KEEP_MONTHLY";
    public const string KeepYearlyVariable = "BACKUP_KEEP_YEARLY";
    public const string RegionVariable = "OBS_S3_REGION";
    public const string AwsRegionVariable = "AWS_REGION";
    public const string AddressingVariable = "OBS_S3_ADDRESSING";
    public const string StorageClassVariable = "OBS_S3_STORAGE_CLASS";
    public const string SseVariable = "OBS_S3_SSE";
    public const string SseKmsKeyIdVariable = "OBS_S3_SSE_KMS_KEY_ID";
    public const string SseCustomerKeyFileVariable = "OBS_S3_SSE_C_KEY_FILE";
    public const string CredentialsVariable = "OBS_S3_CREDENTIALS";
    public const string AwsAccessKeyIdVariable = "AWS_ACCESS_KEY_ID";
    public const string AwsProfileVariable = "AWS_PROFILE";
    public const string AwsWebIdentityTokenFileVariable = "AWS_WEB_IDENTITY_TOKEN_FILE";

    /// <summary>libpq's connect timeout unless PGCONNECT_TIMEOUT or the URL says otherwise.</summary>
    public const int DefaultConnectTimeoutSeconds = 30;
}
