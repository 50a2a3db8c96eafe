using Npgsql;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// The connection slots a server has free for a role of no special standing (a restore's <see cref="LoadRole"/>),
/// and the restore jobs that fit in them.
/// </summary>
public static class ConnectionSlots
{
    /// <summary>
    /// max_connections less the slots reserved for superusers and for pg_use_reserved_connections (16+), less the
    /// sessions open but the one asking. A session of another role shows no backend type to a user without pg_read_all_stats: every
    /// one with a role is counted then, a background worker with it, which errs toward fewer jobs. A server that keeps
    /// pg_stat_activity from the connecting user fails the count, as it fails the restore's other reads of it.
    /// </summary>
    internal const string FreeSql =
        "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int" +
        " - coalesce(current_setting('reserved_connections', true)::int, 0)" +
        " - (SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE pid <> pg_catalog.pg_backend_pid() AND (backend_type = 'client backend' OR (backend_type IS NULL AND usesysid IS NOT NULL)))::int";

    /// <summary>The slots free on <paramref name="server"/>'s server now, asked in <paramref name="database"/>.</summary>
    public static async Task<int> FreeAsync(DatabaseUrl server, string database, CancellationToken ct)
    {
        await using var connection = await DatabaseAdmin.OpenAsync(server, database, ct, "restore").ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(FreeSql, connection);
        try
        {
            return (int)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }
        catch (NpgsqlException ex)
        {
            throw new DatabaseException(ObsErrorKind.OperationFailed, ErrorIds.DatabaseError,
                $"PostgreSQL failed counting its free connection slots: {(ex as PostgresException)?.MessageText ?? ex.Message}.", database, ex);
        }
    }

    /// <summary>
    /// The jobs, at most <paramref name="jobs"/> and at least 1, that fit in <paramref name="free"/> slots: twice the
    /// jobs and one, since a phase's sessions may still be ending on the server as the next phase's start, and the
    /// proof connects once the load is done.
    /// </summary>
    public static int JobsFitting(int jobs, int free) => Math.Clamp((free - 1) / 2, 1, Math.Max(jobs, 1));
}
