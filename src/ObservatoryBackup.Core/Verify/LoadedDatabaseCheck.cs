using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Verify;

/// <summary>
/// Proves what a restore loaded: the database holds every table the backup's COPY blocks carried,
/// each with exactly as many rows, and no table the backup has no data for. psql's exit code alone
/// does not prove it: a psql that reads nothing and exits 0 would otherwise pass an empty database.
/// Nor would COPY's command tags (<c>COPY n</c>): psql prints them, on the stdout the dump's own SELECTs
/// share, and a tag is what one statement did, not what the database holds once the load is over. The
/// rows are counted here, over a connection of our own.
/// </summary>
public static class LoadedDatabaseCheck
{
    /// <param name="rowsPerTable">What the backup carried: the rows of each table's COPY block.</param>
    /// <returns>Every table that differs, by name, each logged (<c>table_mismatch</c>); empty when the database holds what the backup carried.</returns>
    public static async Task<IReadOnlyList<TableMismatch>> CompareAsync(DatabaseUrl server, string database, IReadOnlyDictionary<string, long> rowsPerTable, EventLog log, CancellationToken ct)
    {
        var mismatches = new List<TableMismatch>();
        await using var loaded = await DatabaseAdmin.ConnectAsync(server, ct, database).ConfigureAwait(false);
        foreach (var (table, rows) in rowsPerTable.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var restored = await loaded.CountRowsAsync(table, ct).ConfigureAwait(false);
            if (restored != rows) mismatches.Add(new TableMismatch(table, rows, restored));
        }
        foreach (var table in (await loaded.DataTablesAsync(ct).ConfigureAwait(false)).Order(StringComparer.Ordinal))
            if (!rowsPerTable.ContainsKey(table))
                mismatches.Add(new TableMismatch(table, null, await loaded.CountRowsAsync(table, ct).ConfigureAwait(false)));
        foreach (var m in mismatches)
            log.Error("table_mismatch", ("table", m.Table), ("in_backup", m.InBackup), ("restored", m.Restored));
        return mismatches;
    }

    /// <summary>The failure of a restore whose database does not hold what the backup carried.</summary>
    /// <param name="outcome">What became of the database, for the message.</param>
    public static ObsBackupException Mismatch(string objectName, string database, IReadOnlyList<TableMismatch> mismatches, string outcome) =>
        new(ObsErrorKind.OperationFailed, ErrorIds.RestoreMismatch,
            $"psql reported success, but database \"{database}\" does not hold what backup '{objectName}' carries: " +
            string.Join("; ", mismatches.Take(5)) + (mismatches.Count > 5 ? $"; and {mismatches.Count - 5} more tables" : "") + ". " + outcome,
            database);
}
