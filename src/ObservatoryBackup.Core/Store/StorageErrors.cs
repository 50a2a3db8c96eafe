using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using Amazon.Runtime;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Store;

/// <summary>Turns the S3 client's and the network's exceptions into the engine's, naming endpoint, bucket or object.</summary>
internal static class StorageErrors
{
    private static readonly HashSet<string> RefusedCredentials = new(StringComparer.Ordinal)
    {
        "InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "InvalidToken", "ExpiredToken",
    };

    public static ObsBackupException Translate(Exception ex, StorageSettings storage, string? objectName = null)
    {
        var where = $"{storage.Endpoint} (bucket '{storage.Bucket}')";
        var target = objectName ?? storage.Bucket;
        switch (ex)
        {
            case ObsBackupException obs:
                return obs;
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
                return AlreadyExists(storage, objectName, ex);
            case AmazonServiceException { StatusCode: HttpStatusCode.BadRequest } when objectName is not null && storage.CustomerKey is null:
                // what S3 answers a read of an object written with SSE-C that comes without its key
                return new StorageException(ObsErrorKind.PermissionDenied, ErrorIds.StorageError,
                    $"The object store at {where} refused to read '{objectName}': {Reason(ex)}. An object written with a customer key (SSE-C) " +
                    $"is read only with that key: set {SettingsResolver.SseCustomerKeyFileVariable} to the file that holds it.", target, ex);
            case AmazonServiceException { StatusCode: not 0 } answered:
                // the store was reached and said no (a full disk, a quota, a fault of its own): say what it answered
                return new StorageException(ObsErrorKind.OperationFailed, ErrorIds.StorageError,
                    $"The object store at {where} answered: {Reason(answered)}", target, ex);
        }
        if (ex.Chain().OfType<AuthenticationException>().FirstOrDefault() is { } tls)
            return new StorageException(ObsErrorKind.ConnectionFailed, ErrorIds.StorageUnreachable,
                $"Cannot reach the object store at {storage}: the TLS handshake failed ({tls.Message.Trim()}). " +
                "Check MINIO_SECURE: true for an HTTPS endpoint, false for plain HTTP.", storage.Endpoint, ex);
        if (ex.Chain().Any(e => e is HttpRequestException or SocketException or IOException or TimeoutException))
            return new StorageException(ObsErrorKind.ConnectionFailed, ErrorIds.StorageUnreachable,
                $"Cannot reach the object store at {storage}: {Reason(ex)}. Check MINIO_ENDPOINT and MINIO_SECURE.", storage.Endpoint, ex);
        return new StorageException(ObsErrorKind.OperationFailed, ErrorIds.StorageError,
            $"The object store at {where} failed: {Reason(ex)}", target, ex);
    }

    /// <summary>The store already holds <paramref name="objectName"/>: a conditional write refused to overwrite it.</summary>
    public static BackupDataException AlreadyExists(StorageSettings storage, string objectName, Exception? inner = null) =>
        new(ObsErrorKind.AlreadyExists, ErrorIds.BackupAlreadyExists, objectName,
            $"A backup named '{objectName}' already exists in bucket '{storage.Bucket}'; nothing was overwritten.", inner);

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

    private static string Reason(Exception ex)
    {
        if (ex is AmazonServiceException { StatusCode: not 0 } answered) return Reason(answered);
        var inner = ex;
        while (inner.InnerException is not null && string.IsNullOrWhiteSpace(inner.Message)) inner = inner.InnerException;
        var message = string.IsNullOrWhiteSpace(inner.Message) ? inner.GetType().Name : inner.Message.Trim();
        return ex.InnerException is { } cause && !message.Contains(cause.Message, StringComparison.Ordinal)
            ? $"{message} ({cause.Message.Trim()})"
            : message;
    }
}
