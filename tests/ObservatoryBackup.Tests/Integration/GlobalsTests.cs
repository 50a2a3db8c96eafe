using Npgsql;
using ObservatoryBackup.Backup;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Store;
using ObservatoryBackup.Testing;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

/// <summary>The server's globals (roles, memberships, their settings) as their own backup, and the disaster path that needs them.</summary>
public class GlobalsTests(Servers servers) : IntegrationTest(servers)
{
    /// <summary>Roles and two databases whose objects they own and are granted; returns the role names.</summary>
    private async Task<(string Owner, string Reader, string Auditor)> CreateEstateAsync(string stem, string db1, string db2)
    {
        var (owner, reader, auditor) = ($"{stem}_owner", $"{stem}_reader", $"{stem} Auditor");
        await Pg.ExecuteAsync("postgres", $"""
            CREATE ROLE "{owner}" LOGIN PASSWORD 'owner pass' CREATEDB;
            CREATE ROLE "{reader}" NOLOGIN CONNECTION LIMIT 3;
            CREATE ROLE "{auditor}" NOLOGIN VALID UNTIL '2031-01-01';
            GRANT "{reader}" TO "{auditor}" WITH ADMIN OPTION;
            ALTER ROLE "{owner}" SET search_path TO 'app', 'public';
            COMMENT ON ROLE "{reader}" IS 'reads; everything';
            """);
        foreach (var db in new[] { db1, db2 })
        {
            await Pg.CreateDatabaseAsync(db);
            // what a plain dump leaves out of a database: its owner, settings, roles' settings in it, privileges
            await Pg.ExecuteAsync("postgres", $"""
                ALTER DATABASE "{db}" OWNER TO "{owner}";
                ALTER DATABASE "{db}" SET work_mem TO '12MB';
                ALTER DATABASE "{db}" SET search_path TO 'app', "$user", public;
                ALTER ROLE "{reader}" IN DATABASE "{db}" SET statement_timeout TO '5s';
                REVOKE CONNECT, TEMPORARY ON DATABASE "{db}" FROM PUBLIC;
                GRANT CONNECT ON DATABASE "{db}" TO "{reader}";
                GRANT TEMPORARY ON DATABASE "{db}" TO "{auditor}" WITH GRANT OPTION;
                """);
            await Pg.ExecuteAsync(db, $"""
                CREATE SCHEMA app AUTHORIZATION "{owner}";
                CREATE TABLE app.notes (id int PRIMARY KEY, body text, secret text);
                ALTER TABLE app.notes OWNER TO "{owner}";
                INSERT INTO app.notes SELECT g, 'note ' || g, 's' || g FROM generate_series(1, 50) g;
                CREATE VIEW app.public_notes AS SELECT id, body FROM app.notes;
                ALTER VIEW app.public_notes OWNER TO "{owner}";
                GRANT USAGE ON SCHEMA app TO "{reader}";
                GRANT SELECT ON app.public_notes TO "{reader}";
                GRANT SELECT (id, body) ON app.notes TO "{auditor}";
                """);
        }
        return (owner, reader, auditor);
    }

