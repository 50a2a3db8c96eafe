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
}
