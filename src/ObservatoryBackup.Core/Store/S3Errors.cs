using System.Net;
using Amazon.Runtime;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Store;

/// <summary>
/// What the S3 client's exceptions mean (<see cref="S3ObjectStore"/>'s <see cref="IObjectStore.Classify"/>
/// and <see cref="IObjectStore.Translate"/>): the only place outside the store itself that knows the
/// SDK's exception types, HTTP statuses and S3 error codes. What the SDK does not explain (the
/// network, the engine's own exceptions) is <see cref="StorageErrors"/>'.
/// </summary>
internal static class S3Errors
{
    private static readonly HashSet<string> RefusedCredentials = new(StringComparer.Ordinal)
    {
        "InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "InvalidToken", "ExpiredToken",
    };

    private static readonly HashSet<string> BusyCodes = new(StringComparer.Ordinal)
    {
        "InternalError", "SlowDown", "ServiceUnavailable", "RequestTimeout", "RequestTimeTooSkewed",
    };

    /// <summary>
    /// A dropped connection, a timeout, or the server saying it is busy (or failing on its side) is
    /// transient; a missing bucket, object or upload, a failed condition and any other answer
    /// (credentials refused) are not. Each retry rebuilds and re-signs its request from bytes kept in
    /// memory (an upload part) or reads on from where it stopped.
    /// </summary>
    public static StoreFault Classify(Exception ex)
    {
        switch (ex)
        {
            case ObsBackupException or OperationCanceledException:
                return StorageErrors.Classify(ex);
            case AmazonServiceException { ErrorCode: "NoSuchBucket" or "NoSuchKey" or "NoSuchUpload" }:
            case AmazonServiceException { StatusCode: HttpStatusCode.NotFound }:
                return StoreFault.NotFound;
            case AmazonServiceException { StatusCode: HttpStatusCode.PreconditionFailed }:
                return StoreFault.PreconditionFailed;
        }
        foreach (var e in ex.Chain())
        {
            switch (e)
            {
                case AmazonServiceException { ErrorCode: { } code } when BusyCodes.Contains(code):
                case AmazonServiceException { StatusCode: >= HttpStatusCode.InternalServerError }:
                    return StoreFault.Transient;
                case var network when StorageErrors.IsNetwork(network):
                    return StorageErrors.Classify(network);
            }
        }
        return StoreFault.Permanent;
    }

    public static ObsBackupException Translate(Exception ex, StorageSettings storage, string? objectName)
    {
        var where = StorageErrors.Where(storage);
        var target = objectName ?? storage.Bucket;
        switch (ex)
        {
            case AmazonServiceException { ErrorCode: { } code } when RefusedCredentials.Contains(code):
            case AmazonServiceException { StatusCode: HttpStatusCode.Forbidden }:
                return new StorageException(ObsErrorKind.AuthenticationFailed, ErrorIds.StorageAccessDenied,
                    $"The object store at {where} refused the credentials (access key '{storage.AccessKey}'): {Reason(ex)}. " +
                    "Check the access key and secret key (MINIO_ACCESS_KEY, MINIO_SECRET_KEY).", target, ex);
            case AmazonServiceException { ErrorCode: "NoSuchBucket" }:
                return new StorageException(ObsErrorKind.NotFound, ErrorIds.BucketNotFound,
                    $"Bucket '{storage.Bucket}' does not exist at {storage.Endpoint}.", storage.Bucket, ex);
            case AmazonServiceException { StatusCode: HttpStatusCode.NotFound } when objectName is not null:
                return new BackupDataException(ObsErrorKind.NotFound, ErrorIds.BackupNotFound, objectName,
                    $"No backup '{objectName}' in bucket '{storage.Bucket}' at {storage.Endpoint}.", ex);
            case AmazonServiceException { StatusCode: HttpStatusCode.PreconditionFailed } when objectName is not null:
                return StorageErrors.AlreadyExists(storage, objectName, ex);
            case AmazonServiceException { StatusCode: HttpStatusCode.BadRequest } when objectName is not null && storage.CustomerKey is null:
                // what S3 answers a read of an object written with SSE-C that comes without its key
                return new StorageException(ObsErrorKind.PermissionDenied, ErrorIds.StorageError,
                    $"The object store at {where} refused to read '{objectName}': {Reason(ex)}. An object written with a customer key (SSE-C) " +
                    $"is read only with that key: set {SettingsResolver.SseCustomerKeyFileVariable} to the file that holds it.", target, ex);
            case AmazonServiceException { StatusCode: not 0 } answered:
                // the store was reached and said no (a full disk, a quota, a fault of its own): say what it answered
                return new StorageException(ObsErrorKind.OperationFailed, ErrorIds.StorageError,
                    $"The object store at {where} answered: {Reason(answered)}", target, ex);
            default:
                return StorageErrors.Translate(ex, storage, objectName);
        }
    }

    /// <summary>What the store answered: HTTP status, its error code and message (a HEAD request's answer has no body to give them).</summary>
    private static string Reason(AmazonServiceException ex)
    {
        var status = $"HTTP {(int)ex.StatusCode} {ex.StatusCode}";
        var code = string.IsNullOrEmpty(ex.ErrorCode) || ex.ErrorCode == ex.StatusCode.ToString() ? null : ex.ErrorCode;
        // the SDK's own words where the answer had no body (a HEAD request) say nothing the status does not
        var message = string.IsNullOrWhiteSpace(ex.Message) || ex.Message.StartsWith("Exception of type ", StringComparison.Ordinal)
            || ex.Message.StartsWith("Error making request with Error Code ", StringComparison.Ordinal) ? null : ex.Message.Trim().TrimEnd('.');
        return (code, message) switch
        {
            (null, null) => $"{status}, with no error body",
            (null, { } m) => $"{status}: {m}",
            ({ } c, null) => $"{status} {c}",
            var (c, m) => $"{status} {c}: {m}",
        };
    }

    private static string Reason(Exception ex) =>
        ex is AmazonServiceException { StatusCode: not 0 } answered ? Reason(answered) : StorageErrors.Reason(ex);
}
