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

    /// <summary>The database this connection is to.</summary>
    public string Database => _connection.Database;

    public PgVersion ServerVersion => new(_connection.PostgreSqlVersion.Major, Math.Max(0, _connection.PostgreSqlVersion.Minor));

    /// <summary>What the tool's sessions call themselves (<c>application_name</c>), followed by what they do.</summary>
    public const string ApplicationName = "ObservatoryBackup";

    /// <summary>Connects to <paramref name="database"/> (default: the URL's own database).</summary>
    /// <param name="purpose">Said after <see cref="ApplicationName"/> in the session's application_name: "backup", "restore".</param>
    public static async Task<DatabaseAdmin> ConnectAsync(DatabaseUrl url, CancellationToken ct, string? database = null, string? purpose = null) =>
        new(await OpenAsync(url, database ?? url.Database, ct, purpose).ConfigureAwait(false), url);

    /// <summary>An open connection to <paramref name="database"/>; failures say whether the server was unreachable or refused the user.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(DatabaseUrl url, string database, CancellationToken ct, string? purpose = null)
    {
        var connection = new NpgsqlConnection(ConnectionString(url, database, purpose));
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
    public static async Task<DatabaseAdmin> ConnectMaintenanceAsync(DatabaseUrl url, CancellationToken ct, string? purpose = null)
    {
        if (url.Database == "postgres") return await ConnectAsync(url, ct, "template1", purpose).ConfigureAwait(false);
        try
        {
            return await ConnectAsync(url, ct, "postgres", purpose).ConfigureAwait(false);
        }
        catch (DatabaseException ex) when (ex.Kind == ObsErrorKind.NotFound)
        {
            return await ConnectAsync(url, ct, "template1", purpose).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Takes a session advisory lock named <paramref name="resource"/> in this connection's database, or
    /// returns false at once when another session holds it. It is released when this connection closes,
    /// however the process ends.
    /// </summary>
    public async Task<bool> TryLockAsync(string resource, CancellationToken ct) =>
        _locked |= await ScalarAsync<bool>("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", ct, resource).ConfigureAwait(false);

    private bool _locked;

    /// <summary>
    /// The application_name, pid and start of the session holding the advisory lock named
    /// <paramref name="resource"/> in this connection's database; null when none does, or the server
    /// does not show this user who.
    /// </summary>
    public async Task<(string ApplicationName, int Pid, DateTime Since)?> LockHolderAsync(string resource, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT a.application_name, a.pid, a.backend_start
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended($1, 0)
            """, _connection) { Parameters = { new() { Value = resource } } };
        try
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            if (!await reader.ReadAsync(ct).ConfigureAwait(false) || reader.IsDBNull(0) || reader.IsDBNull(2)) return null;
            return (reader.GetString(0), reader.GetInt32(1), reader.GetDateTime(2));
        }
        catch (NpgsqlException ex)
        {
            throw Translate(ex, Url, _connection.Database);
        }
    }

    /// <summary>
    /// Rows in <paramref name="qualifiedTable"/>, a name as pg_dump writes it (schema-qualified, quoted
    /// where needed), not counting tables that inherit from it (their rows are in their own COPY
    /// blocks); null when there is no such table.
    /// </summary>
    public async Task<long?> CountRowsAsync(string qualifiedTable, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM ONLY {qualifiedTable}", _connection);
        try
        {
            return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }
        catch (PostgresException ex) when (ex.SqlState is "42P01" or "3F000")
        {
            return null; // undefined table or schema
        }
        catch (NpgsqlException ex)
        {
            throw Translate(ex, Url, _connection.Database);
        }
    }

    /// <summary>
    /// The ordinary tables of this connection's database that pg_dump writes COPY data for, named as
    /// pg_dump names them: user schemas, not members of an extension.
    /// </summary>
    public Task<IReadOnlyList<string>> DataTablesAsync(CancellationToken ct) =>
        StringsAsync("""
            SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND c.relpersistence <> 't'
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
            """, _connection.Database, ct);

    /// <summary>
    /// Whether <paramref name="name"/> is a database an interrupted DROP DATABASE left invalid
    /// (PostgreSQL 15.4 and later mark it so): nobody can connect to it, and only dropping it helps.
    /// </summary>
    public async Task<bool> IsInvalidDatabaseAsync(string name, CancellationToken ct) =>
        await ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datconnlimit = -2)", ct, name).ConfigureAwait(false);

    /// <summary>Names of the databases on the server.</summary>
    public Task<IReadOnlyList<string>> DatabaseNamesAsync(CancellationToken ct) =>
        StringsAsync("SELECT datname FROM pg_database", Url.Database, ct);

    /// <summary>Names of the databases a session can connect to, templates left out.</summary>
    public Task<IReadOnlyList<string>> ConnectableDatabaseNamesAsync(CancellationToken ct) =>
        StringsAsync("SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate", Url.Database, ct);

    /// <summary>The first column of every row <paramref name="sql"/> returns.</summary>
    private async Task<IReadOnlyList<string>> StringsAsync(string sql, string database, CancellationToken ct) =>
        await QueryAsync(sql, database, r => r.GetString(0), ct).ConfigureAwait(false);

    /// <summary>Every row <paramref name="sql"/> returns, as <paramref name="row"/> reads it; a failure is translated naming <paramref name="database"/>.</summary>
    private async Task<List<T>> QueryAsync<T>(string sql, string database, Func<NpgsqlDataReader, T> row, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, _connection);
        var values = new List<T>();
        try
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) values.Add(row(reader));
        }
        catch (NpgsqlException ex)
        {
            throw Translate(ex, Url, database);
        }
        return values;
    }

    /// <summary>This connection's database's owner, settings, roles' settings in it and privileges (null grants: the defaults).</summary>
    public async Task<DatabaseProperties> DatabasePropertiesAsync(CancellationToken ct)
    {
        const string Self = "(SELECT oid FROM pg_database WHERE datname = current_database())";
        var rows = await QueryAsync($"""
            SELECT 'owner', pg_get_userbyid(datdba), (datacl IS NULL)::text FROM pg_database WHERE oid = {Self}
            UNION ALL SELECT 'setting', NULL, c FROM pg_db_role_setting s, unnest(s.setconfig) c WHERE s.setdatabase = {Self} AND s.setrole = 0
            UNION ALL SELECT 'role_setting', r.rolname, c FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole, unnest(s.setconfig) c WHERE s.setdatabase = {Self}
            UNION ALL SELECT 'grant', CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END, a.privilege_type || ' ' || a.is_grantable::text
                FROM pg_database d, aclexplode(d.datacl) a WHERE d.oid = {Self}
            """, _connection.Database, r => (Kind: r.GetString(0), Name: r.IsDBNull(1) ? null : r.GetString(1), Value: r.GetString(2)), ct).ConfigureAwait(false);
        static (string Name, string Value) Split(string config) => config.IndexOf('=') is var at and > 0 ? (config[..at], config[(at + 1)..]) : (config, "");
        var owner = rows.Single(r => r.Kind == "owner");
        return new DatabaseProperties(owner.Name!,
            [.. rows.Where(r => r.Kind == "setting").Select(r => Split(r.Value)).Select(s => new DatabaseSetting(s.Name, s.Value))],
            [.. rows.Where(r => r.Kind == "role_setting").Select(r => (Role: r.Name!, Config: Split(r.Value))).Select(s => new RoleSetting(s.Role, s.Config.Name, s.Config.Value))],
            owner.Value == "true" ? null
                : [.. rows.Where(r => r.Kind == "grant").Select(r => new DatabaseGrant(r.Name, r.Value.Split(' ')[0], r.Value.EndsWith(" true", StringComparison.Ordinal)))]);
    }

    /// <summary>The server's roles, with their privileged attributes and memberships (see <see cref="ServerRole"/>).</summary>
    public async Task<IReadOnlyList<ServerRole>> RolesAsync(CancellationToken ct) =>
        await QueryAsync("""
            WITH RECURSIVE privileged AS (
                SELECT oid FROM pg_roles WHERE rolsuper OR rolcreaterole OR rolreplication OR rolbypassrls OR rolname LIKE 'pg\_%'
                UNION SELECT m.member FROM pg_auth_members m JOIN privileged p ON p.oid = m.roleid)
            SELECT r.rolname,
                   array_remove(ARRAY[CASE WHEN r.rolsuper THEN 'SUPERUSER' END, CASE WHEN r.rolcreaterole THEN 'CREATEROLE' END,
                                      CASE WHEN r.rolreplication THEN 'REPLICATION' END, CASE WHEN r.rolbypassrls THEN 'BYPASSRLS' END], NULL),
                   r.oid IN (SELECT oid FROM privileged),
                   ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid)
            FROM pg_roles r
            """, _connection.Database, r => new ServerRole(r.GetString(0), r.GetFieldValue<string[]>(1).ToHashSet(StringComparer.Ordinal),
                r.GetBoolean(2), r.GetFieldValue<string[]>(3).ToHashSet(StringComparer.Ordinal)), ct).ConfigureAwait(false);

    /// <summary>Names of the server's tablespaces.</summary>
    public Task<IReadOnlyList<string>> TablespaceNamesAsync(CancellationToken ct) =>
        StringsAsync("SELECT spcname FROM pg_tablespace", _connection.Database, ct);

    /// <summary>
    /// Runs <paramref name="statements"/> one by one, in one transaction when <paramref name="atomic"/>
    /// (all or none), else each on its own (CREATE TABLESPACE cannot run in a transaction). A failure
    /// names the statement's line (when above 0) in <paramref name="source"/>.
    /// </summary>
    public async Task RunStatementsAsync(IReadOnlyList<(string Sql, long Line)> statements, bool atomic, string source, CancellationToken ct)
    {
        await using var transaction = atomic ? await _connection.BeginTransactionAsync(ct).ConfigureAwait(false) : null;
        foreach (var (sql, line) in statements)
        {
            await using var cmd = new NpgsqlCommand(sql, _connection);
            try
            {
                await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            catch (PostgresException ex)
            {
                throw new DatabaseException(ObsErrorKind.OperationFailed, ErrorIds.DatabaseError,
                    $"PostgreSQL at {Url.Host}:{Url.Port} failed on {(line > 0 ? $"line {line:N0} of " : "")}{source}: {ex.MessageText} ({ex.SqlState}).", source, ex);
            }
            catch (NpgsqlException ex)
            {
                throw Translate(ex, Url, _connection.Database);
            }
        }
        if (transaction is not null)
        {
            try { await transaction.CommitAsync(ct).ConfigureAwait(false); }
            catch (NpgsqlException ex) { throw Translate(ex, Url, _connection.Database); }
        }
    }

    public async Task<bool> DatabaseExistsAsync(string name, CancellationToken ct) =>
        await ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", ct, name).ConfigureAwait(false);

    /// <summary>
    /// Terminates every other session on <paramref name="name"/>; returns how many. The tool's own runs
    /// hold their <see cref="DatabaseLock"/> in the maintenance database, so none of them is ended here.
    /// </summary>
    public async Task<int> TerminateConnectionsAsync(string name, CancellationToken ct) =>
        (int)await ScalarAsync<long>(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            ct, name).ConfigureAwait(false);

    public Task SetAllowConnectionsAsync(string name, bool allow, CancellationToken ct) =>
        ExecuteAsync($"ALTER DATABASE {SqlIdentifier.Quote(name)} WITH ALLOW_CONNECTIONS {(allow ? "true" : "false")}", name, ct);

    /// <summary>Drops the database; <c>WITH (FORCE)</c> ends sessions that arrived after they were terminated.</summary>
    public Task DropDatabaseAsync(string name, CancellationToken ct) =>
        ExecuteAsync($"DROP DATABASE IF EXISTS {SqlIdentifier.Quote(name)} WITH (FORCE)", name, ct);

    /// <summary>
    /// Creates the database, owned by the connecting user, from template0
    /// as pg_dump's documentation asks (template1 may hold local additions, and a session on it, such
    /// as another run's lock, would make CREATE DATABASE fail).
    /// </summary>
    public Task CreateDatabaseAsync(string name, CancellationToken ct) =>
        ExecuteAsync($"CREATE DATABASE {SqlIdentifier.Quote(name)} TEMPLATE template0", name, ct);

    public Task RenameDatabaseAsync(string from, string to, CancellationToken ct) =>
        ExecuteAsync($"ALTER DATABASE {SqlIdentifier.Quote(from)} RENAME TO {SqlIdentifier.Quote(to)}", from, ct);

    /// <summary>
    /// Moves <paramref name="target"/> aside to <paramref name="aside"/> (when given) and
    /// <paramref name="incoming"/> in under its name, in one transaction: both renames happen or
    /// neither, whatever happens to this process.
    /// </summary>
    public async Task SwapInAsync(string incoming, string target, string? aside, CancellationToken ct)
    {
        await using var transaction = await _connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        if (aside is not null) await ExecuteAsync($"ALTER DATABASE {SqlIdentifier.Quote(target)} RENAME TO {SqlIdentifier.Quote(aside)}", target, ct).ConfigureAwait(false);
        await ExecuteAsync($"ALTER DATABASE {SqlIdentifier.Quote(incoming)} RENAME TO {SqlIdentifier.Quote(target)}", incoming, ct).ConfigureAwait(false);
        try
        {
            await transaction.CommitAsync(ct).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw Translate(ex, Url, target);
        }
    }

    /// <summary>Closes the session, letting its locks go first: closed, the server lets them go only once the session's process has exited, after the next run may have asked.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_locked && _connection.State == System.Data.ConnectionState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", _connection);
                await unlock.ExecuteNonQueryAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or InvalidOperationException or TimeoutException)
            {
                // a broken session lets its locks go as it ends
            }
        }
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    internal static string ConnectionString(DatabaseUrl url, string database, string? purpose = null)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = url.Host,
            Port = url.Port,
            Username = url.User,
            Password = url.Password,
            Database = database,
            ApplicationName = purpose is null ? ApplicationName : $"{ApplicationName} {purpose}",
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
            PostgresException { SqlState: "28P01" or "28000" } pg => new DatabaseException(ObsErrorKind.AuthenticationFailed, ErrorIds.DatabaseAuthenticationFailed,
                $"PostgreSQL at {server} refused user '{url.User}': {pg.MessageText}. Check the user and password in the database URL.", database, ex),
            PostgresException { SqlState: "3D000" } pg => new DatabaseException(ObsErrorKind.NotFound, ErrorIds.DatabaseNotFound,
                $"PostgreSQL at {server}: {pg.MessageText}.", database, ex),
            PostgresException { SqlState: "42501" } pg => new DatabaseException(ObsErrorKind.PermissionDenied, ErrorIds.DatabasePermissionDenied,
                $"PostgreSQL at {server} denied user '{url.User}': {pg.MessageText}.", database, ex),
            PostgresException pg => new DatabaseException(ObsErrorKind.OperationFailed, ErrorIds.DatabaseError,
                $"PostgreSQL at {server} failed on database \"{database}\": {pg.MessageText} ({pg.SqlState}).", database, ex),
            _ => new DatabaseException(ObsErrorKind.ConnectionFailed, ErrorIds.DatabaseUnreachable,
                $"Cannot connect to PostgreSQL at {server}: {(ex.InnerException ?? ex).Message}", server, ex),
        };
    }
}
