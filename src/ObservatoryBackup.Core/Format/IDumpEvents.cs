using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Format;

/// <summary>A backup's SQL as events, in order (<see cref="DumpReading"/>, or a stage that passes some of them on).</summary>
public interface IDumpEvents
{
    /// <summary>The next event; null at the end of the dump. Its bytes are valid until the next call.</summary>
    ValueTask<DumpEvent?> NextAsync(CancellationToken ct);

    /// <summary>Whether the next event is (likely) at hand without reading the stream.</summary>
    bool HasBuffered { get; }
}
