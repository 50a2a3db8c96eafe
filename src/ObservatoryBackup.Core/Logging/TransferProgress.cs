namespace ObservatoryBackup.Logging;

/// <summary>Progress of a streaming step. <see cref="TotalBytes"/> is null where the size is not known in advance.</summary>
public sealed record TransferProgress(string Activity, long Bytes, long? TotalBytes, TimeSpan Elapsed, bool Completed = false)
{
    public double BytesPerSecond => Elapsed.TotalSeconds > 0 ? Bytes / Elapsed.TotalSeconds : 0;
}
