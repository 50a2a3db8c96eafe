using System.Net.Sockets;
using Npgsql;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// An administrative connection to the server of a <see cref="DatabaseUrl"/>, made to a maintenance
/// database so that the target itself can be dropped, created and renamed.
/// </summary>
public sealed class DatabaseAdmin : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;

    private DatabaseAdmin(NpgsqlConnection connection, DatabaseUrl url)
    {
        _connection = connection;
        Url = url;
    }

    public DatabaseUrl Url { get; }

    public PgVersion ServerVersion => new(_connection.PostgreSqlVersion.Major, Math.Max(0, _connection.PostgreSqlVersion.Minor));

    /// <summary>Connects to <paramref name="database"/> (default: the URL's own database).</summary>
    public static async Task<DatabaseAdmin> ConnectAsync(DatabaseUrl url, CancellationToken ct, string? database = null) =>
        new(await OpenAsync(url, database ?? url.Database, ct).ConfigureAwait(false), url);

    /// <summary>An open connection to <paramref name="database"/>; failures say whether the server was unreachable or refused the user.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(DatabaseUrl url, string database, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(ConnectionString(url, database));
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            return connection;
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Translate(ex, url, database);
        }
    }

    /// <summary>
    /// Connects to a maintenance database other than the target: <c>postgres</c>, or <c>template1</c>
    /// where that does not exist or is itself the database being replaced.
    /// </summary>
    public static async Task<DatabaseAdmin> ConnectMaintenanceAsync(DatabaseUrl url, CancellationToken ct)
    {
        if (url.Database == "postgres") return await ConnectAsync(url, ct, "template1").ConfigureAwait(false);
        try
        {
            return await ConnectAsync(url, ct, "postgres").ConfigureAwait(false);
        }
        catch (DatabaseException ex) when (ex.Kind == ObsErrorKind.NotFound)
        {
            return await ConnectAsync(url, ct, "template1").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Takes a session advisory lock named <paramref name="resource"/> in this connection's database, or
    /// returns false at once when another session holds it. It is released when this connection closes,
    /// however the process ends.
    /// </summary>
    public async Task<bool> TryLockAsync(string resource, CancellationToken ct) =>
        await ScalarAsync<bool>("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", ct, resource).ConfigureAwait(false);

    /// <summary>Rows in <paramref name="qualifiedTable"/>, a name as pg_dump writes it (schema-qualified, quoted where needed).</summary>
    public async Task<long> CountRowsAsync(string qualifiedTable, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM {qualifiedTable}", _connection);
        try
        {
            return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }
        catch (NpgsqlException ex)
        {
            throw Translate(ex, Url, _connection.Database);
        }
    }

    /// <summary>Names of the databases on the server.</summary>
    public async Task<IReadOnlyList<string>> DatabaseNamesAsync(CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT datname FROM pg_database", _connection);
        var names = new List<string>();
        try
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) names.Add(reader.GetString(0));
        }
        catch (NpgsqlException ex)
        {
            throw Translate(ex, Url, Url.Database);
        }
        return names;
    }

    public async Task<bool> DatabaseExistsAsync(string name, CancellationToken ct) =>
        await ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", ct, name).ConfigureAwait(false);

    /// <summary>Terminates every other session on <paramref name="name"/>; returns how many.</summary>
    public async Task<int> TerminateConnectionsAsync(string name, CancellationToken ct) =>
        (int)await ScalarAsync<long>(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            ct, name).ConfigureAwait(false);

    public Task SetAllowConnectionsAsync(string name, bool allow, CancellationToken ct) =>
        ExecuteAsync($"ALTER DATABASE {SqlIdentifier.Quote(name)} WITH ALLOW_CONNECTIONS {(allow ? "true" : "false")}", name, ct);

    /// <summary>Drops the database; <c>WITH (FORCE)</c> ends sessions that arrived after they were terminated.</summary>
    public Task DropDatabaseAsync(string name, CancellationToken ct) =>
        ExecuteAsync($"DROP DATABASE IF EXISTS {SqlIdentifier.Quote(name)} WITH (FORCE)", name, ct);

    /// <summary>Creates the database, owned by the connecting user as the replaced script did.</summary>
    public Task CreateDatabaseAsync(string name, CancellationToken ct) =>
        ExecuteAsync($"CREATE DATABASE {SqlIdentifier.Quote(name)}", name, ct);

    public Task RenameDatabaseAsync(string from, string to, CancellationToken ct) =>
        ExecuteAsync($"ALTER DATABASE {SqlIdentifier.Quote(from)} RENAME TO {SqlIdentifier.Quote(to)}", from, ct);

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync().ConfigureAwait(false);

    internal static string ConnectionString(DatabaseUrl url, string database)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = url.Host,
            Port = url.Port,
            Username = url.User,
            Password = url.Password,
            Database = database,
            ApplicationName = "ObservatoryBackup",
            Timeout = url.ConnectTimeoutOrDefault,
            // the drop/rename steps must not be served by a pooled session that still sits on the target
            Pooling = false,
        };
        if (url.SslMode is not null)
            builder.SslMode = url.SslMode switch
            {
                "disable" => SslMode.Disable,
                "allow" => SslMode.Allow,
                "prefer" => SslMode.Prefer,
                "require" => SslMode.Require,
                "verify-ca" => SslMode.VerifyCA,
                _ => SslMode.VerifyFull,
            };
        return builder.ConnectionString;
    }

    private async Task<T> ScalarAsync<T>(string sql, CancellationToken ct, string name)
    {
        await using var cmd = new NpgsqlCommand(sql, _connection) { Parameters = { new() { Value = name } } };
        try
        {
            return (T)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }
        catch (NpgsqlException ex)
        {
            throw Translate(ex, Url, name);
        }
    }

    private async Task ExecuteAsync(string sql, string name, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, _connection);
        try
        {
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw Translate(ex, Url, name);
        }
    }

    private static DatabaseException Translate(Exception ex, DatabaseUrl url, string database)
    {
        var server = $"{url.Host}:{url.Port}";
        return ex switch
        {
            PostgresException { SqlState: "28P01" or "28000" } pg => new DatabaseException(ObsErrorKind.AuthenticationFailed, "DatabaseAuthenticationFailed",
                $"PostgreSQL at {server} refused user '{url.User}': {pg.MessageText}. Check the user and password in the database URL.", database, ex),
            PostgresException { SqlState: "3D000" } pg => new DatabaseException(ObsErrorKind.NotFound, "DatabaseNotFound",
                $"PostgreSQL at {server}: {pg.MessageText}.", database, ex),
            PostgresException { SqlState: "42501" } pg => new DatabaseException(ObsErrorKind.PermissionDenied, "DatabasePermissionDenied",
                $"PostgreSQL at {server} denied user '{url.User}': {pg.MessageText}.", database, ex),
            PostgresException pg => new DatabaseException(ObsErrorKind.OperationFailed, "DatabaseError",
                $"PostgreSQL at {server} failed on database \"{database}\": {pg.MessageText} ({pg.SqlState}).", database, ex),
            _ => new DatabaseException(ObsErrorKind.ConnectionFailed, "DatabaseUnreachable",
                $"Cannot connect to PostgreSQL at {server}: {(ex.InnerException ?? ex).Message}", server, ex),
        };
    }
}
