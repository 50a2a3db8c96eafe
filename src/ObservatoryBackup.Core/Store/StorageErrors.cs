using System.Net.Http;
using Minio.Exceptions;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Store;

/// <summary>Turns Minio's and the network's exceptions into the engine's, naming endpoint, bucket or object.</summary>
internal static class StorageErrors
{
    public static ObsBackupException Translate(Exception ex, StorageSettings storage, string? objectName = null)
    {
        var where = $"{storage.Endpoint} (bucket '{storage.Bucket}')";
        var target = objectName ?? storage.Bucket;
        switch (ex)
        {
            case ObsBackupException obs:
                return obs;
            case AuthorizationException or ForbiddenException or AccessDeniedException:
                return new StorageException(ObsErrorKind.AuthenticationFailed, "StorageAccessDenied",
                    $"The object store at {where} refused the credentials (access key '{storage.AccessKey}'): {Reason(ex)}. " +
                    "Check the access key and secret key (MINIO_ACCESS_KEY, MINIO_SECRET_KEY).", target, ex);
            case ErrorResponseException er when er.Response?.Code is "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "AccessDenied":
                return new StorageException(ObsErrorKind.AuthenticationFailed, "StorageAccessDenied",
                    $"The object store at {where} refused the credentials (access key '{storage.AccessKey}'): {er.Response.Code}. " +
                    "Check the access key and secret key (MINIO_ACCESS_KEY, MINIO_SECRET_KEY).", target, ex);
            case ObjectNotFoundException:
                return new BackupDataException(ObsErrorKind.NotFound, "BackupNotFound", objectName ?? "",
                    $"No backup '{objectName}' in bucket '{storage.Bucket}' at {storage.Endpoint}.", ex);
            case BucketNotFoundException:
                return new StorageException(ObsErrorKind.NotFound, "BucketNotFound",
                    $"Bucket '{storage.Bucket}' does not exist at {storage.Endpoint}.", storage.Bucket, ex);
            case ConnectionException or HttpRequestException or System.Net.Sockets.SocketException or TaskCanceledException or TimeoutException:
                return new StorageException(ObsErrorKind.ConnectionFailed, "StorageUnreachable",
                    $"Cannot reach the object store at {storage}: {Reason(ex)}. Check MINIO_ENDPOINT and MINIO_SECURE.", storage.Endpoint, ex);
            default:
                return new StorageException(ObsErrorKind.OperationFailed, "StorageError",
                    $"The object store at {where} failed: {Reason(ex)}", target, ex);
        }
    }

    private static string Reason(Exception ex)
    {
        var inner = ex;
        while (inner.InnerException is not null && string.IsNullOrWhiteSpace(inner.Message)) inner = inner.InnerException;
        var message = string.IsNullOrWhiteSpace(inner.Message) ? inner.GetType().Name : inner.Message.Trim();
        return ex.InnerException is { } cause && !message.Contains(cause.Message, StringComparison.Ordinal)
            ? $"{message} ({cause.Message.Trim()})"
            : message;
    }
}
