using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Tests.Unit;

public class SettingsResolverTests
{
    private static ObsSettings Resolve(Dictionary<string, string?> env, SettingOverrides? overrides = null, bool needsDatabase = true) =>
        new SettingsResolver(env).Resolve(overrides ?? new SettingOverrides(), needsDatabase);

    private static Dictionary<string, string?> Minimal() => new()
    {
        ["DATABASE_URL"] = "postgresql+asyncpg://observatory:pw@localhost:5432/observatory",
        ["MINIO_ENDPOINT"] = "minio:9000",
    };

    [Fact]
    public void Uses_the_specs_defaults()
    {
        var s = Resolve(Minimal());
        Assert.Equal(("minio:9000", "minioadmin", "minioadmin", "observatory-backups", false, 30),
            (s.Storage.Endpoint, s.Storage.AccessKey, s.Storage.SecretKey, s.Storage.Bucket, s.Storage.UseSsl, s.RetentionDays));
    }

    [Fact]
    public void Access_keys_fall_back_to_the_root_user_and_password()
    {
        var env = Minimal();
        env["MINIO_ROOT_USER"] = "root";
        env["MINIO_ROOT_PASSWORD"] = "rootpw";
        Assert.Equal(("root", "rootpw"), (Resolve(env).Storage.AccessKey, Resolve(env).Storage.SecretKey));
        env["MINIO_ACCESS_KEY"] = "ak";
        env["MINIO_SECRET_KEY"] = "sk";
        Assert.Equal(("ak", "sk"), (Resolve(env).Storage.AccessKey, Resolve(env).Storage.SecretKey));
        env["MINIO_ACCESS_KEY"] = "";
        Assert.Equal("root", Resolve(env).Storage.AccessKey);
    }

    [Fact]
    public void Parameters_win_over_environment_variables()
    {
        var env = Minimal();
        env["MINIO_BUCKET"] = "env-bucket";
        env["MINIO_SECURE"] = "true";
        env["BACKUP_RETENTION_DAYS"] = "7";
        env["MINIO_ACCESS_KEY"] = "ak";
        var s = Resolve(env, new SettingOverrides
        {
            DatabaseUrl = "postgresql://other:pw@otherhost/otherdb",
            Endpoint = "s3.local:9100",
            Bucket = "param-bucket",
            UseSsl = false,
            RetentionDays = 0,
            AccessKey = "param-ak",
            SecretKey = "param-sk",
        });
        Assert.Equal(("otherhost", "otherdb"), (s.Database!.Host, s.Database.Database));
        Assert.Equal(("s3.local:9100", "param-bucket", false, 0, "param-ak", "param-sk"),
            (s.Storage.Endpoint, s.Storage.Bucket, s.Storage.UseSsl, s.RetentionDays, s.Storage.AccessKey, s.Storage.SecretKey));
    }

    [Theory]
    [InlineData("http://minio:9000", "minio:9000", false)]
    [InlineData("https://minio:9000/", "minio:9000", true)]
    [InlineData("HTTPS://minio", "minio", true)]
    public void Tolerates_a_scheme_prefix_on_the_endpoint(string value, string endpoint, bool secure)
    {
        var env = Minimal();
        env["MINIO_ENDPOINT"] = value;
        var s = Resolve(env);
        Assert.Equal((endpoint, secure), (s.Storage.Endpoint, s.Storage.UseSsl));
    }

    [Theory]
    [InlineData("DATABASE_URL", null, "MissingConfiguration")]
    [InlineData("MINIO_ENDPOINT", null, "MissingConfiguration")]
    [InlineData("MINIO_ENDPOINT", "minio:9000/path", "InvalidConfiguration")]
    [InlineData("MINIO_ENDPOINT", "ftp://minio", "InvalidConfiguration")]
    [InlineData("MINIO_ENDPOINT", "minio:http", "InvalidConfiguration")]
    [InlineData("MINIO_SECURE", "maybe", "InvalidConfiguration")]
    [InlineData("BACKUP_RETENTION_DAYS", "-1", "InvalidConfiguration")]
    [InlineData("BACKUP_RETENTION_DAYS", "thirty", "InvalidConfiguration")]
    [InlineData("BACKUP_RETENTION_DAYS", "1.5", "InvalidConfiguration")]
    [InlineData("MINIO_BUCKET", "Bad_Bucket", "InvalidConfiguration")]
    public void Bad_or_missing_values_name_the_variable(string variable, string? value, string errorId)
    {
        var env = Minimal();
        env[variable] = value;
        var ex = Assert.Throws<ConfigurationException>(() => Resolve(env));
        Assert.Equal(variable, ex.Setting);
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Contains(variable, ex.Message);
    }

    [Fact]
    public void Listing_needs_no_database_url()
    {
        var env = Minimal();
        env.Remove("DATABASE_URL");
        Assert.Null(Resolve(env, needsDatabase: false).Database);
    }

    [Fact]
    public void A_bad_url_parameter_is_named_as_the_parameter()
    {
        var ex = Assert.Throws<ConfigurationException>(() => Resolve(Minimal(), new SettingOverrides { DatabaseUrl = "mysql://x" }));
        Assert.Equal("-DatabaseUrl", ex.Setting);
    }

    [Fact]
    public void Zero_retention_is_allowed_and_negative_parameter_is_not()
    {
        var env = Minimal();
        env["BACKUP_RETENTION_DAYS"] = "0";
        Assert.Equal(0, Resolve(env).RetentionDays);
        Assert.Equal("-RetentionDays", Assert.Throws<ConfigurationException>(() => Resolve(env, new SettingOverrides { RetentionDays = -3 })).Setting);
    }
}
