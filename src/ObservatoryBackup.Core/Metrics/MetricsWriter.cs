using ObservatoryBackup.Logging;

namespace ObservatoryBackup.Metrics;

/// <summary>Writes a run's metrics; a metrics file that cannot be written is a warning, never the run's failure.</summary>
public static class MetricsWriter
{
    public static void Write(EventLog log, string path, string database, string bucket, IEnumerable<(Metric Metric, double Value)> samples) =>
        Write(log, path, samples.Select(s => MetricSample.Of(s.Metric, database, bucket, s.Value)));

    public static void Write(EventLog log, string path, IEnumerable<MetricSample> samples)
    {
        try
        {
            new MetricsFile(path).Update(samples);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.Warning("metrics_failed", ("path", path), ("error", ex.Message));
        }
    }
}
