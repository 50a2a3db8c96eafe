using System.Text;
using CliWrap;
using CliWrap.Buffered;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Credentials;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Tests.Integration;

/// <summary>Interoperability with an independent implementation: tokens assembled and taken apart with the openssl command line.</summary>
public class FernetOpensslTests
{
    private const string Secret = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
    private static readonly byte[] KeyBytes = Convert.FromBase64String(Secret.Replace('-', '+').Replace('_', '/'));
    private static string SigningHex => Convert.ToHexString(KeyBytes[..16]);
    private static string EncryptionHex => Convert.ToHexString(KeyBytes[16..]);

    private static async Task<byte[]> OpensslAsync(byte[] input, params string[] args)
    {
        var output = new MemoryStream();
        var result = await CliWrap.Cli.Wrap("openssl").WithArguments(args)
            .WithStandardInputPipe(PipeSource.FromBytes(input))
            .WithStandardOutputPipe(PipeTarget.ToStream(output))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        Assert.True(result.ExitCode == 0, result.StandardError);
        return output.ToArray();
    }

    [Fact]
    public async Task Decrypts_a_token_built_by_openssl()
    {
        const string plaintext = """{"api_key": "made by openssl"}""";
        var iv = Enumerable.Range(100, 16).Select(i => (byte)i).ToArray();
        var ciphertext = await OpensslAsync(Encoding.UTF8.GetBytes(plaintext), "enc", "-aes-128-cbc", "-K", EncryptionHex, "-iv", Convert.ToHexString(iv));
        var body = new byte[] { 0x80, 0, 0, 0, 0, 0x65, 0x4c, 0x1a, 0x00 }.Concat(iv).Concat(ciphertext).ToArray();
        var mac = await OpensslAsync(body, "dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:" + SigningHex, "-binary");
        var token = Convert.ToBase64String(body.Concat(mac).ToArray()).Replace('+', '-').Replace('/', '_');

        var decrypted = FernetToken.TryDecrypt(FernetKey.Parse(new SettingValue(Setting.NewCredentialKey, Secret, "test")), token);

        Assert.Equal(plaintext, Encoding.UTF8.GetString(decrypted!));
    }

    [Fact]
    public async Task Openssl_verifies_and_decrypts_our_token()
    {
        const string plaintext = """{"api_key": "made by ObservatoryBackup"}""";
        var token = FernetToken.Encrypt(FernetKey.Parse(new SettingValue(Setting.NewCredentialKey, Secret, "test")), Encoding.UTF8.GetBytes(plaintext));
        var data = Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/'));
        Assert.Equal(0x80, data[0]);

        var mac = await OpensslAsync(data[..^32], "dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:" + SigningHex, "-binary");
        Assert.Equal(data[^32..], mac);
        var decrypted = await OpensslAsync(data[25..^32], "enc", "-d", "-aes-128-cbc", "-K", EncryptionHex, "-iv", Convert.ToHexString(data[9..25]));
        Assert.Equal(plaintext, Encoding.UTF8.GetString(decrypted));
    }
}
