using Npgsql;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.Tests.Fixtures;

/// <summary>
/// A throwaway PostgreSQL 15 cluster: initdb into a temp dir, a free loopback port, scram-sha-256
/// password authentication for every connection (so credentials really travel), stopped on dispose.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string BinDir = "/usr/lib/postgresql/15/bin";
    public const string AdminUser = "obs_admin";
    public const string AdminPassword = "s3cr3t p@ss/word%";

    private readonly string _dir;

    private PostgresServer(string dir, int port)
    {
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    /// <param name="maxConnections">The server's max_connections (3 of them reserved for superusers).</param>
    public static Task<PostgresServer> StartAsync(int maxConnections = 50) => Shell.OnFreePortAsync(async port =>
    {
        // made new: a drawn name can meet the leftover of a killed run, and initdb refuses a data directory that is there
        var dir = Directory.CreateTempSubdirectory("obs-pg-").FullName;
        try
        {
            await Shell.RunAsync("bash", [Script, "start", dir, port.ToString(), AdminUser], env: new Dictionary<string, string?>(Env) { ["PG_MAX_CONNECTIONS"] = maxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture) }, stdin: AdminPassword);
        }
        catch
        {
            await Shell.RunAsync("bash", [Script, "stop", dir], env: Env);
            throw;
        }
        return new PostgresServer(dir, port);
    });

    /// <summary>tests/pg/postgres.sh: the same harness scripts/try.sh uses.</summary>
    private static string Script => Path.Combine(Shell.RepoRoot, "tests", "pg", "postgres.sh");
    private static readonly Dictionary<string, string?> Env = new() { ["PG_BIN"] = BinDir };

    /// <summary>postgresql+asyncpg URL for <paramref name="database"/>, with a password that needs percent-encoding.</summary>
    public string Url(string database, string user = AdminUser, string password = AdminPassword) =>
        $"postgresql+asyncpg://{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password)}@127.0.0.1:{Port}/{Uri.EscapeDataString(database)}";

    public NpgsqlConnection Connect(string database = "postgres") =>
        new(DatabaseAdminConnectionString(database));

    public string DatabaseAdminConnectionString(string database) =>
        ObservatoryBackup.Postgres.DatabaseAdmin.ConnectionString(DatabaseUrl.Parse(Url(database)), database);

    public async Task ExecuteAsync(string database, string sql)
    {
        await using var c = Connect(database);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var c = Connect(database);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task CreateDatabaseAsync(string name) => await ExecuteAsync("postgres", $"CREATE DATABASE \"{name}\"");

    public async Task<bool> DatabaseExistsAsync(string name)
    {
        await using var c = Connect();
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = $1", c) { Parameters = { new() { Value = name } } };
        return (long)(await cmd.ExecuteScalarAsync())! == 1;
    }

    /// <summary>Exact row count of every user table, by schema-qualified name.</summary>
    public async Task<SortedDictionary<string, long>> RowCountsAsync(string database)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        await using var c = Connect(database);
        await c.OpenAsync();
        var tables = new List<string>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')", c))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) tables.Add(r.GetString(0));
        foreach (var t in tables)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {t}", c);
            counts[t] = (long)(await count.ExecuteScalarAsync())!;
        }
        return counts;
    }

    /// <summary>A digest of all user data, to compare databases beyond row counts.</summary>
    public async Task<string> ContentDigestAsync(string database)
    {
        var parts = new List<string>();
        foreach (var table in (await RowCountsAsync(database)).Keys)
            parts.Add(table + ":" + await ScalarAsync<string>(database,
                $"SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {table} t"));
        return string.Join("\n", parts);
    }

    /// <summary>pg_dump --schema-only of <paramref name="database"/>, its random \restrict key lines left out: owners, grants and every definition, comparable across servers.</summary>
    public async Task<string> SchemaAsync(string database)
    {
        var sql = await Shell.RunAsync($"{BinDir}/pg_dump", ["--schema-only", "-h", "127.0.0.1", "-p", Port.ToString(), "-U", AdminUser, database],
            env: new Dictionary<string, string?> { ["PGPASSWORD"] = AdminPassword });
        return string.Join("\n", sql.Split('\n').Where(l => !l.StartsWith("\\restrict ", StringComparison.Ordinal) && !l.StartsWith("\\unrestrict ", StringComparison.Ordinal)));
    }

    public async ValueTask DisposeAsync() => await Shell.RunAsync("bash", [Script, "stop", _dir], env: Env);
}
