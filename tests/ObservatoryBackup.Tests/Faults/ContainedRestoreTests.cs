using System.Security.Cryptography;
using System.Text;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Testing;
using ObservatoryBackup.Tests.Fixtures;
using ObservatoryBackup.Tests.Integration;

namespace ObservatoryBackup.Tests.Faults;

/// <summary>
/// Guarantee: whatever a backup holds, a restore (staged or in place) or a test affects nothing outside
/// the database it loads. The attack of issue 27: a real dump with statements added, its manifest line
/// recomputed (rows, sql_bytes, SHA-256), the gzip rebuilt and uploaded under a new name, so that every
/// check of the stream passes. The load runs as a role made for it; what pg_dump writes for owners and
/// privileges is applied by the tool, only in pg_dump's shapes.
/// </summary>
public class ContainedRestoreTests(Servers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task Forged_statements_leave_no_trace_outside_the_database_loaded_and_no_load_role()
    {
        var (target, other, bucket) = (Servers.UniqueName("tgt"), Servers.UniqueName("other"), Servers.UniqueName("bkt"));
        var (victim, evil) = ("victim_" + Guid.NewGuid().ToString("N")[..6], "evil_" + Guid.NewGuid().ToString("N")[..6]);
        var marker = Path.Combine(Path.GetTempPath(), "obs-pwned-" + Guid.NewGuid().ToString("N"));
        await SampleDatabase.CreateAsync(Pg, target, rows: 20);
        await SampleDatabase.CreateAsync(Pg, other, rows: 5);
        await Pg.ExecuteAsync("postgres", $"CREATE ROLE {victim} LOGIN");
        var sql = Dumps.Gunzip(await S3.GetAsync(bucket, (await BackupAsync(SettingsFor(target, bucket))).ObjectName));
        var (targetDigest, otherDigest) = (await Pg.ContentDigestAsync(target), await Pg.ContentDigestAsync(other));
        var superusers = await Pg.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_roles WHERE rolsuper");
        const string Evil = "CREATE FUNCTION public.evil() RETURNS int LANGUAGE plpgsql AS $f$BEGIN COPY (SELECT 1) TO PROGRAM 'id > MARKER'; RETURN 1; END$f$;";

        // the forgery passes every check of the stream: a harmless statement added restores
        var harmless = $"postgres/2099/01/01/{target}_20990101_999999.sql.gz";
        await S3.PutAsync(bucket, harmless, Forge(sql, "SELECT 1;"));
        await RestoreAsync(SettingsFor(target, bucket), harmless);
        Assert.Equal(targetDigest, await Pg.ContentDigestAsync(target));

        string[] payloads =
        [
            $"COPY (SELECT 1) TO PROGRAM 'id > {marker}';",
            $"CREATE ROLE {evil} SUPERUSER LOGIN;",
            $"create role {evil} superuser login;",
            $"ALTER ROLE {victim} SUPERUSER;",
            $"alter role {victim} superuser;",
            $"DROP DATABASE \"{other}\";",
            $"drop database \"{other}\";",
            $"DO $$BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''id > {marker}'''; END$$;",
            "ALTER SYSTEM SET log_min_duration_statement = 12345;",
            "alter system set log_min_duration_statement = 12345;",
            "SELECT pg_read_file('/etc/passwd');",
            $"SELECT lo_export(lo_from_bytea(0, '\\x41'::bytea), '{marker}');",
            Evil.Replace("MARKER", marker) + " CREATE TABLE public.trap (x int CHECK (public.evil() = 1)); INSERT INTO public.trap VALUES (1);",
            Evil.Replace("MARKER", marker) + " CREATE TABLE public.trap (x int DEFAULT public.evil()); INSERT INTO public.trap DEFAULT VALUES;",
            Evil.Replace("MARKER", marker) + " CREATE TABLE public.trap (x int); INSERT INTO public.trap VALUES (1); CREATE INDEX ON public.trap ((public.evil()));",
            $"ALTER TABLE public.\"Mixed Case \"\"Table\"\"\" ADD COLUMN c int DEFAULT pg_catalog.pg_backend_pid(), OWNER TO {PostgresServer.AdminUser};",
            $"GRANT pg_execute_server_program TO {victim};",
            $"grant pg_execute_server_program to {victim};",
            $"GRANT CONNECT ON DATABASE \"{other}\" TO {victim};",
            $"GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_file(text) TO {victim};",
            $"SET SESSION AUTHORIZATION {PostgresServer.AdminUser};\nCOPY (SELECT 1) TO PROGRAM 'id > {marker}';",
            $"SET ROLE {PostgresServer.AdminUser};",
        ];
        for (var i = 0; i < payloads.Length; i++)
        {
            var name = $"postgres/2099/01/01/{target}_20990101_{i:D6}.sql.gz";
            await S3.PutAsync(bucket, name, Forge(sql, payloads[i]));
            var outcomes = new Dictionary<string, string?>();
            foreach (var mode in new[] { "staged", "test", "in_place" })
            {
                var outcome = await Record(async () => mode switch
                {
                    "staged" => (await RestoreAsync(SettingsFor(target, bucket), name, RestoreMode.Staged)) is not null,
                    "in_place" => (await RestoreAsync(SettingsFor(target, bucket), name, RestoreMode.InPlace)) is not null,
                    _ => (await new BackupTestEngine(new TestOptions(SettingsFor(target, bucket)), new RecordingLog())
                        .RunAsync(name, verifyOnly: false, keep: false, default)).Passed,
                });
                outcomes[mode] = outcome;
                var what = $"payload {i} ({payloads[i]}) through {mode}";
                Assert.True(outcome is not null, $"{what} succeeded");
                Assert.False(File.Exists(marker), $"{what} ran a program or wrote a file on the server");
                Assert.True(await Pg.DatabaseExistsAsync(other), $"{what} dropped another database");
                Assert.Equal(otherDigest, await Pg.ContentDigestAsync(other));
                Assert.Equal(superusers, await Pg.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_roles WHERE rolsuper"));
                Assert.Equal(0L, await Pg.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_roles WHERE rolname = '{evil}'"));
                Assert.Equal(0L, await Pg.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = '{victim}'"));
                Assert.False(await Pg.ScalarAsync<bool>("postgres", $"SELECT rolsuper FROM pg_roles WHERE rolname = '{victim}'"), what);
                Assert.False(await Pg.ScalarAsync<bool>(other, $"SELECT has_database_privilege('{victim}', '{other}', 'CREATE')"), what);
                Assert.Equal(0L, await Pg.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_file_settings WHERE name = 'log_min_duration_statement' AND setting = '12345'"));
                Assert.Equal(0L, await Pg.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_roles WHERE starts_with(rolname, '{LoadRole.PrefixFor(target)}')"));
                // staged and test leave the target as it was; in place too when the backup itself is refused (checked before
                // the drop); only what PostgreSQL refuses during the load comes after the drop (the error says so)
                if (mode != "in_place" || outcome == ErrorIds.BackupUnsafe)
                    Assert.Equal(targetDigest, await Pg.ContentDigestAsync(target));
                else
                    Assert.Contains(outcome, new[] { ErrorIds.RestoreFailed, ErrorIds.RestorePartial });
            }
            // a backup the gate refuses is refused as such whichever way it is read, not reported as a failed psql
            if (outcomes["in_place"] == ErrorIds.BackupUnsafe)
                Assert.True(outcomes["staged"] == ErrorIds.BackupUnsafe && outcomes["test"] == ErrorIds.BackupUnsafe,
                    $"payload {i} ({payloads[i]}): staged {outcomes["staged"]}, test {outcomes["test"]}");
            // the next payload starts from the target as it was
            await Pg.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS \"{target}\" WITH (FORCE)");
            await SampleDatabase.CreateAsync(Pg, target, rows: 20);
            targetDigest = await Pg.ContentDigestAsync(target);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task A_genuine_dump_with_owners_grants_policies_extensions_and_large_objects_restores_identically(int jobs)
    {
        var (source, target, bucket) = (Servers.UniqueName("genuine"), Servers.UniqueName("copy"), Servers.UniqueName("bkt"));
        // roles are the cluster's, and this runs once per case: a random suffix alone could repeat
        var suffix = Servers.UniqueName("roles").Replace('-', '_');
        var (alice, bob, carol) = ("alice_" + suffix, "bob_" + suffix, "carol_" + suffix);
        await Pg.ExecuteAsync("postgres", $"CREATE ROLE {alice}; CREATE ROLE {bob}; CREATE ROLE {carol}");
        await SampleDatabase.CreateAsync(Pg, source, rows: 40);
        var hstore = await Pg.ScalarAsync<long>(source, "SELECT count(*) FROM pg_available_extensions WHERE name = 'hstore'") == 1;
        // an extension PostgreSQL does not mark trusted, with a foreign-data wrapper: only the connecting user can create it
        Assert.Equal(1L, await Pg.ScalarAsync<long>(source, "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgres_fdw'"));
        await Pg.ExecuteAsync(source, $"""
            {(hstore ? "CREATE EXTENSION hstore;" : "")}
            CREATE SCHEMA app AUTHORIZATION {alice};
            CREATE SCHEMA remote;
            CREATE EXTENSION postgres_fdw WITH SCHEMA remote;
            CREATE SERVER elsewhere_{suffix} FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', dbname 'nowhere');
            GRANT USAGE ON FOREIGN SERVER elsewhere_{suffix} TO {bob};
            CREATE FUNCTION app.positive(int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 > 0';
            ALTER FUNCTION app.positive(int) OWNER TO {alice};
            CREATE TABLE app.items (id int PRIMARY KEY, n int CHECK (app.positive(n)), tags {(hstore ? "public.hstore" : "text")}, secret text);
            CREATE INDEX items_positive ON app.items ((app.positive(n)));
            ALTER TABLE app.items OWNER TO {alice};
            INSERT INTO app.items SELECT g, g, {(hstore ? "'a=>1'" : "'a'")}, 's' || g FROM generate_series(1, 50) g;
            GRANT USAGE ON SCHEMA app TO {bob};
            GRANT SELECT (id, n), UPDATE (n) ON app.items TO {bob};
            ALTER DEFAULT PRIVILEGES FOR ROLE {alice} IN SCHEMA app GRANT SELECT ON TABLES TO {bob};
            ALTER TABLE app.items ENABLE ROW LEVEL SECURITY;
            ALTER TABLE app.items FORCE ROW LEVEL SECURITY;
            CREATE POLICY small ON app.items FOR SELECT TO {bob} USING (n < 10);
            CREATE PUBLICATION pub_{suffix} FOR TABLE app.items;
            CREATE PUBLICATION every_{suffix} FOR ALL TABLES WITH (publish = 'insert, update');
            CREATE PUBLICATION schema_{suffix};
            ALTER PUBLICATION schema_{suffix} ADD TABLES IN SCHEMA app;
            SET ROLE {alice};
            GRANT INSERT ON app.items TO {bob} WITH GRANT OPTION;
            RESET ROLE;
            SET ROLE {bob};
            GRANT INSERT ON app.items TO {carol};
            RESET ROLE;
            SELECT lo_from_bytea(424242, 'large and owned');
            ALTER LARGE OBJECT 424242 OWNER TO {alice};
            GRANT SELECT ON LARGE OBJECT 424242 TO {bob};
            """);
        var backup = await BackupAsync(SettingsFor(source, bucket));
        var sql = Dumps.Gunzip(await S3.GetAsync(bucket, backup.ObjectName));
        Assert.Contains($"SET SESSION AUTHORIZATION {bob};", sql); // pg_dump's grant by another grantor, which the tool applies

        await RestoreAsync(SettingsFor(target, bucket) with { RestoreJobs = jobs }, backup.ObjectName);

        Assert.Equal(await Pg.SchemaAsync(source), await Pg.SchemaAsync(target));
        Assert.Equal(await Pg.ContentDigestAsync(source), await Pg.ContentDigestAsync(target));
        Assert.Equal("large and owned", await Pg.ScalarAsync<string>(target, "SELECT convert_from(lo_get(424242), 'UTF8')"));
        Assert.Equal(alice, await Pg.ScalarAsync<string>(target, "SELECT pg_get_userbyid(lomowner) FROM pg_largeobject_metadata WHERE oid = 424242"));
        Assert.Equal(PostgresServer.AdminUser, await Pg.ScalarAsync<string>("postgres", $"SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '{target}'"));
        Assert.Equal(0L, await Pg.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_roles WHERE starts_with(rolname, '{LoadRole.PrefixFor(target)}')"));
        Assert.Equal("remote", await Pg.ScalarAsync<string>(target, "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'postgres_fdw'"));
        Assert.True(await Pg.ScalarAsync<bool>(target, $"SELECT has_server_privilege('{bob}', 'elsewhere_{suffix}', 'USAGE')"));
        // the publications only a superuser creates: for all tables, and a schema's tables
        Assert.True(await Pg.ScalarAsync<bool>(target, $"SELECT puballtables AND pubinsert AND NOT pubdelete FROM pg_publication WHERE pubname = 'every_{suffix}'"));
        Assert.Equal("app", await Pg.ScalarAsync<string>(target, $"SELECT n.pnnspid::regnamespace::text FROM pg_publication_namespace n JOIN pg_publication p ON p.oid = n.pnpubid WHERE p.pubname = 'schema_{suffix}'"));
    }

    [Fact]
    public async Task A_load_role_a_killed_restore_left_is_dropped_by_the_next_restore()
    {
        var (target, bucket) = (Servers.UniqueName("tgt"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, target, rows: 10);
        var backup = await BackupAsync(SettingsFor(target, bucket));
        // what a restore killed in the middle of an in-place load leaves: its role, owning an object in the target and holding rights
        var leftover = LoadRole.PrefixFor(target) + "0123456789ab";
        var other = Servers.UniqueName("tgt"); // another database's load role is not this restore's to drop
        var foreign = LoadRole.PrefixFor(other) + "0123456789ab";
        await Pg.ExecuteAsync("postgres", $"CREATE ROLE {leftover} LOGIN; CREATE ROLE {foreign} LOGIN; GRANT CONNECT, CREATE ON DATABASE \"{target}\" TO {leftover}");
        await Pg.ExecuteAsync(target, $"CREATE TABLE public.half_loaded (x int); ALTER TABLE public.half_loaded OWNER TO {leftover}");
        var log = new RecordingLog();

        await RestoreAsync(SettingsFor(target, bucket), backup.ObjectName, log: log);

        Assert.Equal(0L, await Pg.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_roles WHERE starts_with(rolname, '{LoadRole.PrefixFor(target)}')"));
        Assert.Contains(log.Events, e => e.Name == "removed_leftover" && (string?)e["kind"] == "load_role" && (string?)e["role"] == leftover);
        Assert.Equal(1L, await Pg.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_roles WHERE rolname = '{foreign}'"));
        await Pg.ExecuteAsync("postgres", $"DROP ROLE {foreign}");
    }

    /// <summary>What a forged run ended with: its error's id, or "failed" for a test that failed; null when it succeeded.</summary>
    private static async Task<string?> Record(Func<Task<bool>> run)
    {
        try
        {
            return await run() ? null : "failed";
        }
        catch (ObsBackupException ex)
        {
            return ex.ErrorId;
        }
    }

    /// <summary>The dump with <paramref name="payload"/> before its first CREATE, and its manifest line recomputed as an attacker would.</summary>
    internal static byte[] Forge(string sql, string payload)
    {
        var manifestAt = sql.IndexOf(DumpManifest.LinePrefix, StringComparison.Ordinal);
        var original = DumpManifest.TryParse(Encoding.UTF8.GetBytes(sql[manifestAt..].TrimEnd('\n')), out var why) ?? throw new InvalidOperationException(why);
        var body = sql[..manifestAt];
        var at = body.IndexOf("\nCREATE ", StringComparison.Ordinal) + 1;
        var forged = Encoding.UTF8.GetBytes(body[..at] + payload + "\n" + body[at..]);
        var manifest = new DumpManifest(forged.Length, SHA256.HashData(forged), original.RowsPerTable) { Database = original.Database };
        return Dumps.Gzip([.. forged, .. manifest.ToLine()]);
    }
}
