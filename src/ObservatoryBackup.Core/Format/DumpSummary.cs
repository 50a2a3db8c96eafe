using ObservatoryBackup.Logging;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Format;

/// <summary>What a verified backup carries: its SQL's size, and the rows of each table's COPY block.</summary>
public sealed record DumpSummary(long SqlSize, IReadOnlyDictionary<string, long> RowsPerTable)
{
    public long Rows => RowsPerTable.Values.Sum();

    /// <summary>The manifest the backup carried, proven against its SQL; null for a backup without one (one written by plain pg_dump | gzip).</summary>
    public DumpManifest? Manifest { get; init; }

    /// <summary>For a globals backup, its statements, each of a form pg_dumpall writes; null for a database's backup.</summary>
    public IReadOnlyList<GlobalsStatement>? Globals { get; init; }

    /// <summary>What it carries of <paramref name="tables"/> alone (a part restored): their rows as the whole backup proved them.</summary>
    public DumpSummary Only(IReadOnlySet<string> tables) =>
        this with { RowsPerTable = RowsPerTable.Where(t => tables.Contains(t.Key)).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal) };

    /// <summary>Logs that <paramref name="objectName"/> was proven whole, with what it carries.</summary>
    public void LogVerified(EventLog log, string objectName) =>
        log.Info("backup_verified", ("object_name", objectName), ("sql_size", SqlSize), ("tables", RowsPerTable.Count), ("rows", Rows),
            ("manifest", Manifest is null ? "none" : "verified"));
}
