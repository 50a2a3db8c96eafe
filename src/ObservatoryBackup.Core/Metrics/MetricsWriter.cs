using ObservatoryBackup.Logging;

namespace ObservatoryBackup.Metrics;

/// <summary>Writes a run's metrics; a metrics file that cannot be written is a warning, never the run's failure.</summary>
public static class MetricsWriter
{
    public static void Write(EventLog log, string path, string database, string bucket, IEnumerable<(Metric Metric, double Value)> samples) =>
        Write(log, path, samples.Select(s => MetricSample.Of(s.Metric, database, bucket, s.Value)));

    public static void Write(EventLog log, string path, IEnumerable<MetricSample> samples) => Change(log, path, file => file.Update(samples));

    /// <summary>Removes the series of <paramref name="series"/> (their values unused) from the file, as <see cref="MetricsFile.Remove"/>.</summary>
    public static void Remove(EventLog log, string path, IEnumerable<MetricSample> series) => Change(log, path, file => file.Remove(series));

    private static void Change(EventLog log, string path, Action<MetricsFile> change)
    {
        try
        {
            change(new MetricsFile(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.Warning("metrics_failed", ("path", path), ("error", ex.Message));
        }
    }
}
