using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

/// <summary>Restoring onto a server that lacks the backup's roles or tablespaces (the disaster case: a new server).</summary>
public class NoOwnerRestoreTests(Servers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task A_missing_role_fails_naming_it_and_NoOwner_restores_everything()
    {
        var (source, bucket) = (Servers.UniqueName("owned"), Servers.UniqueName("bkt"));
        var role = "gone_" + Guid.NewGuid().ToString("N")[..6];
        await SampleDatabase.CreateAsync(Pg, source, rows: 30);
        await Pg.ExecuteAsync("postgres", $"CREATE ROLE {role}");
        await Pg.ExecuteAsync(source, $"""
            CREATE TABLE public.notes (line text);
            INSERT INTO public.notes VALUES ('GRANT ALL ON public.notes TO {role};'), ('ALTER TABLE public.notes OWNER TO {role};');
            ALTER TABLE public.notes OWNER TO {role};
            ALTER TABLE research.queries OWNER TO {role};
            GRANT SELECT ON public.notes TO {role};
            """);
        var digest = await Pg.ContentDigestAsync(source);
        var backup = await BackupAsync(SettingsFor(source, bucket));
        // the new server: the role is gone
        await Pg.ExecuteAsync("postgres", $"DROP DATABASE \"{source}\" WITH (FORCE)");
        await Pg.ExecuteAsync("postgres", $"DROP ROLE {role}");

        var target = Servers.UniqueName("fresh");
        var ex = await Assert.ThrowsAsync<RestoreFailedException>(() => RestoreAsync(SettingsFor(target, bucket), backup.ObjectName));
        Assert.Equal(role, ex.MissingRole);
        Assert.Contains($"The role \"{role}\" does not exist on this server", ex.Message);
        Assert.False(await Pg.DatabaseExistsAsync(target));

        var log = new RecordingLog();
        await new RestoreEngine(new RestoreOptions(SettingsFor(target, bucket)) { NoOwner = true }, log).RunAsync(backup.ObjectName, RestoreMode.Staged, default);

        Assert.Equal(digest, await Pg.ContentDigestAsync(target)); // every row, GRANT-looking data included
        Assert.Equal(PostgresServer.AdminUser, await Pg.ScalarAsync<string>(target, "SELECT tableowner FROM pg_tables WHERE tablename = 'notes'"));
        Assert.True((long)log.Single("ownership_left_out")["statements"]! >= 3);
    }

    [Fact]
    public async Task A_missing_tablespace_fails_naming_it_and_NoTablespaces_restores_everything()
    {
        var (source, bucket) = (Servers.UniqueName("spaced"), Servers.UniqueName("bkt"));
        var tablespace = "ts_" + Guid.NewGuid().ToString("N")[..6];
        var location = Directory.CreateTempSubdirectory("obs-ts-").FullName;
        // the server runs as the postgres system user, which must own a tablespace's directory
        await Shell.RunAsync("chown", ["postgres:postgres", location]);
        await SampleDatabase.CreateAsync(Pg, source, rows: 30);
        await Pg.ExecuteAsync("postgres", $"CREATE TABLESPACE {tablespace} LOCATION '{location}'");
        await Pg.ExecuteAsync(source, $"CREATE TABLE public.placed (x int) TABLESPACE {tablespace}; INSERT INTO public.placed SELECT generate_series(1, 7);");
        var digest = await Pg.ContentDigestAsync(source);
        var backup = await BackupAsync(SettingsFor(source, bucket));
        Assert.Contains($"SET default_tablespace = {tablespace};", Dumps.Gunzip(await S3.GetAsync(bucket, backup.ObjectName)));
        // the new server: the tablespace is gone
        await Pg.ExecuteAsync("postgres", $"DROP DATABASE \"{source}\" WITH (FORCE)");
        await Pg.ExecuteAsync("postgres", $"DROP TABLESPACE {tablespace}");

        var target = Servers.UniqueName("fresh");
        var ex = await Assert.ThrowsAsync<RestoreFailedException>(() => RestoreAsync(SettingsFor(target, bucket), backup.ObjectName));
        Assert.Equal(tablespace, ex.MissingTablespace);
        Assert.Contains($"The tablespace \"{tablespace}\" does not exist on this server", ex.Message);
        Assert.False(await Pg.DatabaseExistsAsync(target));

        await new RestoreEngine(new RestoreOptions(SettingsFor(target, bucket)) { NoTablespaces = true }, new RecordingLog()).RunAsync(backup.ObjectName, RestoreMode.Staged, default);

        Assert.Equal(digest, await Pg.ContentDigestAsync(target));
        Assert.Equal(0L, await Pg.ScalarAsync<long>(target, "SELECT count(*) FROM pg_tables WHERE tablespace IS NOT NULL AND schemaname NOT IN ('pg_catalog', 'information_schema')"));
    }
}
