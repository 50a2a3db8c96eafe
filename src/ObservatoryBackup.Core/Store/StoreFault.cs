namespace ObservatoryBackup.Store;

/// <summary>
/// What a failed request of an <see cref="IObjectStore"/> means, as that store says
/// (<see cref="IObjectStore.Classify"/>): only a <see cref="Transient"/> failure is retried.
/// </summary>
public enum StoreFault
{
    /// <summary>A retry would fail the same way: a refusal, a TLS mismatch, a local failure (the engine's own exceptions), an answer the store gave.</summary>
    Permanent,

    /// <summary>A passing reason: a dropped connection, a timeout, a busy server.</summary>
    Transient,

    /// <summary>The bucket, the object or the upload is not there.</summary>
    NotFound,

    /// <summary>A condition of the request did not hold: the name is taken, or the object was replaced since it was listed.</summary>
    PreconditionFailed,
}
