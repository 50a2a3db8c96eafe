using System.Text;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Restore;

/// <summary>A held post-data entry, and the tables its statement names: the foreign key's two it locks, or the one an index reads (its cost).</summary>
internal sealed record HeldEntry(string Type, byte[] Sql, (string Table, string Referenced)? ForeignKey, string[] Tables)
{
    public static HeldEntry Of(string type, byte[] sql)
    {
        var text = Encoding.UTF8.GetString(sql);
        var key = DumpEntry.ForeignKeyTables(text);
        return new(type, sql, key, key is { } fk ? [fk.Table, fk.Referenced] : [DumpEntry.TableOf(text) ?? ""]);
    }
}

/// <summary>
/// The statements a parallel load held after the data, run once the input ends: indexes and
/// constraints in parallel, then foreign keys in parallel (those sharing a table on one connection),
/// then the rest in dump order on one connection. Each wave's connections exit 0 before the next starts.
/// </summary>
/// <param name="start">A new connection, given the dump's session settings.</param>
/// <param name="endPhase">Closes the given connections and waits for each to exit; the first failure, or null.</param>
internal sealed class PostDataWaves(int jobs, EventLog log, Action<TransferProgress>? progress, IReadOnlyDictionary<string, long> rowsPerTable,
    Func<PsqlWorker> start, Func<PsqlWorker[], Task<(int ExitCode, string StandardError)?>> endPhase)
{
    public async Task<(int ExitCode, string StandardError)?> RunAsync(IReadOnlyList<HeldEntry> held, CancellationToken ct)
    {
        var indexes = held.Where(e => DumpEntry.WaveOf(e.Type) == PostDataWave.Indexes).Select(e => new[] { e }).ToList();
        if (await WaveAsync("indexes", indexes, ct).ConfigureAwait(false) is { } failed) return failed;

        // foreign keys sharing a table go to one connection, one after another: two locking the same tables in turn could deadlock
        var keys = held.Where(e => DumpEntry.WaveOf(e.Type) == PostDataWave.ForeignKeys).ToList();
        var unplaced = keys.Where(k => k.ForeignKey is null).ToHashSet();
        if (await WaveAsync("foreign_keys", GroupByTables([.. keys.Except(unplaced)]), ct).ConfigureAwait(false) is { } keyFailed) return keyFailed;

        var rest = held.Where(e => DumpEntry.WaveOf(e.Type) == PostDataWave.InOrder || unplaced.Contains(e)).ToList();
        log.Info("restore_phase", ("phase", "in_order"), ("statements", rest.Count));
        var worker = start();
        foreach (var entry in rest) await worker.WriteAsync(entry.Sql, ct).ConfigureAwait(false);
        return await endPhase([worker]).ConfigureAwait(false);
    }

    private static List<HeldEntry[]> GroupByTables(List<HeldEntry> keys)
    {
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        var parent = Enumerable.Range(0, keys.Count).ToArray();
        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);
        for (var i = 0; i < keys.Count; i++)
        {
            var (table, referenced) = keys[i].ForeignKey!.Value;
            foreach (var name in new[] { table, referenced })
            {
                if (first.TryGetValue(name, out var other)) parent[Find(i)] = Find(other);
                else first[name] = i;
            }
        }
        return [.. Enumerable.Range(0, keys.Count).GroupBy(Find).Select(g => g.Select(i => keys[i]).ToArray())];
    }

    /// <summary>What a unit costs, for sharing a wave out: the rows of the tables it reads, as the dump carried them.</summary>
    private long Cost(HeldEntry[] unit) => unit.Sum(e => 1 + e.Tables.Sum(t => rowsPerTable.GetValueOrDefault(t)));

    /// <summary>
    /// Runs <paramref name="units"/> on connections of their own, each unit's entries in order on one:
    /// the costliest first, each to the connection with the least so far, then waits for every one to exit.
    /// </summary>
    private async Task<(int ExitCode, string StandardError)?> WaveAsync(string phase, List<HeldEntry[]> units, CancellationToken ct)
    {
        if (units.Count == 0) return null;
        var statements = units.Sum(u => u.Length);
        log.Info("restore_phase", ("phase", phase), ("statements", statements), ("connections", Math.Min(jobs, units.Count)));
        progress?.Invoke(new TransferProgress($"restore: {phase.Replace('_', ' ')} ({statements} statements on {Math.Min(jobs, units.Count)} connections)", 0, statements, TimeSpan.Zero, Items: "statements"));
        var shares = new List<HeldEntry[]>[Math.Min(jobs, units.Count)];
        var load = new long[shares.Length];
        for (var i = 0; i < shares.Length; i++) shares[i] = [];
        foreach (var (unit, cost) in units.Select(u => (u, Cost(u))).OrderByDescending(x => x.Item2))
        {
            var least = Array.IndexOf(load, load.Min());
            shares[least].Add(unit);
            load[least] += cost;
        }
        PsqlWorker[] workers = [.. shares.Select(_ => start())];
        for (var i = 0; i < shares.Length; i++)
            foreach (var entry in shares[i].SelectMany(u => u)) await workers[i].WriteAsync(entry.Sql, ct).ConfigureAwait(false);
        var failed = await endPhase(workers).ConfigureAwait(false);
        progress?.Invoke(new TransferProgress($"restore: {phase.Replace('_', ' ')}", statements, statements, TimeSpan.Zero, Completed: true, Items: "statements"));
        return failed;
    }
}
