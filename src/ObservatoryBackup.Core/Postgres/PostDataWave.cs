namespace ObservatoryBackup.Postgres;

/// <summary>
/// When an entry after the data of a parallel load runs (<see cref="DumpEntry.WaveOf"/>). The held entries
/// are cut into segments at each <see cref="Barrier"/>; in a segment the waves run in this order, each
/// wave's connections done before the next starts, so an entry moves ahead only of entries it cannot need.
/// </summary>
public enum PostDataWave
{
    /// <summary>Indexes and primary-key, unique and exclusion constraints: each needs only its table and its data; in parallel.</summary>
    Indexes,

    /// <summary>A partition's index attached to its parent's (<c>ALTER INDEX … ATTACH PARTITION</c>): after both indexes, in dump order on one connection.</summary>
    IndexAttachments,

    /// <summary>Foreign keys: after the unique indexes they reference, attached ones too (a partitioned table's key is valid only then); in parallel, those whose partition trees meet on one connection.</summary>
    ForeignKeys,

    /// <summary>What no index, constraint or attachment can need (comments, checks, statistics, rules, triggers, policies, publications, privileges, materialized view data, …): in dump order on one connection, after the segment's other waves.</summary>
    InOrder,

    /// <summary>What the load cannot place (a function pg_dump put after the constraint it reads, any other type): in order after everything before it, before everything after it.</summary>
    Barrier,
}
