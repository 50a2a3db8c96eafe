using System.Text;
using Npgsql;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Credentials;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

public class KeyRotationTests(Servers servers) : IntegrationTest(servers)
{
    private static readonly FernetKey OldKey = FernetKey.Generate();
    private static readonly FernetKey NewKey = FernetKey.Generate();

    /// <summary>The application's table, with <paramref name="tokens"/> credentials encrypted with <paramref name="key"/>.</summary>
    private async Task<string> CreateApplicationDatabaseAsync(int tokens, FernetKey key)
    {
        var db = Servers.UniqueName("app");
        await Pg.CreateDatabaseAsync(db);
        await Pg.ExecuteAsync(db, "CREATE TABLE api_credentials (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), platform text, credentials jsonb)");
        await using var c = Pg.Connect(db);
        await c.OpenAsync();
        await using (var import = await c.BeginTextImportAsync("COPY api_credentials (platform, credentials) FROM STDIN"))
            for (var i = 0; i < tokens; i++)
            {
                var token = FernetToken.Encrypt(key, Encoding.UTF8.GetBytes($$"""{"api_key": "key-{{i}}", "secret": "s{{i}}"}"""));
                await import.WriteLineAsync($"platform-{i % 7}\t\"{token}\"");
            }
        return db;
    }

    private Task<string> DigestAsync(string db, string table = "api_credentials") =>
        Pg.ScalarAsync<string>(db, $"SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {table} t");

    private CredentialKeyRotation Rotation(string db, FernetKey? oldKey = null, FernetKey? newKey = null, CredentialTable? table = null, RecordingLog? log = null) =>
        new(DatabaseUrl.Parse(Pg.Url(db)), table ?? new CredentialTable(), oldKey ?? OldKey, newKey ?? NewKey, log ?? new RecordingLog());

    [Fact]
    public async Task Ten_thousand_tokens_move_to_the_new_key_in_one_run()
    {
        var db = await CreateApplicationDatabaseAsync(10_000, OldKey);
        await Pg.ExecuteAsync(db, """
            INSERT INTO api_credentials (platform, credentials) VALUES ('dev', '{"api_key": "plain dev entry"}'), ('dev2', '{"token": "x"}'), ('none', NULL)
            """);
        var log = new RecordingLog();

        var result = await Rotation(db, log: log).RunAsync(dryRun: false, default);

        Assert.Equal((10_000, 0, 2, 1, 10_003, false), (result.ReEncrypted, result.AlreadyOnNewKey, result.Unencrypted, result.Empty, result.Total, result.DryRun));
        Assert.Equal(2, log.Events.Count(e => e.Name == "unencrypted_entry"));
        await using var c = Pg.Connect(db);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT credentials #>> '{}' FROM api_credentials WHERE jsonb_typeof(credentials) = 'string'", c);
        await using var reader = await cmd.ExecuteReaderAsync();
        var count = 0;
        while (await reader.ReadAsync())
        {
            var token = reader.GetString(0);
            Assert.StartsWith("{\"api_key\": \"key-", Encoding.UTF8.GetString(FernetToken.TryDecrypt(NewKey, token)!));
            Assert.Null(FernetToken.TryDecrypt(OldKey, token));
            count++;
        }
        Assert.Equal(10_000, count);
        Assert.Equal("""{"api_key": "plain dev entry"}""", await Pg.ScalarAsync<string>(db, "SELECT credentials::text FROM api_credentials WHERE platform = 'dev'"));
    }

    [Fact]
    public async Task A_poisoned_row_aborts_everything_and_is_named_by_its_key()
    {
        var db = await CreateApplicationDatabaseAsync(500, OldKey);
        var poison = FernetToken.Encrypt(FernetKey.Generate(), "{}"u8);
        var poisonId = await Pg.ScalarAsync<Guid>(db, $"INSERT INTO api_credentials (platform, credentials) VALUES ('poison', to_jsonb('{poison}'::text)) RETURNING id");
        var before = await DigestAsync(db);

        var ex = await Assert.ThrowsAsync<CredentialRotationException>(() => Rotation(db).RunAsync(dryRun: false, default));

        Assert.Equal(ObsErrorKind.InvalidData, ex.Kind);
        Assert.Contains(poisonId.ToString(), ex.Message);
        Assert.DoesNotContain(poison, ex.Message);
        Assert.Equal(before, await DigestAsync(db));
    }

