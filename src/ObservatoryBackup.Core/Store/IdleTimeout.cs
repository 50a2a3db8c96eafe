namespace ObservatoryBackup.Store;

/// <summary>
/// Cancels a request that has gone <see cref="Idle"/> without activity: a server that accepts the
/// connection and then says nothing fails in bounded time instead of hanging. Transfers call
/// <see cref="Touch"/> on every chunk, so a slow but moving transfer is never cut off.
/// </summary>
internal sealed class IdleTimeout : IDisposable
{
    private readonly CancellationTokenSource _cts;

    public IdleTimeout(TimeSpan idle, CancellationToken outer)
    {
        Idle = idle;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _cts.CancelAfter(idle);
    }

    public TimeSpan Idle { get; }
    public CancellationToken Token => _cts.Token;

    /// <summary>Something moved: the idle period starts again.</summary>
    public void Touch() => _cts.CancelAfter(Idle);

    /// <summary>Nothing is waited for on the store until the next <see cref="Touch"/> (the reader is busy elsewhere).</summary>
    public void Pause() => _cts.CancelAfter(Timeout.InfiniteTimeSpan);

    /// <summary>Whether this timeout, rather than <paramref name="outer"/>, cancelled the request.</summary>
    public bool Expired(CancellationToken outer) => _cts.IsCancellationRequested && !outer.IsCancellationRequested;

    public void Dispose() => _cts.Dispose();
}
