using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Store;

/// <summary>
/// What any store's failures mean where the store's own client has no word of its own: the engine's
/// exceptions, the network's (a dropped connection, a timeout, a TLS mismatch) and the rest. Each
/// store's <see cref="IObjectStore.Classify"/> and <see cref="IObjectStore.Translate"/> end here
/// after what only it knows (<see cref="S3Errors"/>: the S3 client's).
/// </summary>
internal static class StorageErrors
{
    /// <summary>
    /// The engine's own exceptions (local failures such as a full disk, or what a store already said)
    /// are never transient; a dropped connection or a timeout is, unless TLS failed under it: TLS
    /// spoken to a plain-HTTP port, or the other way round, fails the same way on every retry.
    /// </summary>
    public static StoreFault Classify(Exception ex) => ex switch
    {
        ObsBackupException { Kind: ObsErrorKind.NotFound } => StoreFault.NotFound,
        ObsBackupException { Kind: ObsErrorKind.AlreadyExists } => StoreFault.PreconditionFailed,
        ObsBackupException or OperationCanceledException => StoreFault.Permanent,
        _ => ex.Chain().FirstOrDefault(IsNetwork) switch
        {
            null or AuthenticationException => StoreFault.Permanent,
            var network => network.Chain().Any(e => e is AuthenticationException) ? StoreFault.Permanent : StoreFault.Transient,
        },
    };

    /// <summary>A failure of the network under the request (or of TLS on it).</summary>
    public static bool IsNetwork(Exception ex) => ex is AuthenticationException or HttpRequestException or IOException or SocketException or TimeoutException;

    /// <summary>The engine's exception for a failure no store client explained: an engine exception as it is, else unreachable (TLS, network) or failed.</summary>
    public static ObsBackupException Translate(Exception ex, StorageSettings storage, string? objectName)
    {
        if (ex is ObsBackupException obs) return obs;
        if (ex.Chain().OfType<AuthenticationException>().FirstOrDefault() is { } tls)
            return new StorageException(ObsErrorKind.ConnectionFailed, ErrorIds.StorageUnreachable,
                $"Cannot reach the object store at {storage}: the TLS handshake failed ({tls.Message.Trim()}). " +
                "Check MINIO_SECURE: true for an HTTPS endpoint, false for plain HTTP.", storage.Endpoint, ex);
        if (ex.Chain().Any(e => e is HttpRequestException or SocketException or IOException or TimeoutException))
            return new StorageException(ObsErrorKind.ConnectionFailed, ErrorIds.StorageUnreachable,
                $"Cannot reach the object store at {storage}: {Reason(ex)}. Check MINIO_ENDPOINT and MINIO_SECURE.", storage.Endpoint, ex);
        return new StorageException(ObsErrorKind.OperationFailed, ErrorIds.StorageError,
            $"The object store at {Where(storage)} failed: {Reason(ex)}", objectName ?? storage.Bucket, ex);
    }

    /// <summary>The store already holds <paramref name="objectName"/>: a conditional write refused to overwrite it.</summary>
    public static BackupDataException AlreadyExists(StorageSettings storage, string objectName, Exception? inner = null) =>
        new(ObsErrorKind.AlreadyExists, ErrorIds.BackupAlreadyExists, objectName,
            $"A backup named '{objectName}' already exists in bucket '{storage.Bucket}'; nothing was overwritten.", inner);

    /// <summary>The endpoint and the bucket, as messages name them.</summary>
    public static string Where(StorageSettings storage) => $"{storage.Endpoint} (bucket '{storage.Bucket}')";

    /// <summary>The exception's own words, with its cause's when they add to them.</summary>
    public static string Reason(Exception ex)
    {
        var inner = ex;
        while (inner.InnerException is not null && string.IsNullOrWhiteSpace(inner.Message)) inner = inner.InnerException;
        var message = string.IsNullOrWhiteSpace(inner.Message) ? inner.GetType().Name : inner.Message.Trim();
        return ex.InnerException is { } cause && !message.Contains(cause.Message, StringComparison.Ordinal)
            ? $"{message} ({cause.Message.Trim()})"
            : message;
    }
}
