using System.Security.Cryptography;
using System.Text;
using Npgsql;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// The role a dump is loaded as: made for one load, with no right but what loading one database needs
/// (CONNECT, CREATE and TEMPORARY on it, CREATE on its public schema and on the server's tablespaces).
/// Whatever the dump holds, PostgreSQL itself then refuses what reaches outside that database: files and
/// programs on the server, other databases, roles, server settings. The database stays the connecting
/// user's, so the role cannot change the database's own properties either. Its name starts with
/// <see cref="PrefixFor"/> of the database restored, so that what a killed run left is found by it.
/// </summary>
public sealed partial class LoadRole
{
    private const string Prefix = "obs_load_";
    private readonly DatabaseUrl _admin;
    private readonly string _password;

    private LoadRole(DatabaseUrl admin, string name, string database, string password) =>
        (_admin, Name, Database, _password) = (admin, name, database, password);

    public string Name { get; }

    /// <summary>The database it loads.</summary>
    public string Database { get; }

    /// <summary>How psql connects as the role: the admin's server, the role's name and password (which travel as the admin's do, in the child's environment).</summary>
    public DatabaseUrl Url => _admin with { User = Name, Password = _password, Database = Database };

    /// <summary>The start of the names of the load roles of restores of <paramref name="target"/> (a hash: any database name fits).</summary>
    public static string PrefixFor(string target) =>
        Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(target)))[..12] + "_";

    /// <summary>Makes the role for a load of <paramref name="database"/> (already created, empty) on behalf of <paramref name="target"/>.</summary>
    /// <param name="connections">How many sessions the load opens at once; the limit leaves room for a phase's sessions still ending on the server as the next one's start.</param>
    public static async Task<LoadRole> CreateAsync(DatabaseUrl admin, string target, string database, int connections, CancellationToken ct)
    {
        var name = PrefixFor(target) + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var password = RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 32);
        var role = SqlIdentifier.Quote(name);
        await using var db = await DatabaseAdmin.ConnectAsync(admin, ct, database, "restore").ConfigureAwait(false);
        // the password goes as a SCRAM verifier made here: the statement holds no secret, whatever logs it
        List<(string, long)> statements =
        [
            ($"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT CONNECTION LIMIT {2 * connections + 2} PASSWORD '{ScramVerifier(password)}'", 0),
            // a connecting user with CREATEROLE but not superuser must be a member to reassign and drop what it owns
            ($"DO $$BEGIN IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN EXECUTE 'GRANT {role.Replace("'", "''", StringComparison.Ordinal)} TO CURRENT_USER'; END IF; END$$", 0),
            ($"GRANT CONNECT, CREATE, TEMPORARY ON DATABASE {SqlIdentifier.Quote(database)} TO {role}", 0),
            ($"DO $$BEGIN IF EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = 'public') THEN EXECUTE 'GRANT CREATE ON SCHEMA public TO {role.Replace("'", "''", StringComparison.Ordinal)}'; END IF; END$$", 0),
        ];
        await db.RunStatementsAsync(statements, atomic: true, "the load role", ct).ConfigureAwait(false);
        var created = new LoadRole(admin, name, database, password);
        try
        {
            // a dump places objects in the server's tablespaces (SET default_tablespace): the role may create there, as the admin may
            await using var connection = await DatabaseAdmin.OpenAsync(admin, database, ct, "restore").ConfigureAwait(false);
            foreach (var tablespace in await StringsAsync(connection, "SELECT spcname FROM pg_catalog.pg_tablespace WHERE spcname NOT IN ('pg_default', 'pg_global')", null, ct).ConfigureAwait(false))
                await ExecuteAsync(connection, $"GRANT CREATE ON TABLESPACE {SqlIdentifier.Quote(tablespace)} TO {role}", ct).ConfigureAwait(false);
        }
        catch
        {
            await DropAsync(admin, name, database).ConfigureAwait(false);
            throw;
        }
        return created;
    }

    /// <summary>
    /// Applies <paramref name="statements"/> (checked ownership and privilege statements the load held
    /// back) as the connecting user in the loaded database, in order, in one transaction, with no
    /// search path (pg_dump qualifies every name).
    /// </summary>
    /// <param name="targetUntouched">Whether a failure leaves the database users see as it was, for the error.</param>
    public async Task ApplyAsync(IReadOnlyList<(string Sql, long Line)> statements, string source, bool targetUntouched, CancellationToken ct)
    {
        if (statements.Count == 0) return;
        await using var db = await DatabaseAdmin.ConnectAsync(_admin, ct, Database, "restore").ConfigureAwait(false);
        try
        {
            await db.RunStatementsAsync([("SELECT pg_catalog.set_config('search_path', '', false)", 0), .. statements, ("RESET SESSION AUTHORIZATION", 0)], atomic: true, source, ct).ConfigureAwait(false);
        }
        catch (DatabaseException ex) when (ex.InnerException is PostgresException { SqlState: "42704" } pg && MissingRole().Match(pg.MessageText) is { Success: true } m)
        {
            // the fresh-server case, reported as a load that psql applied would be: naming the role, with the way out
            throw new RestoreFailedException(Database, 3, $"ERROR:  {pg.MessageText}", targetUntouched, m.Groups[1].Value);
        }
    }

    /// <summary>
    /// Applies a statement of the dump's prefix as the connecting user, at its place in the load
    /// (<see cref="PrefixStatement"/>): a schema for the load role, an extension and what the load then
    /// needs of it (its configuration tables' rows, its foreign-data wrappers: revoked when the role is
    /// dropped), an extension's comment.
    /// </summary>
    public async Task ApplyPrefixAsync(PrefixStatement statement, CancellationToken ct)
    {
        await using var connection = await DatabaseAdmin.OpenAsync(_admin, Database, ct, "restore").ConfigureAwait(false);
        await ExecuteAsync(connection, statement.Sql(Name), ct).ConfigureAwait(false);
        if (statement is not PrefixStatement.CreateExtension extension) return;
        var role = SqlIdentifier.Quote(Name);
        foreach (var table in await StringsAsync(connection, """
            SELECT c.oid::pg_catalog.regclass::text FROM pg_catalog.pg_extension e, unnest(e.extconfig) AS c(oid) WHERE e.extname = $1
            """, extension.Name, ct).ConfigureAwait(false))
            await ExecuteAsync(connection, $"GRANT ALL ON {table} TO {role}", ct).ConfigureAwait(false);
        foreach (var wrapper in await StringsAsync(connection, """
            SELECT w.fdwname FROM pg_catalog.pg_foreign_data_wrapper w
            JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_foreign_data_wrapper'::regclass AND d.objid = w.oid AND d.deptype = 'e'
            JOIN pg_catalog.pg_extension e ON d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.refobjid = e.oid
            WHERE e.extname = $1
            """, extension.Name, ct).ConfigureAwait(false))
            await ExecuteAsync(connection, $"GRANT USAGE ON FOREIGN DATA WRAPPER {SqlIdentifier.Quote(wrapper)} TO {role}", ct).ConfigureAwait(false);
    }

    [System.Text.RegularExpressions.GeneratedRegex("^role \"([^\"]+)\" does not exist")]
    private static partial System.Text.RegularExpressions.Regex MissingRole();

    /// <summary>Drops the role: what it still owns goes to the connecting user, what was granted to it is revoked. Never cancelled.</summary>
    public Task DropAsync() => DropAsync(_admin, Name, Database);

    /// <summary>Drops the load roles that killed restores of <paramref name="target"/> left (none of its restores runs: the caller holds its lock); returns their names.</summary>
    public static async Task<IReadOnlyList<string>> RemoveLeftoversAsync(DatabaseUrl admin, string maintenance, string target, CancellationToken ct)
    {
        IReadOnlyList<string> names;
        await using (var connection = await DatabaseAdmin.OpenAsync(admin, maintenance, ct, "restore").ConfigureAwait(false))
            names = await StringsAsync(connection, """
                SELECT rolname FROM pg_catalog.pg_roles
                WHERE starts_with(rolname, $1) AND NOT EXISTS (SELECT FROM pg_catalog.pg_stat_activity a WHERE a.usename = rolname)
                """, PrefixFor(target), ct).ConfigureAwait(false);
        foreach (var name in names) await DropAsync(admin, name, maintenance).ConfigureAwait(false);
        return names;
    }

    /// <summary>In every database the role has objects or privileges in (and <paramref name="database"/>): reassign and drop what it owns; then the role.</summary>
    private static async Task DropAsync(DatabaseUrl admin, string name, string database)
    {
        var none = CancellationToken.None;
        var role = SqlIdentifier.Quote(name);
        await using var connection = await DatabaseAdmin.OpenAsync(admin, database, none, "restore").ConfigureAwait(false);
        var elsewhere = await StringsAsync(connection, """
            SELECT DISTINCT d.datname FROM pg_catalog.pg_shdepend s JOIN pg_catalog.pg_database d ON d.oid = s.dbid
            WHERE s.refclassid = 'pg_catalog.pg_authid'::regclass AND s.refobjid = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = $1)
              AND d.datname <> current_database() AND d.datallowconn
            """, name, none).ConfigureAwait(false);
        foreach (var other in elsewhere)
        {
            await using var there = await DatabaseAdmin.OpenAsync(admin, other, none, "restore").ConfigureAwait(false);
            await ExecuteAsync(there, $"REASSIGN OWNED BY {role} TO CURRENT_USER; DROP OWNED BY {role}", none).ConfigureAwait(false);
        }
        await ExecuteAsync(connection, $"REASSIGN OWNED BY {role} TO CURRENT_USER; DROP OWNED BY {role}; DROP ROLE {role}", none).ConfigureAwait(false);
    }

    /// <summary>PostgreSQL's SCRAM-SHA-256 verifier of <paramref name="password"/> (RFC 5802, as libpq's PQencryptPasswordConn makes it).</summary>
    internal static string ScramVerifier(string password)
    {
        const int Iterations = 4096;
        var salt = RandomNumberGenerator.GetBytes(16);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        var stored = SHA256.HashData(HMACSHA256.HashData(salted, "Client Key"u8));
        var server = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${Iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(stored)}:{Convert.ToBase64String(server)}";
    }

    private static async Task<IReadOnlyList<string>> StringsAsync(NpgsqlConnection connection, string sql, string? parameter, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        if (parameter is not null) cmd.Parameters.Add(new NpgsqlParameter { Value = parameter });
        var values = new List<string>();
        try
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) values.Add(reader.GetString(0));
        }
        catch (NpgsqlException ex)
        {
            throw Failed(ex);
        }
        return values;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        try
        {
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw Failed(ex);
        }
    }

    private static DatabaseException Failed(NpgsqlException ex) =>
        new(ObsErrorKind.OperationFailed, ErrorIds.DatabaseError, $"PostgreSQL failed on the restore's load role: {(ex as PostgresException)?.MessageText ?? ex.Message}.", Prefix, ex);
}
