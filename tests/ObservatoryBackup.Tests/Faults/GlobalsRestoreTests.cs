using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Testing;
using ObservatoryBackup.Tests.Fixtures;
using ObservatoryBackup.Tests.Integration;

namespace ObservatoryBackup.Tests.Faults;

/// <summary>
/// Guarantee: a globals backup changes no role unless it is whole and every statement is one
/// pg_dumpall --globals-only writes; and a globals restore that fails on a statement changes no role.
/// </summary>
public class GlobalsRestoreTests(Servers servers) : IntegrationTest(servers)
{
    private static string Globals(string statements) => $"""
        --
        -- PostgreSQL database cluster dump
        --

        SET default_transaction_read_only = off;

        SET client_encoding = 'UTF8';
        SET standard_conforming_strings = on;

        {statements}

        --
        -- PostgreSQL database cluster dump complete
        --

        """;

    private async Task<(MemoryObjectStore Store, string Name, Configuration.ObsSettings Settings)> UploadAsync(string sql)
    {
        var store = new MemoryObjectStore("globals-faults");
        var name = BackupKey.For(BackupKey.Globals, DateTimeOffset.UtcNow);
        store.Put(name, Dumps.Gzip(sql));
        return (store, name, SettingsFor("postgres", "globals-faults") with { Storage = store.Settings });
    }

    [Fact]
    public async Task A_statement_pg_dumpall_does_not_write_is_refused_before_any_role_is_created()
    {
        var stem = Servers.UniqueName("crafted").Replace('-', '_');
        var victim = $"{stem}_victim";
        await Pg.CreateDatabaseAsync(victim);
        var (store, name, settings) = await UploadAsync(Globals($"""
            CREATE ROLE {stem}_first;
            ALTER ROLE {stem}_first WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS;
            CREATE ROLE {stem}_second; DROP DATABASE {victim};
            """));

        var ex = await Assert.ThrowsAsync<BackupDataException>(() =>
            new RestoreEngine(new RestoreOptions(settings), new RecordingLog()) { OpenStore = _ => store }.RunAsync(name, RestoreMode.Staged, default));
        var test = await Assert.ThrowsAsync<BackupDataException>(() =>
            new BackupTestEngine(new TestOptions(settings), new RecordingLog()) { OpenStore = _ => store }.RunAsync(name, verifyOnly: true, keep: false, default));

        Assert.Equal(ErrorIds.BackupUnsafe, ex.ErrorId);
        Assert.Equal(ErrorIds.BackupUnsafe, test.ErrorId);
        Assert.Contains("line 12", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await Pg.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_roles WHERE rolname LIKE '{stem}%'"));
        Assert.True(await Pg.DatabaseExistsAsync(victim));
    }

    [Fact]
    public async Task A_globals_backup_cut_short_is_refused_before_any_role_is_created()
    {
        var stem = Servers.UniqueName("cut").Replace('-', '_');
        var whole = Globals($"CREATE ROLE {stem}_role;");
        var (store, name, settings) = await UploadAsync(whole[..whole.IndexOf("-- PostgreSQL database cluster dump complete", StringComparison.Ordinal)]);

        var ex = await Assert.ThrowsAsync<BackupDataException>(() =>
            new RestoreEngine(new RestoreOptions(settings), new RecordingLog()) { OpenStore = _ => store }.RunAsync(name, RestoreMode.Staged, default));

        Assert.Equal(ErrorIds.BackupCorrupt, ex.ErrorId);
        Assert.Contains("pg_dumpall's '-- PostgreSQL database cluster dump complete'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await Pg.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_roles WHERE rolname LIKE '{stem}%'"));
    }

