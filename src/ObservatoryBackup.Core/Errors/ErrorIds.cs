namespace ObservatoryBackup.Errors;

/// <summary>
/// Every error id the engine and its faces report (<see cref="ObsBackupException.ErrorId"/>, the first part of
/// PowerShell's FullyQualifiedErrorId): stable words scripts match on, so code names them here and
/// matches on these, never on a string written again.
/// </summary>
public static class ErrorIds
{
    public const string BackupAlreadyExists = nameof(BackupAlreadyExists);
    public const string BackupCorrupt = nameof(BackupCorrupt);
    public const string BackupKeyMismatch = nameof(BackupKeyMismatch);
    public const string BackupInProgress = nameof(BackupInProgress);
    public const string BackupNotFound = nameof(BackupNotFound);
    public const string BackupNotSigned = nameof(BackupNotSigned);
    public const string BackupSignatureInvalid = nameof(BackupSignatureInvalid);
    public const string BackupStale = nameof(BackupStale);
    public const string BackupTestFailed = nameof(BackupTestFailed);
    public const string BackupTooLarge = nameof(BackupTooLarge);
    public const string BackupUnsafe = nameof(BackupUnsafe);
    public const string BucketNotFound = nameof(BucketNotFound);
    public const string CredentialColumnNotFound = nameof(CredentialColumnNotFound);
    public const string CredentialColumnType = nameof(CredentialColumnType);
    public const string CredentialDoesNotDecrypt = nameof(CredentialDoesNotDecrypt);
    public const string CredentialKeyNull = nameof(CredentialKeyNull);
    public const string CredentialNotAToken = nameof(CredentialNotAToken);
    public const string CredentialTableNotFound = nameof(CredentialTableNotFound);
    public const string DatabaseAuthenticationFailed = nameof(DatabaseAuthenticationFailed);
    public const string DatabaseError = nameof(DatabaseError);
    public const string DatabaseNotFound = nameof(DatabaseNotFound);
    public const string DatabasePermissionDenied = nameof(DatabasePermissionDenied);
    public const string DatabaseUnreachable = nameof(DatabaseUnreachable);
    public const string InvalidConfiguration = nameof(InvalidConfiguration);
    public const string InvalidMaxAge = nameof(InvalidMaxAge);
    public const string InvalidObjectName = nameof(InvalidObjectName);
    public const string KeyRotationFailed = nameof(KeyRotationFailed);
    public const string KeyRotationMismatch = nameof(KeyRotationMismatch);
    public const string MissingConfiguration = nameof(MissingConfiguration);
    public const string MultipleBackupsForOneDatabase = nameof(MultipleBackupsForOneDatabase);
    public const string NoBackups = nameof(NoBackups);
    public const string NotInBackup = nameof(NotInBackup);
    public const string ObjectLockNotEnabled = nameof(ObjectLockNotEnabled);
    public const string PgDumpFailed = nameof(PgDumpFailed);
    public const string PgDumpIncomplete = nameof(PgDumpIncomplete);
    public const string PgDumpTooOld = nameof(PgDumpTooOld);
    public const string PgToolNotExecutable = nameof(PgToolNotExecutable);
    public const string PgToolUnrecognised = nameof(PgToolUnrecognised);
    public const string PsqlTooOld = nameof(PsqlTooOld);
    public const string RestoreFailed = nameof(RestoreFailed);
    public const string RestoreInProgress = nameof(RestoreInProgress);
    public const string RestoreMismatch = nameof(RestoreMismatch);
    public const string RestorePartial = nameof(RestorePartial);
    public const string StorageAccessDenied = nameof(StorageAccessDenied);
    public const string StorageError = nameof(StorageError);
    public const string StorageUnreachable = nameof(StorageUnreachable);
    public const string TempFileFailed = nameof(TempFileFailed);
    public const string TestInProgress = nameof(TestInProgress);
}