    private static async Task<string> RolesAsync(PostgresServer server, string stem)
    {
        await using var c = server.Connect();
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT string_agg(format('%s super=%s login=%s createdb=%s conn=%s until=%s config=%s comment=%s member_of=%s',
                       r.rolname, r.rolsuper, r.rolcanlogin, r.rolcreatedb, r.rolconnlimit, r.rolvaliduntil, r.rolconfig,
                       shobj_description(r.oid, 'pg_authid'),
                       (SELECT string_agg(g.rolname || ' admin=' || m.admin_option, ',') FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid)),
                   E'\n' ORDER BY r.rolname)
            FROM pg_roles r WHERE r.rolname LIKE $1
            """, c) { Parameters = { new() { Value = stem + "%" } } };
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>The database's owner, privileges (each one, sorted) and settings, its roles' included.</summary>
    private static Task<string> DatabasePropertiesAsync(PostgresServer server, string db) => server.ScalarAsync<string>("postgres", $"""
        SELECT pg_get_userbyid(d.datdba)
            || ' grants=' || coalesce((SELECT string_agg(coalesce(pg_get_userbyid(nullif(a.grantee, 0)), 'PUBLIC') || ':' || a.privilege_type || ':' || a.is_grantable, ',' ORDER BY 1)
                                       FROM aclexplode(d.datacl) a), 'default')
            || ' settings=' || coalesce((SELECT string_agg(coalesce(r.rolname, '*') || ':' || array_to_string(s.setconfig, ','), ';' ORDER BY 1)
                                         FROM pg_db_role_setting s LEFT JOIN pg_roles r ON r.oid = s.setrole WHERE s.setdatabase = d.oid), '')
        FROM pg_database d WHERE d.datname = '{db}'
        """);

    [Fact]
    public async Task Disaster_path_globals_then_each_database_then_a_test_bring_a_server_back_with_owners_and_grants()
    {
        var stem = Servers.UniqueName("dr").Replace('-', '_');
        var (db1, db2) = ($"{stem}_one", $"{stem}_two");
        var (owner, _, _) = await CreateEstateAsync(stem, db1, db2);
        var store = new MemoryObjectStore("dr");
        var settings = SettingsFor(db1, "dr") with { Storage = store.Settings };

        var run = await new ServerBackup(new BackupOptions(settings) { IncludeRolePasswords = true, Server = new ServerBackupOptions(new DatabaseSelection([db1, db2], All: false, Excluded: []), IncludeGlobals: true) }, new RecordingLog()) { OpenStore = _ => store }
            .RunAsync([db1, db2], dryRun: false, null, default);
        Assert.Equal(0, run.Failed);
        Assert.Equal(BackupKey.Globals, run.Databases[0].Database);
        var globals = run.Databases[0].Result!.ObjectName;
        Assert.Contains("/%globals_", globals, StringComparison.Ordinal);
        // the globals are taken before any database: a database's backup is never older than the roles it needs
        Assert.All(run.Databases.Skip(1), d => Assert.True(d.Result!.StartedAt >= run.Databases[0].Result!.StartedAt));

        // the second, empty server: globals first, then each database, then the test
        await using var fresh = await PostgresServer.StartAsync();
        var onFresh = settings with { Database = DatabaseUrl.Parse(fresh.Url("postgres")) };
        var restored = await new RestoreEngine(new RestoreOptions(onFresh), new RecordingLog()) { OpenStore = _ => store }.RunAsync(globals, RestoreMode.Staged, default);
        Assert.Equal(RestoreMode.Globals, restored.Mode);
        Assert.Contains(owner, restored.RolesCreated);
        Assert.Contains(PostgresServer.AdminUser, restored.RolesLeft);

        foreach (var (db, outcome) in new[] { db1, db2 }.Zip(run.Databases.Skip(1)))
        {
            // -IncludeGlobals: the roles again (all there now, so left as they are), and the database's own owner, settings and privileges
            await new RestoreEngine(new RestoreOptions(onFresh with { Database = DatabaseUrl.Parse(fresh.Url(db)) }) { IncludeGlobals = true }, new RecordingLog()) { OpenStore = _ => store }
                .RunAsync(outcome.Result!.ObjectName, RestoreMode.Staged, default);
            var test = await new BackupTestEngine(new TestOptions(onFresh), new RecordingLog()) { OpenStore = _ => store }.RunAsync(outcome.Result.ObjectName, verifyOnly: false, keep: false, default);
            Assert.True(test.Passed);

            Assert.Equal(await Pg.SchemaAsync(db), await fresh.SchemaAsync(db)); // owners and grants, column grants included
            Assert.Equal(await Pg.ContentDigestAsync(db), await fresh.ContentDigestAsync(db));
            Assert.Equal(await DatabasePropertiesAsync(Pg, db), await DatabasePropertiesAsync(fresh, db));
            Assert.Contains("work_mem=12MB", await DatabasePropertiesAsync(fresh, db), StringComparison.Ordinal);
        }
        Assert.Equal(await RolesAsync(Pg, stem), await RolesAsync(fresh, stem));

        // the password hash came along (it was asked for): the owner logs in on the new server with its own password
        var builder = new NpgsqlConnectionStringBuilder(fresh.DatabaseAdminConnectionString(db1)) { Username = owner, Password = "owner pass" };
        await using var asOwner = new NpgsqlConnection(builder.ConnectionString);
        await asOwner.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM app.notes", asOwner);
        Assert.Equal(50L, await count.ExecuteScalarAsync());

        var globalsTest = await new BackupTestEngine(new TestOptions(onFresh), new RecordingLog()) { OpenStore = _ => store }.RunAsync(globals, verifyOnly: false, keep: false, default);
        Assert.True(globalsTest.Passed);
        Assert.Equal("verified", globalsTest.Manifest);
    }

    [Fact]
    public async Task A_globals_restore_creates_what_is_missing_and_leaves_existing_roles_as_they_are_unless_asked()
    {
        var stem = Servers.UniqueName("gl").Replace('-', '_');
        var (owner, reader, _) = await CreateEstateAsync(stem, $"{stem}_a", $"{stem}_b");
        var temp = $"{stem}_temp";
        await Pg.ExecuteAsync("postgres", $"CREATE ROLE \"{temp}\" LOGIN PASSWORD 'temp pass'; GRANT \"{reader}\" TO \"{temp}\";");
        var store = new MemoryObjectStore("gl");
        var settings = SettingsFor("postgres", "gl") with { Storage = store.Settings };
        var backup = await new BackupEngine(new BackupOptions(settings) { Kind = BackupKind.Globals }, new RecordingLog()) { OpenStore = _ => store }.PlanAsync(default);
        await new BackupEngine(new BackupOptions(settings) { Kind = BackupKind.Globals }, new RecordingLog()) { OpenStore = _ => store }.ExecuteAsync(backup, default);
        var before = await RolesAsync(Pg, stem);

        // passwords stay out unless asked: they are hashes of real logins
        var sql = Dumps.Gunzip(store.Get(backup.ObjectName));
        Assert.DoesNotContain("PASSWORD", sql, StringComparison.Ordinal);
        Assert.Contains($"CREATE ROLE {owner};", sql, StringComparison.Ordinal);

        await Pg.ExecuteAsync("postgres", $"""
            ALTER ROLE "{reader}" CONNECTION LIMIT 7;
            DROP ROLE "{temp}";
            """);
        var log = new RecordingLog();
        var result = await new RestoreEngine(new RestoreOptions(settings), log) { OpenStore = _ => store }.RunAsync(backup.ObjectName, RestoreMode.Staged, default);

        Assert.Equal([temp], result.RolesCreated);
        Assert.Contains(reader, result.RolesLeft);
        Assert.Contains(owner, result.RolesLeft);
        Assert.Equal(7, await Pg.ScalarAsync<int>("postgres", $"SELECT rolconnlimit FROM pg_roles WHERE rolname = '{reader}'"));
        // the recreated role gets its membership back: the membership names a role that did not exist
        Assert.True(await Pg.ScalarAsync<bool>("postgres", $"SELECT pg_has_role('{temp}', '{reader}', 'MEMBER')"));
        Assert.Equal(DBNull.Value, await Pg.ScalarAsync<object>("postgres", $"SELECT rolpassword FROM pg_authid WHERE rolname = '{temp}'"));
        // the log names the one role changed, and how
        var changed = Assert.Single(log.Events, e => e.Name == "role_changed");
        Assert.Equal(temp, changed["role"]);
        Assert.Contains("created", (string[])changed["changes"]!);
        Assert.Contains($"member of {reader}", (string[])changed["changes"]!);

        await new RestoreEngine(new RestoreOptions(settings) { UpdateExistingRoles = true }, new RecordingLog()) { OpenStore = _ => store }.RunAsync(backup.ObjectName, RestoreMode.Staged, default);
        Assert.Equal(before, await RolesAsync(Pg, stem));
    }

    [Fact]
    public async Task Include_globals_on_a_database_restore_brings_the_roles_of_the_run_before_the_database()
    {
        var stem = Servers.UniqueName("ig").Replace('-', '_');
        var (owner, reader, auditor) = await CreateEstateAsync(stem, $"{stem}_a", $"{stem}_b");
        var store = new MemoryObjectStore("ig");
        var settings = SettingsFor($"{stem}_a", "ig") with { Storage = store.Settings };
        var run = await new ServerBackup(new BackupOptions(settings) { Server = new ServerBackupOptions(new DatabaseSelection([$"{stem}_a"], All: false, Excluded: []), IncludeGlobals: true) }, new RecordingLog()) { OpenStore = _ => store }.RunAsync([$"{stem}_a"], dryRun: false, null, default);
        var database = run.Databases[1].Result!.ObjectName;
        foreach (var db in new[] { $"{stem}_a", $"{stem}_b" }) await Pg.ExecuteAsync("postgres", $"DROP DATABASE \"{db}\"");
        await Pg.ExecuteAsync("postgres", $"DROP ROLE \"{auditor}\"; DROP ROLE \"{reader}\"; DROP ROLE \"{owner}\";");

        var result = await new RestoreEngine(new RestoreOptions(settings) { IncludeGlobals = true }, new RecordingLog()) { OpenStore = _ => store }.RunAsync(database, RestoreMode.Staged, default);

        Assert.Equal(run.Databases[0].Result!.ObjectName, result.Globals);
        Assert.Equal([auditor, owner, reader], result.RolesCreated.Order(StringComparer.Ordinal));
        Assert.Equal(owner, await Pg.ScalarAsync<string>($"{stem}_a", "SELECT tableowner FROM pg_tables WHERE tablename = 'notes'"));
        Assert.True(await Pg.ScalarAsync<bool>($"{stem}_a", $"SELECT has_column_privilege('{auditor}', 'app.notes', 'body', 'SELECT')"));
    }
}
