using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Tests.Unit;

[Trait("Tier", "Fast")]
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
        Assert.Equal(variable, ex.Variable);
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
    public void A_bad_explicit_url_is_named_in_the_front_ends_words()
    {
        var ex = Assert.Throws<ConfigurationException>(() => Resolve(Minimal(), new SettingOverrides { DatabaseUrl = "mysql://x" }));
        Assert.Equal(Setting.DatabaseUrl, ex.Setting);
        Assert.Null(ex.Variable);
        Assert.DoesNotContain("DATABASE_URL", ex.Message);
        Assert.StartsWith("-DatabaseUrl is not a valid PostgreSQL URL", ex.MessageFor(s => "-" + s));
        Assert.StartsWith("--database-url is not a valid PostgreSQL URL", ex.MessageFor(_ => "--database-url"));
    }

    [Fact]
    public void Zero_retention_is_allowed_and_negative_parameter_is_not()
    {
        var env = Minimal();
        env["BACKUP_RETENTION_DAYS"] = "0";
        Assert.Equal(0, Resolve(env).RetentionDays);
        var ex = Assert.Throws<ConfigurationException>(() => Resolve(env, new SettingOverrides { RetentionDays = -3 }));
        Assert.Equal((Setting.RetentionDays, (string?)null), (ex.Setting, ex.Variable));
    }

    [Theory]
    [InlineData(null, LogFormat.Text)]
    [InlineData("json", LogFormat.Json)]
    [InlineData("JSON", LogFormat.Json)]
    [InlineData("text", LogFormat.Text)]
    public void The_log_format_comes_from_OBS_LOG_FORMAT(string? value, LogFormat expected)
    {
        var env = Minimal();
        env["OBS_LOG_FORMAT"] = value;
        Assert.Equal(expected, new SettingsResolver(env).ResolveLogFormat(null));
        Assert.Equal(LogFormat.Json, new SettingsResolver(env).ResolveLogFormat(LogFormat.Json));
    }

    [Theory]
    [InlineData("xml")]
    [InlineData("2")]
    public void An_unknown_OBS_LOG_FORMAT_is_an_error_naming_it(string value)
    {
        var env = Minimal();
        env["OBS_LOG_FORMAT"] = value;
        var ex = Assert.Throws<ConfigurationException>(() => new SettingsResolver(env).ResolveLogFormat(null));
        Assert.Equal(("OBS_LOG_FORMAT", Setting.LogFormat, "InvalidConfiguration"), (ex.Variable, ex.Setting, ex.ErrorId));
        Assert.Equal($"OBS_LOG_FORMAT must be text or json, not '{value}'.", ex.Message);
    }

    [Fact]
    public void The_connect_timeout_comes_from_the_url_then_PGCONNECT_TIMEOUT_then_the_default()
    {
        var env = Minimal();
        Assert.Equal(30, Resolve(env).Database!.ConnectTimeoutOrDefault);
        env["PGCONNECT_TIMEOUT"] = "7";
        Assert.Equal(7, Resolve(env).Database!.ConnectTimeout);
        env["DATABASE_URL"] += "?connect_timeout=3";
        Assert.Equal(3, Resolve(env).Database!.ConnectTimeout);
        env["PGCONNECT_TIMEOUT"] = "soon";
        env["DATABASE_URL"] = Minimal()["DATABASE_URL"];
        Assert.Equal("PGCONNECT_TIMEOUT", Assert.Throws<ConfigurationException>(() => Resolve(env)).Variable);
    }

    [Fact]
    public void Tools_are_searched_on_the_resolved_PATH_and_a_configured_path_remembers_its_variable()
    {
        var env = Minimal();
        env["PATH"] = "/opt/pg/bin:/usr/bin";
        env["OBS_PG_DUMP"] = "/opt/pg/bin/pg_dump";
        var s = Resolve(env, new SettingOverrides { PsqlPath = "/x/psql" });
        Assert.Equal("/opt/pg/bin:/usr/bin", s.ToolSearchPath);
        Assert.Equal(new ToolPath("/opt/pg/bin/pg_dump", "OBS_PG_DUMP"), s.PgDumpPath);
        Assert.Equal(new ToolPath("/x/psql"), s.PsqlPath);
    }

    [Fact]
    public void Secrets_come_from_the_files_their_FILE_variables_name()
    {
        var dir = Directory.CreateTempSubdirectory("obs-secrets-").FullName;
        File.WriteAllText(Path.Combine(dir, "url"), "postgresql://app:from-a-file@db:5432/observatory\n");
        File.WriteAllText(Path.Combine(dir, "access"), "AKFILE");
        File.WriteAllText(Path.Combine(dir, "secret"), "s3cr3t-from-file\r\n");
        var env = new Dictionary<string, string?>
        {
            ["DATABASE_URL_FILE"] = Path.Combine(dir, "url"),
            ["MINIO_ENDPOINT"] = "minio:9000",
            ["MINIO_ACCESS_KEY_FILE"] = Path.Combine(dir, "access"),
            ["MINIO_SECRET_KEY_FILE"] = Path.Combine(dir, "secret"),
        };

        var settings = Resolve(env);

        Assert.Equal(("app", "from-a-file"), (settings.Database!.User, settings.Database.Password));
        Assert.Equal(("AKFILE", "s3cr3t-from-file"), (settings.Storage.AccessKey, settings.Storage.SecretKey));
    }

    [Fact]
    public void A_secret_set_twice_or_in_a_file_that_cannot_be_read_is_an_error_naming_the_variable_never_the_content()
    {
        var dir = Directory.CreateTempSubdirectory("obs-secrets-").FullName;
        File.WriteAllText(Path.Combine(dir, "secret"), "the-secret-itself");
        var both = Minimal();
        both["MINIO_SECRET_KEY"] = "also-set";
        both["MINIO_SECRET_KEY_FILE"] = Path.Combine(dir, "secret");
        var missing = Minimal();
        missing["DATABASE_URL"] = null;
        missing["DATABASE_URL_FILE"] = Path.Combine(dir, "no-such-file");

        var twice = Assert.Throws<ConfigurationException>(() => Resolve(both));
        var unreadable = Assert.Throws<ConfigurationException>(() => Resolve(missing));

        Assert.Equal("MINIO_SECRET_KEY_FILE and MINIO_SECRET_KEY are both set; set one of them.", twice.Message);
        Assert.StartsWith("DATABASE_URL_FILE names a file that cannot be read", unreadable.Message);
        Assert.DoesNotContain("the-secret-itself", twice.Message + unreadable.Message);
        Assert.DoesNotContain("also-set", twice.Message);
    }

    [Fact]
    public void Credential_keys_come_from_files_too()
    {
        var dir = Directory.CreateTempSubdirectory("obs-secrets-").FullName;
        File.WriteAllText(Path.Combine(dir, "old"), "OLDKEY\n");
        File.WriteAllText(Path.Combine(dir, "new"), "NEWKEY\n");
        var env = new Dictionary<string, string?> { ["CREDENTIAL_ENCRYPTION_KEY_FILE"] = Path.Combine(dir, "old"), ["CREDENTIAL_ENCRYPTION_KEY_NEW_FILE"] = Path.Combine(dir, "new") };

        var (oldKey, newKey) = new SettingsResolver(env).ResolveCredentialKeys(null, null);

        Assert.Equal(("OLDKEY", "NEWKEY"), (oldKey.Text, newKey.Text));
    }

    [Fact]
    public void Restore_jobs_default_to_the_cores_less_one_but_two_on_two_cores_and_a_bad_count_names_its_variable()
    {
        Assert.Equal(ObsSettings.DefaultRestoreJobs(Environment.ProcessorCount), Resolve(Minimal()).RestoreJobs);
        // two on two cores, where the second COPY stream was measured to pay; one on one; at most 8
        Assert.Equal([1, 2, 2, 3, 7, 8, 8], new[] { 1, 2, 3, 4, 8, 9, 64 }.Select(ObsSettings.DefaultRestoreJobs));
        Assert.Equal(3, Resolve(new(Minimal()) { ["OBS_RESTORE_JOBS"] = "3" }).RestoreJobs);
        Assert.Equal(5, Resolve(new(Minimal()) { ["OBS_RESTORE_JOBS"] = "3" }, new SettingOverrides { RestoreJobs = 5 }).RestoreJobs);
        foreach (var bad in new[] { "0", "65", "two" })
        {
            var ex = Assert.Throws<ConfigurationException>(() => Resolve(new(Minimal()) { ["OBS_RESTORE_JOBS"] = bad }));
            Assert.Contains("OBS_RESTORE_JOBS", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Only_the_default_restore_jobs_may_be_fitted_to_the_servers_free_connections_and_never_below_one()
    {
        Assert.True(Resolve(Minimal()).RestoreJobsByDefault);
        Assert.False(Resolve(new(Minimal()) { ["OBS_RESTORE_JOBS"] = "2" }).RestoreJobsByDefault);
        Assert.False(Resolve(Minimal(), new SettingOverrides { RestoreJobs = 2 }).RestoreJobsByDefault);
        // twice the jobs and one: a phase's sessions may still be ending as the next phase's start
        Assert.Equal([1, 1, 1, 1, 2, 2, 3, 3, 3], new[] { -4, 0, 1, 4, 5, 6, 7, 8, 100 }.Select(free => ConnectionSlots.JobsFitting(3, free)));
    }
}
