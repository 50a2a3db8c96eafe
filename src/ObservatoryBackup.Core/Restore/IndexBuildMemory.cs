using System.Text;

namespace ObservatoryBackup.Restore;

/// <summary>
/// The memory a parallel load's post-data connections sort with when they build indexes and check
/// constraints (<c>maintenance_work_mem</c>, set for their session): a quarter of what the server says
/// it may cache (<c>effective_cache_size</c>, which its administrator sizes to the machine's memory),
/// shared by the connections that build at once, at most 1 GB each, and never less than the server's
/// own setting. Computed by the server in the session's first statement, from its own settings: the
/// load asks nothing of its own and needs no other connection. With PostgreSQL's defaults (4 GB, 64 MB)
/// that is 512 MB on each of two connections (bench/README.md: what it measured).
/// </summary>
internal static class IndexBuildMemory
{
    /// <summary>At most this much for one connection.</summary>
    public const long MaxBytes = 1L << 30;

    /// <summary>The statement that sets it for a session, one of <paramref name="connections"/> building at once.</summary>
    public static byte[] Sql(int connections) => Encoding.ASCII.GetBytes(
        "SELECT pg_catalog.set_config('maintenance_work_mem', (greatest(pg_catalog.pg_size_bytes(pg_catalog.current_setting('maintenance_work_mem')), " +
        $"least({MaxBytes}, pg_catalog.pg_size_bytes(pg_catalog.current_setting('effective_cache_size')) / {4 * Math.Max(1, connections)})) / 1024)::text || 'kB', false);\n");
}
