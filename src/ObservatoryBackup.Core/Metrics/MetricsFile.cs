using System.Globalization;
using System.Text;

namespace ObservatoryBackup.Metrics;

/// <summary>
/// A node_exporter textfile-collector file (<c>*.prom</c>). Each run merges its own samples in,
/// keeping those other runs wrote (a backup keeps the last test's), and replaces the file atomically:
/// written beside it, then renamed, so the collector never reads half a file. The read-merge-write
/// holds an exclusive lock on <c>PATH.lock</c> (which the collector, reading <c>*.prom</c>, ignores),
/// so two runs at once cannot drop each other's samples.
/// </summary>
public sealed class MetricsFile(string path)
{
    private static readonly Dictionary<string, string> Help = new(StringComparer.Ordinal)
    {
        ["obs_backup_last_success_timestamp_seconds"] = "When the last successful backup finished (Unix time).",
        ["obs_backup_last_duration_seconds"] = "How long the last backup ran.",
        ["obs_backup_last_size_bytes"] = "Compressed size of the last successful backup.",
        ["obs_backup_last_status"] = "1 if the last backup succeeded, 0 if it failed.",
        ["obs_backup_count"] = "Backups of the database in the bucket.",
        ["obs_backup_newest_timestamp_seconds"] = "When the newest backup in the bucket was taken (Unix time).",
        ["obs_backup_last_test_success_timestamp_seconds"] = "When the last successful restore test finished (Unix time).",
        ["obs_backup_last_test_status"] = "1 if the last restore test passed, 0 if it failed.",
    };

    public string Path { get; } = path;

    /// <summary>Sets <paramref name="samples"/> (name → value) for the database and bucket, keeping every other sample in the file.</summary>
    public void Update(string database, string bucket, IEnumerable<(string Name, double Value)> samples)
    {
        using var held = Lock();
        var labels = $"{{database=\"{Escape(database)}\",bucket=\"{Escape(bucket)}\"}}";
        var values = Read();
        foreach (var (name, value) in samples) values[(name, labels)] = value;

        var text = new StringBuilder();
        foreach (var family in values.GroupBy(v => v.Key.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (Help.TryGetValue(family.Key, out var help)) text.Append("# HELP ").Append(family.Key).Append(' ').Append(help).Append('\n');
            text.Append("# TYPE ").Append(family.Key).Append(" gauge\n");
            foreach (var sample in family.OrderBy(s => s.Key.Labels, StringComparer.Ordinal))
                text.Append(sample.Key.Name).Append(sample.Key.Labels).Append(' ').Append(sample.Value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }

        var temp = Path + ".tmp-" + Environment.ProcessId + "-" + Environment.CurrentManagedThreadId;
        File.WriteAllText(temp, text.ToString());
        File.Move(temp, Path, overwrite: true);
    }

    /// <summary>How long a run waits for another's update of the file; an update takes milliseconds.</summary>
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(10);

    private FileStream Lock()
    {
        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive flock on Unix: held by one open file at a time, released however the process ends
                return new FileStream(Path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline && File.Exists(Path + ".lock"))
            {
                Thread.Sleep(Random.Shared.Next(5, 25));
            }
        }
    }

    private Dictionary<(string Name, string Labels), double> Read()
    {
        var values = new Dictionary<(string Name, string Labels), double>();
        if (!File.Exists(Path)) return values;
        foreach (var line in File.ReadLines(Path))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var space = line.LastIndexOf(' ');
            var brace = line.IndexOf('{');
            if (space < 0 || !double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) continue;
            var key = brace is > 0 && brace < space ? (line[..brace], line[brace..space]) : (line[..space], "");
            values[key] = value;
        }
        return values;
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
