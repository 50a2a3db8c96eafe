using System.Globalization;
using System.Text;

namespace ObservatoryBackup.Metrics;

/// <summary>
/// A node_exporter textfile-collector file (<c>*.prom</c>). Each run merges its own samples in,
/// keeping those other runs wrote (a backup keeps the last test's), and replaces the file atomically:
/// written beside it, then renamed, so the collector never reads half a file. The read-merge-write
/// holds a <see cref="MetricsFileLock"/>, so two runs at once cannot drop each other's samples, and
/// leaves nothing beside the file. Only the families of <see cref="Metric.All"/> are written: a
/// family the file holds from an older version is dropped.
/// </summary>
public sealed class MetricsFile(string path)
{
    public string Path { get; } = path;

    /// <summary>Sets <paramref name="samples"/> (family → value) for the database and bucket, keeping every other sample in the file.</summary>
    public void Update(string database, string bucket, IEnumerable<(Metric Metric, double Value)> samples) =>
        Update(samples.Select(s => MetricSample.Of(s.Metric, database, bucket, s.Value)));

    /// <summary>Sets each of <paramref name="samples"/>, keeping every other sample in the file.</summary>
    public void Update(IEnumerable<MetricSample> samples)
    {
        var given = samples.Select(s => (s.Metric, Labels: Render(s), s.Value)).ToList();
        if (given.Count == 0) return;
        using var held = MetricsFileLock.Acquire(Path);
        var values = Read();
        foreach (var (metric, labels, value) in given) values[(metric, labels)] = value;

        var text = new StringBuilder();
        foreach (var family in values.GroupBy(v => v.Key.Metric).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
        {
            text.Append("# HELP ").Append(family.Key.Name).Append(' ').Append(family.Key.Help).Append('\n');
            text.Append("# TYPE ").Append(family.Key.Name).Append(' ').Append(Metric.Type).Append('\n');
            foreach (var sample in family.OrderBy(s => s.Key.Labels, StringComparer.Ordinal))
                text.Append(family.Key.Name).Append(sample.Key.Labels).Append(' ').Append(sample.Value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }

        var temp = Path + ".tmp-" + Environment.ProcessId + "-" + Environment.CurrentManagedThreadId;
        try
        {
            File.WriteAllText(temp, text.ToString());
            File.Move(temp, Path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>The samples of our families in the file, by family and rendered labels.</summary>
    private Dictionary<(Metric Metric, string Labels), double> Read()
    {
        var values = new Dictionary<(Metric Metric, string Labels), double>();
        if (!File.Exists(Path)) return values;
        foreach (var line in File.ReadLines(Path))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var space = line.LastIndexOf(' ');
            var brace = line.IndexOf('{');
            if (space < 0 || !double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) continue;
            var (name, labels) = brace is > 0 && brace < space ? (line[..brace], line[brace..space]) : (line[..space], "");
            if (Metric.Named(name) is { } metric) values[(metric, labels)] = value;
        }
        return values;
    }

    private static string Render(MetricSample sample)
    {
        var names = sample.Metric.Labels;
        if (sample.Labels.Count != names.Count || !names.All(sample.Labels.ContainsKey))
            throw new ArgumentException($"A sample of {sample.Metric.Name} has the labels {string.Join(", ", sample.Labels.Keys)}, not {string.Join(", ", names)}.", nameof(sample));
        return "{" + string.Join(",", names.Select(n => $"{n}=\"{Escape(sample.Labels[n])}\"")) + "}";
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
