using System.Text;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Restore;

/// <summary>A held post-data entry, and the tables its statement names: the foreign key's two it locks, or the one an index reads (its cost).</summary>
internal sealed record HeldEntry(string Type, byte[] Sql, (string Table, string Referenced)? ForeignKey, string[] Tables)
{
    /// <summary>The entry as an error names it (its header).</summary>
    public string What { get; init; } = $"the dump's {Type}";

    public static HeldEntry Of(string type, byte[] sql)
    {
        var text = Encoding.UTF8.GetString(sql);
        var key = DumpEntry.ForeignKeyTables(text);
        return new(type, sql, key, key is { } fk ? [fk.Table, fk.Referenced] : [DumpEntry.TableOf(text) ?? ""]);
    }
}

/// <summary>A wave of the plan: its units, each unit's entries in order on one connection, the units on up to <c>jobs</c> connections.</summary>
internal sealed record PostDataStep(string Phase, List<HeldEntry[]> Units);

/// <summary>
/// The statements a parallel load held after the data, run once the input ends, in the order pg_restore's
/// dependencies give them, derived from the entries' types (<see cref="DumpEntry.WaveOf"/>): cut at each
/// barrier into segments, and in each segment indexes and constraints in parallel, then the index
/// attachments in dump order, then foreign keys in parallel (those whose partition trees meet on one
/// connection), then the rest in dump order on one connection, the barrier last. Each wave's connections
/// exit 0 before the next starts.
/// </summary>
/// <param name="partitionParents">Each partition's parent, as the dump's statements name them (<see cref="DumpEntry.PartitionOf"/>).</param>
/// <param name="start">A new connection, given the dump's session settings.</param>
/// <param name="endPhase">Closes the given connections and waits for each to exit; the first failure, or null.</param>
internal sealed class PostDataWaves(int jobs, EventLog log, Action<TransferProgress>? progress, IReadOnlyDictionary<string, long> rowsPerTable,
    IReadOnlyDictionary<string, string> partitionParents, Func<PsqlWorker> start, Func<PsqlWorker[], Task<(int ExitCode, string StandardError)?>> endPhase)
{
    public async Task<(int ExitCode, string StandardError)?> RunAsync(IReadOnlyList<HeldEntry> held, CancellationToken ct)
    {
        foreach (var step in Plan(held, partitionParents))
            if (await WaveAsync(step.Phase, step.Units, ct).ConfigureAwait(false) is { } failed) return failed;
        return null;
    }

    /// <summary>The waves <paramref name="held"/> (in dump order) runs in, in order; none empty.</summary>
    public static List<PostDataStep> Plan(IReadOnlyList<HeldEntry> held, IReadOnlyDictionary<string, string> partitionParents)
    {
        var steps = new List<PostDataStep>();
        var segment = new List<HeldEntry>();
        foreach (var entry in held)
        {
            segment.Add(entry);
            if (DumpEntry.WaveOf(entry.Type) != PostDataWave.Barrier) continue;
            PlanSegment(segment, partitionParents, steps);
            segment = [];
        }
        PlanSegment(segment, partitionParents, steps);
        return steps;
    }

    private static void PlanSegment(List<HeldEntry> segment, IReadOnlyDictionary<string, string> partitionParents, List<PostDataStep> steps)
    {
        List<HeldEntry> Of(PostDataWave wave) => [.. segment.Where(e => DumpEntry.WaveOf(e.Type) == wave)];
        var keys = Of(PostDataWave.ForeignKeys);
        var unplaced = keys.Where(k => k.ForeignKey is null).ToHashSet();
        var rest = segment.Where(e => DumpEntry.WaveOf(e.Type) is PostDataWave.InOrder or PostDataWave.Barrier || unplaced.Contains(e)).ToArray();
        // an attachment needs both indexes; a foreign key the unique index it references, valid only once every partition's is attached
        (string Phase, List<HeldEntry[]> Units)[] waves =
        [
            ("indexes", [.. Of(PostDataWave.Indexes).Select(e => new[] { e })]),
            ("index_attachments", Of(PostDataWave.IndexAttachments) is { Count: > 0 } attach ? [[.. attach]] : []),
            ("foreign_keys", GroupByTrees([.. keys.Except(unplaced)], partitionParents)),
            ("in_order", rest.Length > 0 ? [rest] : []),
        ];
        steps.AddRange(waves.Where(w => w.Units.Count > 0).Select(w => new PostDataStep(w.Phase, w.Units)));
    }

    /// <summary>
    /// Foreign keys that lock a table in common go to one connection, one after another: two locking the same
    /// tables in turn could deadlock. A key on or to a partitioned table locks its whole partition tree.
    /// </summary>
    private static List<HeldEntry[]> GroupByTrees(List<HeldEntry> keys, IReadOnlyDictionary<string, string> partitionParents)
    {
        string Root(string table)
        {
            for (var hops = 0; hops < 1000 && partitionParents.TryGetValue(table, out var parent); hops++) table = parent;
            return table;
        }
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        var parent = Enumerable.Range(0, keys.Count).ToArray();
        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);
        for (var i = 0; i < keys.Count; i++)
        {
            var (table, referenced) = keys[i].ForeignKey!.Value;
            foreach (var name in new[] { Root(table), Root(referenced) })
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
        // every connection fed at once, and its input ended once its share is in: one that waits on a lock
        // another holds (a dump's open transaction) must not stop the writer reaching the other's end
        await Task.WhenAll(shares.Select(async (share, i) =>
        {
            foreach (var entry in share.SelectMany(u => u))
            {
                workers[i].Mark(entry.What);
                await workers[i].WriteAsync(entry.Sql, ct).ConfigureAwait(false);
            }
            workers[i].Close();
        })).ConfigureAwait(false);
        var failed = await endPhase(workers).ConfigureAwait(false);
        progress?.Invoke(new TransferProgress($"restore: {phase.Replace('_', ' ')}", statements, statements, TimeSpan.Zero, Completed: true, Items: "statements"));
        return failed;
    }
}
