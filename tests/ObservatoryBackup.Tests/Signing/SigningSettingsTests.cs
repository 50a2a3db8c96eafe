using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Signing;

namespace ObservatoryBackup.Tests.Signing;

/// <summary>The signing key and the trusted keys as the resolver reads them, into the use cases' options.</summary>
[Trait("Tier", "Fast")]
public sealed class SigningSettingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("obs-signing-").FullName;
    private static readonly MinisignSecretKey A = MinisignSecretKey.Generate();
    private static readonly MinisignSecretKey B = MinisignSecretKey.Generate();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Dictionary<string, string?> Env(params (string Name, string? Value)[] vars)
    {
        var env = new Dictionary<string, string?> { ["MINIO_ENDPOINT"] = "minio:9000", ["DATABASE_URL"] = "postgresql://u:p@db/observatory" };
        foreach (var (name, value) in vars) env[name] = value;
        return env;
    }

    private string FileWith(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static IReadOnlyList<MinisignPublicKey> Trusted(Dictionary<string, string?> env, SettingOverrides? overrides = null)
    {
        var resolver = new SettingsResolver(env);
        var restore = resolver.ResolveRestore(overrides ?? new SettingOverrides()).TrustedKeys;
        Assert.Equal(restore, resolver.ResolveTest(overrides ?? new SettingOverrides(), verifyOnly: true).TrustedKeys);
        return restore;
    }

    [Fact]
    public void The_signing_key_comes_from_the_parameter_or_the_variable_and_an_encrypted_or_bad_one_is_refused_unquoted()
    {
        var file = FileWith("a.key", A.Format());

        Assert.Null(new SettingsResolver(Env()).ResolveBackup(new SettingOverrides()).SigningKey);
        Assert.Equal(A.KeyId, new SettingsResolver(Env(("OBS_SIGNING_KEY_FILE", file))).ResolveBackup(new SettingOverrides()).SigningKey!.KeyId);
        Assert.Equal(A.KeyId, new SettingsResolver(Env(("OBS_SIGNING_KEY_FILE", "/nonexistent"))).ResolveBackup(new SettingOverrides { SigningKeyFile = file }).SigningKey!.KeyId);

        var encrypted = Assert.Throws<ConfigurationException>(() => new SettingsResolver(Env(("OBS_SIGNING_KEY_FILE", FileWith("enc.key", A.Format("pw", 1 << 10, 1 << 16))))).ResolveBackup(new SettingOverrides()));
        Assert.Equal((Setting.SigningKeyFile, "OBS_SIGNING_KEY_FILE"), (encrypted.Setting, encrypted.Variable));
        Assert.Contains("unencrypted", encrypted.Message);
        var bad = Assert.Throws<ConfigurationException>(() => new SettingsResolver(Env()).ResolveBackup(new SettingOverrides { SigningKeyFile = FileWith("bad.key", "untrusted comment: x\nc2VjcmV0IHN0dWZm\n") }));
        Assert.Equal(Setting.SigningKeyFile, bad.Setting);
        Assert.DoesNotContain("c2VjcmV0", bad.Message);
        // a restore host does not read it
        Assert.Empty(new SettingsResolver(Env(("OBS_SIGNING_KEY_FILE", "/nonexistent"))).ResolveRestore(new SettingOverrides()).TrustedKeys);
    }

    [Fact]
    public void Trusted_keys_come_from_the_parameter_the_variable_or_a_file_of_pub_files_and_a_bad_one_is_named()
    {
        var (a, b) = (A.PublicKey.ToBase64(), B.PublicKey.ToBase64());

        Assert.Empty(Trusted(Env()));
        Assert.Equal([A.PublicKey, B.PublicKey], Trusted(Env(("OBS_TRUSTED_KEYS", $"{a}, {b} {a}"))));
        Assert.Equal([B.PublicKey, A.PublicKey], Trusted(Env(("OBS_TRUSTED_KEYS_FILE", FileWith("t.pub", $"# restore keys\n{B.PublicKey.Format()}{A.PublicKey.Format()}\n")))));
        Assert.Equal([A.PublicKey], Trusted(Env(("OBS_TRUSTED_KEYS", b)), new SettingOverrides { TrustedKeys = [a] }));

        var both = Assert.Throws<ConfigurationException>(() => Trusted(Env(("OBS_TRUSTED_KEYS", a), ("OBS_TRUSTED_KEYS_FILE", FileWith("u.pub", b)))));
        Assert.Equal(Setting.TrustedKeys, both.Setting);
        var bad = Assert.Throws<ConfigurationException>(() => Trusted(Env(("OBS_TRUSTED_KEYS", "RWnotakey"))));
        Assert.Equal((Setting.TrustedKeys, "OBS_TRUSTED_KEYS"), (bad.Setting, bad.Variable));
        Assert.Contains("RWnotakey", bad.Message);
        var none = Assert.Throws<ConfigurationException>(() => Trusted(Env(("OBS_TRUSTED_KEYS_FILE", FileWith("empty.pub", "# nothing\n")))));
        Assert.Equal("OBS_TRUSTED_KEYS_FILE", none.Variable);
    }

    [Theory]
    [InlineData("OBS_TRUSTED_KEYS", "")]
    [InlineData("OBS_TRUSTED_KEYS", "  ")]
    [InlineData("OBS_TRUSTED_KEYS_FILE", "")]
    public void A_trusted_keys_variable_set_to_nothing_is_refused_by_name_never_read_as_no_checking(string variable, string value)
    {
        var ex = Assert.Throws<ConfigurationException>(() => Trusted(Env((variable, value))));

        Assert.Equal((Setting.TrustedKeys, variable), (ex.Setting, ex.Variable));
        Assert.Contains("empty", ex.Message);
        var separators = Assert.Throws<ConfigurationException>(() => Trusted(Env(("OBS_TRUSTED_KEYS", " , ,\t"))));
        Assert.Equal("OBS_TRUSTED_KEYS", separators.Variable);
    }

    [Fact]
    public void A_secret_key_given_as_a_trusted_key_is_refused_as_one_and_never_quoted()
    {
        var secretLine = A.Format().Split('\n')[1];
        var inline = Assert.Throws<ConfigurationException>(() => Trusted(Env(("OBS_TRUSTED_KEYS", $"{B.PublicKey.ToBase64()}, {secretLine}"))));
        var file = Assert.Throws<ConfigurationException>(() => Trusted(Env(("OBS_TRUSTED_KEYS_FILE", FileWith("a.key", A.Format())))));
        var encrypted = Assert.Throws<ConfigurationException>(() => Trusted(Env(), new SettingOverrides { TrustedKeys = [A.Format("pw", 1 << 10, 1 << 16).Split('\n')[1]] }));
        // anything longer than a public key is not quoted whole either
        var longer = Assert.Throws<ConfigurationException>(() => Trusted(Env(("OBS_TRUSTED_KEYS", "RW" + new string('x', 200)))));

        foreach (var ex in new[] { inline, file, encrypted, longer })
        {
            Assert.Equal(Setting.TrustedKeys, ex.Setting);
            Assert.DoesNotContain(secretLine[8..24], ex.Message);
            Assert.DoesNotContain(new string('x', 20), ex.Message);
        }
        Assert.Contains("secret key", inline.Message);
        Assert.Contains("secret key", file.Message);
        Assert.Contains("secret key", encrypted.Message);
        Assert.Equal(("OBS_TRUSTED_KEYS", "OBS_TRUSTED_KEYS_FILE", (string?)null), (inline.Variable, file.Variable, encrypted.Variable));
    }

    [Fact]
    public void A_public_key_given_as_the_signing_key_is_refused_naming_the_setting()
    {
        var ex = Assert.Throws<ConfigurationException>(() => new SettingsResolver(Env(("OBS_SIGNING_KEY_FILE", FileWith("a.pub", A.PublicKey.Format())))).ResolveBackup(new SettingOverrides()));

        Assert.Equal((Setting.SigningKeyFile, "OBS_SIGNING_KEY_FILE"), (ex.Setting, ex.Variable));
        Assert.Contains("not a minisign secret key", ex.Message);
    }
}
