using System.Net.Http;
using Minio.DataModel.Result;
using Minio.Exceptions;
using Polly;
using Polly.Retry;

namespace ObservatoryBackup.Store;

/// <summary>
/// Retries an S3 request that failed for a passing reason: a dropped connection, a timeout, or the
/// server saying it is busy. Minio rebuilds and re-signs each request and keeps an upload part in
/// memory, so a retry resends exactly the same bytes. Refusals (credentials, missing objects) are never retried.
/// </summary>
public static class TransientFaults
{
    public const int MaxRetries = 4;

    private static readonly HashSet<string> BusyCodes = new(StringComparer.Ordinal)
    {
        "InternalError", "SlowDown", "ServiceUnavailable", "RequestTimeout", "RequestTimeTooSkewed",
    };

    public static bool IsTransient(Exception ex) => ex switch
    {
        HttpRequestException or IOException or ConnectionException => true,
        TaskCanceledException { InnerException: TimeoutException } => true,
        ErrorResponseException { Response.Code: { } code } => BusyCodes.Contains(code),
        _ => false,
    };

    /// <param name="onRetry">Told of each retry: the attempt number (1-based) and the failure.</param>
    /// <param name="baseDelay">First delay; it doubles, with jitter.</param>
    public static ResiliencePipeline<ResponseResult> Pipeline(Action<int, Exception>? onRetry = null, TimeSpan? baseDelay = null) =>
        new ResiliencePipelineBuilder<ResponseResult>()
            .AddRetry(new RetryStrategyOptions<ResponseResult>
            {
                ShouldHandle = new PredicateBuilder<ResponseResult>().Handle<Exception>(IsTransient),
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
