using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using Amazon.Runtime;
using ObservatoryBackup.Errors;
using Polly;
using Polly.Retry;

namespace ObservatoryBackup.Store;

/// <summary>
/// Retries an S3 request that failed for a passing reason: a dropped connection, a timeout, or the
/// server saying it is busy. Each attempt rebuilds and re-signs its request from bytes kept in
/// memory (an upload part) or starts over (a download). Refusals (credentials, missing objects),
/// a TLS mismatch and local failures (the engine's own exceptions, such as a full disk) are never retried.
/// </summary>
public static class TransientFaults
{
    public const int MaxRetries = 4;

    private static readonly HashSet<string> BusyCodes = new(StringComparer.Ordinal)
    {
        "InternalError", "SlowDown", "ServiceUnavailable", "RequestTimeout", "RequestTimeTooSkewed",
    };

    public static bool IsTransient(Exception ex)
    {
        if (ex is ObsBackupException or OperationCanceledException) return false;
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case AuthenticationException:
                    return false; // TLS spoken to a plain-HTTP port, or the other way round: retrying cannot help
                case AmazonServiceException { ErrorCode: { } code } when BusyCodes.Contains(code):
                    return true;
                case AmazonServiceException { StatusCode: >= HttpStatusCode.InternalServerError }:
                    return true;
                case HttpRequestException or IOException or SocketException or TimeoutException:
                    return e.Chain().All(inner => inner is not AuthenticationException);
            }
        }
        return false;
    }

    /// <param name="onRetry">Told of each retry: the attempt number (1-based) and the failure.</param>
    /// <param name="baseDelay">First delay; it doubles, with jitter.</param>
    public static ResiliencePipeline Pipeline(Action<int, Exception>? onRetry = null, TimeSpan? baseDelay = null) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                MaxRetryAttempts = MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = baseDelay ?? TimeSpan.FromSeconds(1),
                OnRetry = args =>
                {
                    if (args.Outcome.Exception is { } ex) onRetry?.Invoke(args.AttemptNumber + 1, ex);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
}