    [Fact]
    public async Task A_statement_that_fails_on_the_server_rolls_back_every_role_before_it()
    {
        var stem = Servers.UniqueName("atomic").Replace('-', '_');
        var (store, name, settings) = await UploadAsync(Globals($"""
            CREATE ROLE {stem}_first;
            CREATE ROLE {stem}_second;
            GRANT {stem}_missing TO {stem}_second GRANTED BY {PostgresServer.AdminUser};
            """));

        var ex = await Assert.ThrowsAsync<DatabaseException>(() =>
            new RestoreEngine(new RestoreOptions(settings), new RecordingLog()) { OpenStore = _ => store }.RunAsync(name, RestoreMode.Staged, default));

        Assert.Contains("line 12", ex.Message, StringComparison.Ordinal);
        Assert.Contains("no role was changed", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await Pg.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_roles WHERE rolname LIKE '{stem}%'"));
    }

    /// <summary>Roles that exist before a crafted restore: a login, a plain role, one named with all 63 bytes, and one privileged through a pg_ role.</summary>
    private sealed record Estate(string Stem, string Login, string Reader, string Long, string Files)
    {
        public string New(string name) => $"{Stem}_new_{name}";
    }

    private async Task<Estate> CreateEstateAsync(string prefix)
    {
        var stem = Servers.UniqueName(prefix).Replace('-', '_');
        var estate = new Estate(stem, $"{stem}_old_login", $"{stem}_old_reader", $"{stem}_old_long_".PadRight(63, 'x'), $"{stem}_old_files");
        await Pg.ExecuteAsync("postgres", $"""
            CREATE ROLE {estate.Login} LOGIN PASSWORD 'login pass';
            CREATE ROLE {estate.Reader};
            CREATE ROLE {estate.Long} LOGIN;
            CREATE ROLE {estate.Files};
            GRANT pg_read_server_files TO {estate.Files};
            GRANT {estate.Reader} TO {estate.Long};
            ALTER ROLE {estate.Login} SET work_mem TO '4MB';
            COMMENT ON ROLE {estate.Login} IS 'the login';
            """);
        return estate;
    }

    /// <summary>Everything PostgreSQL keeps of the existing roles and of the restoring user: catalog rows, memberships, settings, comments.</summary>
    private Task<string> ExistingRolesAsync(Estate estate) => Pg.ScalarAsync<string>("postgres", $"""
        WITH old AS (SELECT oid FROM pg_authid WHERE rolname LIKE '{estate.Stem}\_old\_%' OR rolname = '{PostgresServer.AdminUser}')
        SELECT string_agg(line, E'\n' ORDER BY line) FROM (
            SELECT 'authid ' || row_to_json(a)::text AS line FROM pg_authid a WHERE a.oid IN (SELECT oid FROM old)
            UNION ALL SELECT format('member %s of %s admin=%s', m.member::regrole, m.roleid::regrole, m.admin_option)
                FROM pg_auth_members m WHERE m.member IN (SELECT oid FROM old)
            UNION ALL SELECT format('setting %s %s %s', s.setrole, s.setdatabase, s.setconfig)
                FROM pg_db_role_setting s WHERE s.setrole IN (SELECT oid FROM old) OR s.setrole = 0
            UNION ALL SELECT format('comment %s %s', d.objoid::regrole, d.description)
                FROM pg_shdescription d WHERE d.classoid = 'pg_authid'::regclass AND d.objoid IN (SELECT oid FROM old)
            UNION ALL SELECT format('parameter %s %s', p.parname, p.paracl) FROM pg_parameter_acl p) x
        """);

    private Task<long> NewRolesAsync(Estate estate) =>
        Pg.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_roles WHERE rolname LIKE '{estate.Stem}\\_new\\_%'");

    private async Task DropAsync(Estate estate)
    {
        var names = await Pg.ScalarAsync<string?>("postgres", $"SELECT string_agg(quote_ident(rolname), ', ') FROM pg_roles WHERE rolname LIKE '{estate.Stem}%'");
        if (names is not null) await Pg.ExecuteAsync("postgres", $"DROP ROLE {names}");
    }

    private async Task<RestoreResult> RestoreAsync(string statements, bool update = false, bool allowPrivileged = false, RecordingLog? log = null)
    {
        var (store, name, settings) = await UploadAsync(Globals(statements));
        return await new RestoreEngine(new RestoreOptions(settings) { UpdateExistingRoles = update, AllowPrivilegedRoles = allowPrivileged }, log ?? new RecordingLog()) { OpenStore = _ => store }
            .RunAsync(name, RestoreMode.Staged, default);
    }

    [Fact]
    public async Task Each_crafted_globals_is_refused_and_leaves_every_existing_role_as_it_was()
    {
        var e = await CreateEstateAsync("forged");
        try
        {
            var before = await ExistingRolesAsync(e);
            var crafted = new (string Sql, bool Update, string Said)[]
            {
                // PostgreSQL would cut the name to the existing role's 63 bytes
                ($"ALTER ROLE {e.Long}x WITH SUPERUSER LOGIN PASSWORD 'SCRAM-SHA-256$x';", false, "63 bytes"),
                ($"CREATE ROLE \"{e.Long}\u00e9\";\nALTER ROLE \"{e.Long}\u00e9\" WITH SUPERUSER;", false, "63 bytes"),
                ($"GRANT pg_execute_server_program TO {e.Long}xyz;", true, "63 bytes"),
                // a new superuser granted to an existing login, which could then SET ROLE to it
                ($"CREATE ROLE {e.New("boss")};\nALTER ROLE {e.New("boss")} WITH SUPERUSER;\nGRANT {e.New("boss")} TO {e.Login};", false, "SUPERUSER to role"),
                ($"ALTER ROLE {e.Login} SET \"Session_Preload_Libraries\" TO '/tmp/evil';", true, "libraries"),
                ($"CREATE ROLE {e.New("lib")};\nALTER ROLE {e.New("lib")} SET \"Local_Preload_Libraries\" TO 'evil';", false, "libraries"),
                ($"ALTER ROLE current_user WITH PASSWORD 'SCRAM-SHA-256$x';", false, "keyword"),
                ("ALTER ROLE all SET search_path TO 'evil';", false, "keyword"),
                ("GRANT SET ON PARAMETER work_mem TO public;", true, "keyword"),
                ($"CREATE ROLE {e.New("repl")};\nALTER ROLE {e.New("repl")} WITH LOGIN REPLICATION;", false, "REPLICATION to role"),
                ($"CREATE ROLE {e.New("rls")};\nALTER ROLE {e.New("rls")} WITH LOGIN BYPASSRLS;", false, "BYPASSRLS to role"),
                ($"CREATE ROLE {e.New("cr")};\nALTER ROLE {e.New("cr")} WITH LOGIN CREATEROLE;", false, "CREATEROLE to role"),
                ($"CREATE ROLE {e.New("prog")};\nGRANT pg_execute_server_program TO {e.New("prog")};", false, "membership in role \"pg_execute_server_program\""),
                ($"CREATE ROLE {e.New("files")};\nGRANT {e.Files} TO {e.New("files")};", false, $"membership in role \"{e.Files}\""),
                ($"CREATE ROLE {e.New("super")};\nGRANT {PostgresServer.AdminUser} TO {e.New("super")};", false, $"membership in role \"{PostgresServer.AdminUser}\""),
                ($"CREATE ROLE {e.New("sys")};\nGRANT ALTER SYSTEM ON PARAMETER archive_command TO {e.New("sys")};", false, "ALTER SYSTEM on parameter archive_command"),
                // asked to update existing roles, still not with privileged rights
                ($"ALTER ROLE {e.Login} WITH SUPERUSER;", true, "SUPERUSER to role"),
                ($"GRANT pg_read_server_files TO {e.Login};", true, "membership in role \"pg_read_server_files\""),
                ($"GRANT SET ON PARAMETER work_mem TO PUBLIC;", true, "SET on parameter work_mem to PUBLIC"),
            };
            foreach (var (sql, update, said) in crafted)
            {
                var ex = await Assert.ThrowsAsync<BackupDataException>(() => RestoreAsync(sql, update));
                Assert.Equal(ErrorIds.BackupUnsafe, ex.ErrorId);
                Assert.Contains(said, ex.Message, StringComparison.Ordinal);
                Assert.Contains("Nothing was changed", ex.Message, StringComparison.Ordinal);
                Assert.Equal(before, await ExistingRolesAsync(e));
                Assert.Equal(0L, await NewRolesAsync(e));
            }
        }
        finally
        {
            await DropAsync(e);
        }
    }

    [Fact]
    public async Task What_a_globals_would_change_on_existing_roles_is_left_out_and_logged_and_new_roles_are_made()
    {
        var e = await CreateEstateAsync("leftout");
        try
        {
            var before = await ExistingRolesAsync(e);
            var log = new RecordingLog();
            var result = await RestoreAsync($"""
                CREATE ROLE {e.Login};
                ALTER ROLE {e.Login} WITH SUPERUSER LOGIN PASSWORD 'SCRAM-SHA-256$4096:x$y:z';
                COMMENT ON ROLE {e.Login} IS 'changed';
                ALTER ROLE {e.Login} SET work_mem TO '1GB';
                CREATE ROLE {e.New("plain")};
                ALTER ROLE {e.New("plain")} WITH NOSUPERUSER LOGIN;
                GRANT {e.New("plain")} TO {e.Login};
                GRANT {e.Reader} TO {e.Login};
                GRANT {e.Reader} TO {e.New("plain")} WITH ADMIN OPTION;
                GRANT SET ON PARAMETER work_mem TO {e.Login};
                GRANT SET ON PARAMETER work_mem TO PUBLIC;
                """, log: log);

            Assert.Equal(before, await ExistingRolesAsync(e));
            Assert.Equal([e.New("plain")], result.RolesCreated);
            Assert.Equal([e.Login], result.RolesLeft);
            // a new role may join an existing role that holds no privileged rights
            Assert.True(await Pg.ScalarAsync<bool>("postgres", $"SELECT pg_has_role('{e.New("plain")}', '{e.Reader}', 'MEMBER')"));
            Assert.False(await Pg.ScalarAsync<bool>("postgres", $"SELECT pg_has_role('{e.Login}', '{e.New("plain")}', 'MEMBER')"));

            var changed = Assert.Single(log.Events, ev => ev.Name == "role_changed");
            Assert.Equal(e.New("plain"), changed["role"]);
            Assert.Equal(["created", "attributes NOSUPERUSER LOGIN", $"member of {e.Reader} WITH ADMIN OPTION"], (string[])changed["changes"]!);
            var left = log.Events.Where(ev => ev.Name == "role_left").ToDictionary(ev => (string)ev["role"]!, ev => string.Join(" | ", (string[])ev["left_out"]!));
            Assert.Equal([e.Login, "PUBLIC"], left.Keys.ToArray());
            Assert.Contains("attributes SUPERUSER LOGIN PASSWORD (line 11)", left[e.Login], StringComparison.Ordinal);
            Assert.Contains($"member of {e.New("plain")}", left[e.Login], StringComparison.Ordinal);
            Assert.Contains($"member of {e.Reader}", left[e.Login], StringComparison.Ordinal);
            Assert.Contains("granted SET on parameter work_mem", left["PUBLIC"], StringComparison.Ordinal);
            Assert.DoesNotContain("SCRAM", log.AllJson, StringComparison.Ordinal);
        }
        finally
        {
            await DropAsync(e);
        }
    }

    [Fact]
    public async Task A_new_privileged_role_is_made_only_when_allowed_and_even_then_no_existing_role_joins_it()
    {
        var e = await CreateEstateAsync("allowed");
        try
        {
            var before = await ExistingRolesAsync(e);
            var log = new RecordingLog();
            var result = await RestoreAsync($"""
                CREATE ROLE {e.New("boss")};
                ALTER ROLE {e.New("boss")} WITH SUPERUSER NOLOGIN;
                GRANT {e.New("boss")} TO {e.Login};
                GRANT pg_read_server_files TO {e.New("boss")};
                """, allowPrivileged: true, log: log);

            Assert.Equal([e.New("boss")], result.RolesCreated);
            Assert.True(await Pg.ScalarAsync<bool>("postgres", $"SELECT rolsuper FROM pg_roles WHERE rolname = '{e.New("boss")}'"));
            Assert.Equal(before, await ExistingRolesAsync(e));
            Assert.Equal(["created", "attributes SUPERUSER NOLOGIN", "member of pg_read_server_files"], (string[])log.Single("role_changed")["changes"]!);
            Assert.True((bool)log.Single("restore_requested")["allow_privileged_roles"]!);
        }
        finally
        {
            await DropAsync(e);
        }
    }
}
