namespace ObservatoryBackup.Metrics;

/// <summary>One sample: a family, the values of its labels (each of <see cref="Metric.Labels"/>), and its value.</summary>
public sealed record MetricSample(Metric Metric, IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>A sample of a family labelled by database and bucket.</summary>
    public static MetricSample Of(Metric metric, string database, string bucket, double value) =>
        new(metric, new Dictionary<string, string>(StringComparer.Ordinal) { ["database"] = database, ["bucket"] = bucket }, value);
}