    [Fact]
    public async Task A_second_run_changes_nothing()
    {
        var db = await CreateApplicationDatabaseAsync(200, OldKey);
        Assert.Equal(200, (await Rotation(db).RunAsync(dryRun: false, default)).ReEncrypted);
        var after = await DigestAsync(db);

        var again = await Rotation(db).RunAsync(dryRun: false, default);

        Assert.Equal((0, 200), (again.ReEncrypted, again.AlreadyOnNewKey));
        Assert.Equal(after, await DigestAsync(db));
    }

    [Fact]
    public async Task The_dry_run_decrypts_everything_and_writes_nothing()
    {
        var db = await CreateApplicationDatabaseAsync(300, OldKey);
        var before = await DigestAsync(db);

        var result = await Rotation(db).RunAsync(dryRun: true, default);

        Assert.Equal((true, 300, 300), (result.DryRun, result.ReEncrypted, result.Total));
        Assert.Equal(before, await DigestAsync(db));
    }

    [Fact]
    public async Task A_text_column_in_any_table_with_quoted_names()
    {
        var db = Servers.UniqueName("app");
        await Pg.CreateDatabaseAsync(db);
        await Pg.ExecuteAsync(db, """CREATE SCHEMA "Vault"; CREATE TABLE "Vault"."Secret Store" ("Key Id" int PRIMARY KEY, "Token Text" text)""");
        for (var i = 1; i <= 20; i++)
            await Pg.ExecuteAsync(db, $"""INSERT INTO "Vault"."Secret Store" VALUES ({i}, '{FernetToken.Encrypt(OldKey, Encoding.UTF8.GetBytes("v" + i))}')""");
        var table = new CredentialTable { Schema = "Vault", Table = "Secret Store", KeyColumn = "Key Id", Column = "Token Text" };

        var result = await Rotation(db, table: table).RunAsync(dryRun: false, default);

        Assert.Equal(20, result.ReEncrypted);
        var token = await Pg.ScalarAsync<string>(db, """SELECT "Token Text" FROM "Vault"."Secret Store" WHERE "Key Id" = 7""");
        Assert.Equal("v7", Encoding.UTF8.GetString(FernetToken.TryDecrypt(NewKey, token)!));
    }

    [Fact]
    public async Task Missing_tables_and_identical_keys_are_refused()
    {
        var db = Servers.UniqueName("app");
        await Pg.CreateDatabaseAsync(db);
        var missing = await Assert.ThrowsAsync<CredentialRotationException>(() => Rotation(db).RunAsync(dryRun: false, default));
        Assert.Equal(ObsErrorKind.NotFound, missing.Kind);
        await Assert.ThrowsAsync<ConfigurationException>(() => Rotation(db, OldKey, OldKey).RunAsync(dryRun: false, default));
    }

    [Fact]
    public async Task Writers_wait_for_the_rotation_and_readers_do_not()
    {
        var db = await CreateApplicationDatabaseAsync(50, OldKey);
        // Hold the rotation inside its transaction: its first UPDATE waits on an advisory lock this test holds.
        await Pg.ExecuteAsync(db, """
            CREATE FUNCTION hold_rotation() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_xact_lock(4242); RETURN NEW; END $$;
            CREATE TRIGGER hold BEFORE UPDATE ON api_credentials FOR EACH ROW EXECUTE FUNCTION hold_rotation();
            """);
        await using var holder = Pg.Connect(db);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await new NpgsqlCommand("SELECT pg_advisory_xact_lock(4242)", holder, hold).ExecuteNonQueryAsync();

        var rotation = Task.Run(() => Rotation(db).RunAsync(dryRun: false, default));
        await using var other = Pg.Connect(db);
        await other.OpenAsync();
        for (var waited = 0; ; waited += 50)
        {
            var waiting = (long)(await new NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted", other).ExecuteScalarAsync())!;
            if (waiting == 1) break;
            Assert.True(waited < 30_000 && !rotation.IsCompleted, "the rotation never reached its updates");
            await Task.Delay(50);
        }

        Assert.Equal(50L, await new NpgsqlCommand("SELECT count(*) FROM api_credentials", other).ExecuteScalarAsync());
        await new NpgsqlCommand("SET lock_timeout = '300ms'", other).ExecuteNonQueryAsync();
        var blocked = await Assert.ThrowsAsync<PostgresException>(() =>
            new NpgsqlCommand("INSERT INTO api_credentials (platform, credentials) VALUES ('late', NULL)", other).ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.LockNotAvailable, blocked.SqlState);

        await hold.CommitAsync();
        Assert.Equal(50, (await rotation).ReEncrypted);
    }
}
