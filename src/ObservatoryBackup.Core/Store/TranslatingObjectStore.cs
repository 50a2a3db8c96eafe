namespace ObservatoryBackup.Store;

/// <summary>
/// Turns what finally fails a request of <paramref name="inner"/> into the engine's own exception, in
/// the store's words (<see cref="IObjectStore.Translate"/>): naming endpoint, bucket or object. The
/// caller's cancellation goes up as it is.
/// </summary>
internal sealed class TranslatingObjectStore(IObjectStore inner) : ObjectStoreDecorator(inner)
{
    protected override async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, string? objectName, CancellationToken ct)
    {
        try
        {
            return await call(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw Inner.Translate(ex, objectName);
        }
    }
}
