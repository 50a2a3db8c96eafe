using ObservatoryBackup.Configuration;
using ObservatoryBackup.Encryption;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>The settings of issue 19 as the resolver reads them: age keys, Object Lock, and the S3 account's options.</summary>
[Trait("Tier", "Fast")]
public sealed class StoreAndEncryptionSettingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("obs-settings-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ObsSettings Resolve(Dictionary<string, string?> env, SettingOverrides? overrides = null) =>
        new SettingsResolver(env).Resolve(overrides ?? new SettingOverrides(), needsDatabase: false);

    private static Dictionary<string, string?> Env(params (string Name, string? Value)[] vars)
    {
        var env = new Dictionary<string, string?> { ["MINIO_ENDPOINT"] = "minio:9000" };
        foreach (var (name, value) in vars) env[name] = value;
        return env;
    }

    private string FileWith(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Recipients_come_from_the_parameter_the_variable_or_the_file_and_a_bad_one_is_named()
    {
        var (a, b) = (AgeIdentity.Generate().Recipient, AgeIdentity.Generate().Recipient);

        Assert.Empty(Resolve(Env()).Recipients);
        Assert.Equal([a, b], Resolve(Env(("OBS_AGE_RECIPIENTS", $"{a}, {b},{a}"))).Recipients);
        Assert.Equal([b], Resolve(Env(("OBS_AGE_RECIPIENTS_FILE", FileWith("r.txt", $"# backup key\n{b}\n\n")))).Recipients);
        Assert.Equal([a], Resolve(Env(("OBS_AGE_RECIPIENTS", b.ToString())), new SettingOverrides { Recipients = [a.ToString()] }).Recipients);

        var bad = Assert.Throws<ConfigurationException>(() => Resolve(Env(("OBS_AGE_RECIPIENTS", "age1notakey"))));
        Assert.StartsWith("OBS_AGE_RECIPIENTS holds 'age1notakey', which is not an age recipient", bad.Message);
        var both = Assert.Throws<ConfigurationException>(() => Resolve(Env(("OBS_AGE_RECIPIENTS", a.ToString()), ("OBS_AGE_RECIPIENTS_FILE", FileWith("r2.txt", b.ToString())))));
        Assert.Equal("OBS_AGE_RECIPIENTS_FILE and OBS_AGE_RECIPIENTS are both set; set one of them.", both.Message);
    }

    [Fact]
    public void The_identity_file_is_read_and_a_bad_one_is_named_never_quoted()
    {
        var identity = AgeIdentity.Generate();
        var good = FileWith("key.txt", AgeIdentityFile.Format(identity, DateTimeOffset.UtcNow));
        Assert.Equal(identity.Recipient, Assert.Single(Resolve(Env(("OBS_AGE_IDENTITY_FILE", good))).Identities!).Recipient);
        Assert.Null(Resolve(Env()).Identities);

        var secretLike = "AGE-SECRET-KEY-1NOTREALLYAKEYBUTSECRETLOOKING";
        var bad = Assert.Throws<ConfigurationException>(() => Resolve(Env(("OBS_AGE_IDENTITY_FILE", FileWith("bad.txt", $"# ok\n{secretLike}\n")))));
        Assert.Contains("line 2 is not usable", bad.Message);
        Assert.DoesNotContain(secretLike, bad.Message);
        var missing = Assert.Throws<ConfigurationException>(() => Resolve(Env(), new SettingOverrides { IdentityFile = Path.Combine(_dir, "none") }));
        Assert.Equal(Setting.IdentityFile, missing.Setting);
    }

    [Fact]
    public void New_identity_files_are_owner_only_and_never_overwritten_unasked()
    {
        var path = Path.Combine(_dir, "new.agekey");
        AgeIdentityFile.Write(path, AgeIdentity.Generate(), DateTimeOffset.UtcNow, overwrite: false);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Throws<IOException>(() => AgeIdentityFile.Write(path, AgeIdentity.Generate(), DateTimeOffset.UtcNow, overwrite: false));
    }

    [Fact]
    public void Object_lock_takes_days_and_a_mode()
    {
        Assert.Null(Resolve(Env()).Storage.Lock);
        Assert.Equal(new ObjectLock(30, ObjectLockMode.Governance), Resolve(Env(("OBS_OBJECT_LOCK_DAYS", "30"))).Storage.Lock);
        Assert.Equal(new ObjectLock(7, ObjectLockMode.Compliance), Resolve(Env(("OBS_OBJECT_LOCK_DAYS", "30"), ("OBS_OBJECT_LOCK_MODE", "compliance")), new SettingOverrides { LockDays = 7 }).Storage.Lock);

        Assert.Equal("OBS_OBJECT_LOCK_DAYS must be a whole number of days from 1 to 36500, not '0'.",
            Assert.Throws<ConfigurationException>(() => Resolve(Env(("OBS_OBJECT_LOCK_DAYS", "0")))).Message);
        Assert.Equal("OBS_OBJECT_LOCK_MODE must be GOVERNANCE or COMPLIANCE, not 'strict'.",
            Assert.Throws<ConfigurationException>(() => Resolve(Env(("OBS_OBJECT_LOCK_DAYS", "1"), ("OBS_OBJECT_LOCK_MODE", "strict")))).Message);
        Assert.Equal(ErrorIds.MissingConfiguration,
            Assert.Throws<ConfigurationException>(() => Resolve(Env(("OBS_OBJECT_LOCK_MODE", "COMPLIANCE")))).ErrorId);
    }

    [Fact]
    public void Region_addressing_storage_class_and_server_side_encryption_are_read_and_checked()
    {
        var defaults = Resolve(Env()).Storage;
        Assert.Equal(("us-east-1", false, null, null), (defaults.Region, defaults.VirtualHostedStyle, defaults.StorageClass, defaults.ServerSideEncryption));
        Assert.Equal("eu-central-1", Resolve(Env(("AWS_REGION", "eu-central-1"))).Storage.Region);
        Assert.Equal("eu-west-1", Resolve(Env(("AWS_REGION", "eu-central-1"), ("OBS_S3_REGION", "eu-west-1"))).Storage.Region);
        var aws = Resolve(Env(("OBS_S3_ADDRESSING", "virtual"), ("OBS_S3_STORAGE_CLASS", "standard_ia"), ("OBS_S3_SSE", "aws:kms"), ("OBS_S3_SSE_KMS_KEY_ID", "alias/backups"))).Storage;
        Assert.Equal((true, "STANDARD_IA", "aws:kms", "alias/backups"), (aws.VirtualHostedStyle, aws.StorageClass, aws.ServerSideEncryption, aws.KmsKeyId));

        Assert.Equal("OBS_S3_ADDRESSING must be path or virtual, not 'dns'.", Assert.Throws<ConfigurationException>(() => Resolve(Env(("OBS_S3_ADDRESSING", "dns")))).Message);
        Assert.Equal("OBS_S3_SSE must be AES256 or aws:kms, not 'yes'.", Assert.Throws<ConfigurationException>(() => Resolve(Env(("OBS_S3_SSE", "yes")))).Message);
        Assert.Equal("OBS_S3_SSE_KMS_KEY_ID is for OBS_S3_SSE=aws:kms, which is not set.", Assert.Throws<ConfigurationException>(() => Resolve(Env(("OBS_S3_SSE_KMS_KEY_ID", "k")))).Message);
    }

    [Fact]
    public void The_sse_c_key_is_read_raw_or_in_base64_and_never_quoted()
    {
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var raw = Path.Combine(_dir, "raw.key");
        File.WriteAllBytes(raw, key);
        Assert.Equal(key, Resolve(Env(("OBS_S3_SSE_C_KEY_FILE", raw))).Storage.CustomerKey);
        Assert.Equal(key, Resolve(Env(("OBS_S3_SSE_C_KEY_FILE", FileWith("b64.key", Convert.ToBase64String(key) + "\n")))).Storage.CustomerKey);

        var shortKey = Assert.Throws<ConfigurationException>(() => Resolve(Env(("OBS_S3_SSE_C_KEY_FILE", FileWith("short.key", "c2hvcnQ=")))));
        Assert.Contains("does not hold a 256-bit key", shortKey.Message);
        Assert.DoesNotContain("c2hvcnQ=", shortKey.Message);
        Assert.DoesNotContain(Convert.ToBase64String(key), Resolve(Env(("OBS_S3_SSE_C_KEY_FILE", raw))).Storage.ToString());
    }

    [Fact]
    public void Without_minio_keys_an_aws_source_takes_the_sdks_chain_and_is_named_otherwise_the_specs_default_holds()
    {
        Assert.Equal((false, "default (minioadmin)"), (Resolve(Env()).Storage.UseCredentialChain, Resolve(Env()).Storage.CredentialSource));
        var env = Resolve(Env(("AWS_ACCESS_KEY_ID", "AKIA"), ("AWS_SECRET_ACCESS_KEY", "secret"))).Storage;
        Assert.Equal((true, "AWS SDK chain: AWS_ACCESS_KEY_ID"), (env.UseCredentialChain, env.CredentialSource));
        Assert.True(Resolve(Env(("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/token"))).Storage.UseCredentialChain);
        Assert.Equal("AWS SDK chain: profile 'backup' (AWS_PROFILE)", Resolve(Env(("AWS_PROFILE", "backup"))).Storage.CredentialSource);
        Assert.True(Resolve(Env(("OBS_S3_CREDENTIALS", "aws"))).Storage.UseCredentialChain);
        // MinIO's keys, when given, win
        Assert.False(Resolve(Env(("AWS_ACCESS_KEY_ID", "AKIA"), ("MINIO_ACCESS_KEY", "minio"), ("MINIO_SECRET_KEY", "s"))).Storage.UseCredentialChain);
    }

    [Fact]
    public void A_run_on_minios_built_in_keys_warns_naming_the_keys_and_the_variables_never_a_secret()
    {
        static List<BackupEvent> Opened(Dictionary<string, string?> env)
        {
            var log = new Fixtures.RecordingLog();
            using var store = ObservatoryBackup.Store.BackupStore.Open(Resolve(env).Storage, new EventLog(log, TimeProvider.System), _ => new Fixtures.MemoryObjectStore());
            return [.. log.Events.Where(e => e.Name == "storage_default_credentials")];
        }

        var warning = Assert.Single(Opened(Env()));
        Assert.Equal(LogLevel.WARNING, warning.Level);
        Assert.Equal("access key and secret key", warning["keys"]);
        Assert.Contains("MINIO_ACCESS_KEY, MINIO_SECRET_KEY", (string?)warning["message"]);
        Assert.Contains("minioadmin", (string?)warning["message"]);
        Assert.Equal("secret key", Assert.Single(Opened(Env(("MINIO_ACCESS_KEY", "backup"))))["keys"]);
        Assert.Equal("access key", Assert.Single(Opened(Env(("MINIO_ROOT_PASSWORD", "s3cret"))))["keys"]);
        // keys given, or the AWS SDK's chain: no word
        Assert.Empty(Opened(Env(("MINIO_ACCESS_KEY", "backup"), ("MINIO_SECRET_KEY", "s3cret"))));
        Assert.Empty(Opened(Env(("MINIO_ROOT_USER", "root"), ("MINIO_ROOT_PASSWORD", "s3cret"))));
        Assert.Empty(Opened(Env(("AWS_PROFILE", "backup"))));
    }
}
