using System.Management.Automation;
using System.Net;
using System.Security;
using System.Text;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Credentials;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.PowerShell;

[Collection(IntegrationCollection.Name)]
public sealed class CredentialKeyCmdletTests(Servers servers) : IDisposable
{
    internal const string OldKeyText = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
    internal const string NewKeyText = "Lc8mQpL3Y0l3vVv7m3j0tXn1bq3nK2a9hC4xR5sT6uA=";
    private readonly ModuleSession _ps = new();
    private PostgresServer Pg => servers.Postgres;

    public void Dispose() => _ps.Dispose();

    private Task<string> DatabaseAsync(int rows) => DatabaseAsync(Pg, rows);

    /// <summary>A database whose api_credentials table holds <paramref name="rows"/> rows encrypted with the old key.</summary>
    internal static async Task<string> DatabaseAsync(PostgresServer pg, int rows)
    {
        var db = Servers.UniqueName("ps-app");
        await pg.CreateDatabaseAsync(db);
        await pg.ExecuteAsync(db, "CREATE TABLE api_credentials (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), credentials jsonb)");
        var old = FernetKey.Parse(new SettingValue(Setting.OldCredentialKey, OldKeyText, "test"));
        for (var i = 0; i < rows; i++)
            await pg.ExecuteAsync(db, $"INSERT INTO api_credentials (credentials) VALUES (to_jsonb('{FernetToken.Encrypt(old, Encoding.UTF8.GetBytes("{}"))}'::text))");
        return db;
    }

    private static SecureString Secure(string text) => new NetworkCredential("", text).SecurePassword;

    private Task<string> DigestAsync(string db) =>
        Pg.ScalarAsync<string>(db, "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM api_credentials t");

    [Fact]
    public async Task WhatIf_reports_and_writes_nothing_then_Force_rotates()
    {
        var db = await DatabaseAsync(25);
        var before = await DigestAsync(db);
        var vars = new Dictionary<string, object?> { ["url"] = Pg.Url(db), ["old"] = Secure(OldKeyText), ["new"] = Secure(NewKeyText) };

        var dry = (KeyRotationResult)Assert.Single(_ps.Invoke("Update-ObsCredentialKey -DatabaseUrl $url -OldKey $old -NewKey $new -WhatIf", vars)).BaseObject;
        Assert.Equal((true, 25), (dry.DryRun, dry.ReEncrypted));
        Assert.Equal(before, await DigestAsync(db));
        Assert.Contains(_ps.Host.Lines, l => l.StartsWith("What if: ", StringComparison.Ordinal) && l.Contains("api_credentials"));

        var done = (KeyRotationResult)Assert.Single(_ps.Invoke("Update-ObsCredentialKey -DatabaseUrl $url -OldKey $old -NewKey $new -Force -LogFormat Json", vars)).BaseObject;
        Assert.Equal((false, 25, 25), (done.DryRun, done.ReEncrypted, done.Total));
        Assert.NotEqual(before, await DigestAsync(db));
        Assert.Empty(_ps.Host.Prompts);
        var log = string.Join("\n", _ps.Streams!.Information.Select(r => r.MessageData.ToString()));
        Assert.Contains("\"event\": \"key_rotation_complete\"", log);
        Assert.DoesNotContain(OldKeyText, log);
        Assert.DoesNotContain(NewKeyText, log);
    }

    [Fact]
    public async Task A_poisoned_row_is_an_invalid_data_error_naming_the_row()
    {
        var db = await DatabaseAsync(5);
        var id = await Pg.ScalarAsync<Guid>(db, $"INSERT INTO api_credentials (credentials) VALUES (to_jsonb('{FernetToken.Encrypt(FernetKey.Generate(), "{}"u8)}'::text)) RETURNING id");
        var before = await DigestAsync(db);

        var error = _ps.InvokeFailing("Update-ObsCredentialKey -DatabaseUrl $url -OldKey $old -NewKey $new -Force",
            new Dictionary<string, object?> { ["url"] = Pg.Url(db), ["old"] = Secure(OldKeyText), ["new"] = Secure(NewKeyText) });

        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Equal(id.ToString(), error.TargetObject);
        Assert.Equal(before, await DigestAsync(db));
    }
}
