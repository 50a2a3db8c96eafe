using ObservatoryBackup.Logging;
using Polly;

namespace ObservatoryBackup.Store;

/// <summary>
/// Retries every request of <paramref name="inner"/> that failed for a reason the store itself calls
/// <see cref="StoreFault.Transient"/>, as <paramref name="policy"/> says, and logs each retry
/// (<c>storage_retry</c>: the attempt and the failure's own words). What fails for good, or after the
/// last retry, goes up as the store threw it.
/// </summary>
internal sealed class RetryingObjectStore(IObjectStore inner, RetryPolicy policy, EventLog log) : ObjectStoreDecorator(inner)
{
    private readonly ResiliencePipeline _retries = policy.Pipeline(error => inner.Classify(error) == StoreFault.Transient, log.StorageRetry);

    protected override async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, string? objectName, CancellationToken ct) =>
        await _retries.ExecuteAsync(async token => await call(token).ConfigureAwait(false), ct).ConfigureAwait(false);
}
