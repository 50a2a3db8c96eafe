namespace ObservatoryBackup.Logging;

/// <summary>Progress of a streaming step. <see cref="TotalBytes"/> is null where the size is not known in advance.</summary>
/// <param name="Items">What is counted when it is not bytes ("statements"): then <see cref="Bytes"/> and <see cref="TotalBytes"/> count those.</param>
public sealed record TransferProgress(string Activity, long Bytes, long? TotalBytes, TimeSpan Elapsed, bool Completed = false, string? Items = null)
{
    public double BytesPerSecond => Elapsed.TotalSeconds > 0 ? Bytes / Elapsed.TotalSeconds : 0;

    /// <summary>How much of <see cref="TotalBytes"/> has moved, 0-100; null where the size is not known.</summary>
    public int? Percent => TotalBytes is { } total && total > 0 ? (int)Math.Min(100, Bytes * 100 / total) : null;

    /// <summary>The time left at the rate so far; null where the size is not known or nothing has moved yet.</summary>
    public TimeSpan? Remaining => TotalBytes is { } total && BytesPerSecond > 0 && total >= Bytes
        ? TimeSpan.FromSeconds(Math.Min((total - Bytes) / BytesPerSecond, TimeSpan.MaxValue.TotalSeconds / 2))
        : null;

    /// <summary>"12.0 MiB of 60.7 MiB (19%) at 3.1 MiB/s, 15 s left", or "12.0 MiB at 3.1 MiB/s" where the size is not known.</summary>
    public override string ToString()
    {
        if (Items is not null) return TotalBytes is { } of ? $"{Bytes} of {of} {Items} ({Percent ?? 100}%)" : $"{Bytes} {Items}";
        var rate = HumanUnits.Rate(BytesPerSecond);
        if (TotalBytes is not { } total) return $"{HumanUnits.Size(Bytes)} at {rate}";
        var left = Remaining is { } remaining && !Completed ? $", {HumanUnits.Duration(remaining)} left" : "";
        return $"{HumanUnits.Size(Bytes)} of {HumanUnits.Size(total)} ({Percent ?? 100}%) at {rate}{left}";
    }
}
