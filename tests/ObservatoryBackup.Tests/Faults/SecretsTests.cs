using ObservatoryBackup.Backup;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Faults;

/// <summary>
/// Guarantee: no error, log line or ErrorRecord quotes any part of a URL or endpoint that may hold a credential
/// (what the PostgreSQL tools get of the environment: <see cref="SecretsInTheEnvironmentTests"/>).
/// </summary>
[Collection(IntegrationCollection.Name)]
public class SecretsTests(Servers servers)
{
    public static TheoryData<char> Reserved => new(":/?#[]@!$&'()*+,;=% ".ToCharArray());

    [Theory]
    [MemberData(nameof(Reserved))]
    public void A_password_with_any_reserved_character_is_never_quoted(char reserved)
    {
        const string secret = "Zq9Secr3t";
        foreach (var url in new[]
        {
            $"postgresql://u:{secret}{reserved}Tail@db:5432/app",
            $"postgresql://u:pre{reserved}{secret}@db:5432/app",
            $"postgresql://u:{reserved}{secret}{reserved}@db/app?sslmode=require",
            $"u:{secret}{reserved}@db/app",
        })
        {
            try
            {
                DatabaseUrl.Parse(url);
            }
            catch (ConfigurationException ex)
            {
                Assert.DoesNotContain(secret, ex.Message);
                Assert.DoesNotContain("Tail", ex.Message);
                Assert.DoesNotContain(secret, ex.MessageFor(s => "-" + s));
            }
        }
    }

    [Theory]
    [InlineData("KEY:Zq9Secr3t@minio:9000")]
    [InlineData("http://KEY:Zq9Secr3t@minio:9000")]
    [InlineData("minio:Zq9Secr3t")]
    public void An_endpoint_holding_credentials_is_refused_without_repeating_them(string endpoint)
    {
        var env = new Dictionary<string, string?> { ["MINIO_ENDPOINT"] = endpoint };
        var ex = Assert.Throws<ConfigurationException>(() => new SettingsResolver(env).Resolve(new SettingOverrides(), needsDatabase: false));
        Assert.Equal("MINIO_ENDPOINT", ex.Variable);
        Assert.DoesNotContain("Zq9Secr3t", ex.Message);
    }

    [Fact]
    public async Task The_cli_never_prints_a_misplaced_password_on_stderr_or_in_json()
    {
        var env = new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = "postgresql://observatory:Zq9Secr3t#x@127.0.0.1/observatory",
            ["MINIO_ENDPOINT"] = servers.S3.Endpoint,
            ["MINIO_ACCESS_KEY"] = servers.S3.AccessKey,
            ["MINIO_SECRET_KEY"] = servers.S3.SecretKey,
        };
        var result = await ObsBackupCli.RunAsync(env, "backup");
        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain("Zq9Secr3t", result.StandardOutput + result.StandardError);
        Assert.DoesNotContain(servers.S3.SecretKey, result.StandardOutput + result.StandardError);
    }
}
