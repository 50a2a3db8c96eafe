using System.Text;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Credentials;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>The Fernet specification's test vectors (generate.json, verify.json, invalid.json), written here as data.</summary>
[Trait("Tier", "Fast")]
public class FernetTests
{
    private const string Secret = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
    private const string Token = "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==";
    private static readonly byte[] Iv = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
    private static readonly FernetKey Key = FernetKey.Parse(new SettingValue(Setting.NewCredentialKey, Secret, "test"));

    [Fact]
    public void Generate_vector()
    {
        var token = FernetToken.Encrypt(Key, "hello"u8, DateTimeOffset.Parse("1985-10-26T01:20:00-07:00"), Iv);
        Assert.Equal(Token, token + new string('=', (4 - token.Length % 4) % 4));
    }

    [Fact]
    public void Verify_vector()
    {
        var plain = FernetToken.TryDecrypt(Key, Token, TimeSpan.FromSeconds(60), DateTimeOffset.Parse("1985-10-26T01:20:01-07:00"));
        Assert.Equal("hello", Encoding.UTF8.GetString(plain!));
    }

    [Theory]
    [InlineData("incorrect mac", "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykQUFBQUFBQUFBQQ==", "1985-10-26T01:20:01-07:00")]
    [InlineData("too short", "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPA==", "1985-10-26T01:20:01-07:00")]
    [InlineData("invalid base64", "%%%%%%%%%%%%%AECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==", "1985-10-26T01:20:01-07:00")]
    [InlineData("payload size not multiple of block size", "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPOm73QeoCk9uGib28Xe5vz6oxq5nmxbx_v7mrfyudzUm", "1985-10-26T01:20:01-07:00")]
    [InlineData("payload padding error", "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0ODz4LEpdELGQAad7aNEHbf-JkLPIpuiYRLQ3RtXatOYREu2FWke6CnJNYIbkuKNqOhw==", "1985-10-26T01:20:01-07:00")]
    [InlineData("far-future TS (unacceptable clock skew)", "gAAAAAAdwStRAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAnja1xKYyhd-Y6mSkTOyTGJmw2Xc2a6kBd-iX9b_qXQcw==", "1985-10-26T01:20:01-07:00")]
    [InlineData("expired TTL", "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==", "1985-10-26T01:21:31-07:00")]
    [InlineData("incorrect IV (causes padding error)", "gAAAAAAdwJ6xBQECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAkLhFLHpGtDBRLRTZeUfWgHSv49TF2AUEZ1TIvcZjK1zQ==", "1985-10-26T01:20:01-07:00")]
    public void Invalid_vectors_are_refused(string description, string token, string now)
    {
        Assert.True(FernetToken.TryDecrypt(Key, token, TimeSpan.FromSeconds(60), DateTimeOffset.Parse(now)) is null, description);
    }

    [Fact]
    public void Round_trips_with_a_fresh_iv_each_time()
    {
        var key = FernetKey.Generate();
        var a = FernetToken.Encrypt(key, """{"api_key": "k"}"""u8);
        var b = FernetToken.Encrypt(key, """{"api_key": "k"}"""u8);
        Assert.NotEqual(a, b);
        Assert.Equal("""{"api_key": "k"}""", Encoding.UTF8.GetString(FernetToken.TryDecrypt(key, a)!));
        Assert.Null(FernetToken.TryDecrypt(FernetKey.Generate(), a));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 at all!")]
    [InlineData("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4")]     // 30 bytes
    [InlineData("cw/0x689RpI+jtRR7oE8h/eQsKImvJapLeSbXpwF4e4=")]  // standard, not url-safe, alphabet
    public void Bad_keys_name_the_setting_and_not_the_value(string text)
    {
        var ex = Assert.Throws<ConfigurationException>(() => FernetKey.Parse(new SettingValue(Setting.NewCredentialKey, text, "CREDENTIAL_ENCRYPTION_KEY")));
        Assert.Equal("CREDENTIAL_ENCRYPTION_KEY", ex.Variable);
        if (text.Length > 0) Assert.DoesNotContain(text, ex.Message);
    }
}
