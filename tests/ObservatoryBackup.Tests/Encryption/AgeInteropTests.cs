using CliWrap;
using CliWrap.Buffered;
using ObservatoryBackup.Encryption;

namespace ObservatoryBackup.Tests.Encryption;

/// <summary>
/// Our age files against the reference implementation, Debian's age 1.1.1, both ways: what we encrypt,
/// <c>age -d</c> decrypts; what <c>age -r</c> encrypts, we decrypt; our keys are age's keys.
/// </summary>
public sealed class AgeInteropTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("obs-age-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int ExitCode, byte[] Stdout, string Stderr)> AgeAsync(string tool, string[] args, byte[]? stdin = null)
    {
        var stdout = new MemoryStream();
        var stderr = new System.Text.StringBuilder();
        var result = await CliWrap.Cli.Wrap(tool).WithArguments(args)
            .WithStandardInputPipe(PipeSource.FromBytes(stdin ?? []))
            .WithStandardOutputPipe(PipeTarget.ToStream(stdout))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .WithValidation(CommandResultValidation.None).ExecuteAsync();
        return (result.ExitCode, stdout.ToArray(), stderr.ToString());
    }

    public static TheoryData<int> Sizes => [0, 1, 1000, 64 * 1024, 64 * 1024 + 1, 3 * 64 * 1024, 200_000];

    private static byte[] Plaintext(int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task What_we_encrypt_age_decrypts(int size)
    {
        var identity = AgeIdentity.Generate();
        var keyFile = Path.Combine(_dir, "key.txt");
        await File.WriteAllTextAsync(keyFile, AgeIdentityFile.Format(identity, DateTimeOffset.UtcNow));
        var plain = Plaintext(size);
        var encrypted = new MemoryStream();
        await using (var age = new AgeEncryptingStream(encrypted, [AgeIdentity.Generate().Recipient, identity.Recipient], leaveOpen: true))
            await age.WriteAsync(plain);

        var (exit, stdout, stderr) = await AgeAsync("age", ["-d", "-i", keyFile], encrypted.ToArray());

        Assert.True(exit == 0, stderr);
        Assert.Equal(plain, stdout);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task What_age_encrypts_we_decrypt(int size)
    {
        var keyFile = Path.Combine(_dir, "key.txt");
        var (keygenExit, _, keygenErr) = await AgeAsync("age-keygen", ["-o", keyFile]);
        Assert.True(keygenExit == 0, keygenErr);
        var identities = AgeIdentityFile.Parse(await File.ReadAllTextAsync(keyFile));
        var plain = Plaintext(size);
        var (exit, encrypted, stderr) = await AgeAsync("age", ["-r", identities[0].Recipient.ToString()], plain);
        Assert.True(exit == 0, stderr);

        await using var age = new AgeDecryptingStream(new MemoryStream(encrypted), identities);
        var decrypted = new MemoryStream();
        await age.CopyToAsync(decrypted);

        Assert.Equal(plain, decrypted.ToArray());
    }

    [Fact]
    public async Task Our_keys_are_ages_keys()
    {
        var identity = AgeIdentity.Generate();
        var keyFile = Path.Combine(_dir, "key.txt");
        await File.WriteAllTextAsync(keyFile, AgeIdentityFile.Format(identity, DateTimeOffset.UtcNow));

        var (exit, stdout, stderr) = await AgeAsync("age-keygen", ["-y", keyFile]);

        Assert.True(exit == 0, stderr);
        Assert.Equal(identity.Recipient.ToString(), System.Text.Encoding.ASCII.GetString(stdout).Trim());
        Assert.Equal(identity.Recipient, AgeRecipient.Parse(identity.Recipient.ToString()));
        Assert.DoesNotContain(identity.ToSecretString(), identity.ToString());
    }

    [Fact]
    public async Task A_changed_byte_fails_at_its_chunk_and_nothing_of_that_chunk_is_read()
    {
        var identity = AgeIdentity.Generate();
        var plain = Plaintext(3 * 64 * 1024 + 10);
        var encrypted = new MemoryStream();
        await using (var age = new AgeEncryptingStream(encrypted, [identity.Recipient], leaveOpen: true))
            await age.WriteAsync(plain);
        var bytes = encrypted.ToArray();
        // a byte in the second chunk's ciphertext: the payload starts after the header and 16-byte nonce
        var payloadStart = bytes.AsSpan().IndexOf("\n--- "u8) + 5 + 43 + 1 + 16;
        bytes[payloadStart + (64 * 1024 + 16) + 100] ^= 1;

        await using var reader = new AgeDecryptingStream(new MemoryStream(bytes), [identity]);
        var read = new MemoryStream();
        var buffer = new byte[4096];
        var failure = await Assert.ThrowsAsync<AgeException>(async () =>
        {
            int n;
            while ((n = await reader.ReadAsync(buffer)) > 0) read.Write(buffer, 0, n);
        });

        Assert.Equal(AgeFailure.Payload, failure.Failure);
        Assert.Contains("chunk 2", failure.Message);
        Assert.Equal(plain[..(64 * 1024)], read.ToArray());
    }

    [Fact]
    public async Task A_wrong_identity_fails_before_the_payload_naming_the_recipients_of_the_file()
    {
        var recipient = AgeIdentity.Generate().Recipient;
        var encrypted = new MemoryStream();
        await using (var age = new AgeEncryptingStream(encrypted, [recipient], leaveOpen: true))
            await age.WriteAsync(Plaintext(10));
        var wrong = AgeIdentity.Generate();

        await using var reader = new AgeDecryptingStream(new MemoryStream(encrypted.ToArray()), [wrong]);
        var failure = await Assert.ThrowsAsync<AgeException>(() => reader.ReadHeaderAsync(default));

        Assert.Equal(AgeFailure.NoMatch, failure.Failure);
        Assert.Equal([recipient.ToString()], failure.Recipients);
        Assert.Contains(recipient.ToString(), failure.Message);
        Assert.Contains(wrong.Recipient.ToString(), failure.Message);
        Assert.DoesNotContain(wrong.ToSecretString(), failure.Message);
    }
}
