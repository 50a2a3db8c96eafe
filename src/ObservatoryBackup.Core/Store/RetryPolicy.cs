using ObservatoryBackup.Configuration;
using Polly;
using Polly.Retry;

namespace ObservatoryBackup.Store;

/// <summary>
/// How a request that failed for a passing reason is tried again: up to <see cref="MaxRetries"/>
/// more times, the first after <paramref name="BaseDelay"/>, the delay doubling with jitter.
/// </summary>
public sealed record RetryPolicy(TimeSpan BaseDelay)
{
    public const int MaxRetries = 4;

    /// <summary>The policy of a store's settings (<see cref="StorageSettings.RetryBaseDelay"/>).</summary>
    public static RetryPolicy For(StorageSettings settings) => new(settings.RetryBaseDelay);

    /// <param name="retry">Whether a failure may be retried.</param>
    /// <param name="onRetry">Told of each retry: the attempt number (1-based) and the failure.</param>
    internal ResiliencePipeline Pipeline(Func<Exception, bool> retry, Action<int, Exception> onRetry) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(retry),
                MaxRetryAttempts = MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = BaseDelay,
                OnRetry = args =>
                {
                    if (args.Outcome.Exception is { } ex) onRetry(args.AttemptNumber + 1, ex);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
}
