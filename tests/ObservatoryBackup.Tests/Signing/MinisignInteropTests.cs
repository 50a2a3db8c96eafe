using ObservatoryBackup.Signing;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Signing;

/// <summary>
/// Our minisign keys and signatures against the reference implementation, Debian's minisign 0.11, both
/// ways: what we sign, <c>minisign -V</c> accepts; what <c>minisign -S</c> signs, we verify; keys made by
/// either work with the other. Needs only the <c>minisign</c> binary.
/// </summary>
public sealed class MinisignInteropTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("obs-minisign-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string At(string name) => Path.Combine(_dir, name);

    private static Task<(int ExitCode, string Stdout, string Stderr)> MinisignAsync(string[] args, string stdin = "") => Minisign.RunAsync(args, stdin);

    private async Task<(string Secret, string Public)> MinisignKeyPairAsync(string name)
    {
        var (exit, stdout, stderr) = await MinisignAsync(["-G", "-W", "-p", At(name + ".pub"), "-s", At(name + ".key")]);
        Assert.True(exit == 0, stdout + stderr);
        return (At(name + ".key"), At(name + ".pub"));
    }

    private string NewFile(string name, int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        File.WriteAllBytes(At(name), data);
        return At(name);
    }

    private static async Task<MinisignSignature> SignInChunksAsync(string file, MinisignSecretKey key, string comment)
    {
        var signer = new MinisignSigner(key);
        await using var stream = File.OpenRead(file);
        var buffer = new byte[4099];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0) signer.Append(buffer.AsSpan(0, n));
        return signer.Finish(comment);
    }

    private static async Task<MinisignVerification> VerifyAsync(string file, string signatureFile, params MinisignPublicKey[] trusted)
    {
        await using var stream = File.OpenRead(file);
        return await MinisignVerifier.VerifyAsync(stream, MinisignSignature.Parse(await File.ReadAllBytesAsync(signatureFile)), trusted);
    }

    [Fact]
    public async Task The_reference_tool_is_minisign_0_11_or_later()
    {
        var (exit, stdout, stderr) = await MinisignAsync(["-v"]);

        Assert.True(exit == 0, stdout + stderr);
        Assert.Matches(@"^minisign 0\.(1[1-9]|[2-9][0-9])", stdout);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(300_007)]
    public async Task What_we_sign_with_a_minisign_key_minisign_verifies_and_refuses_once_tampered(int size)
    {
        var (sk, pk) = await MinisignKeyPairAsync("ms");
        var file = NewFile("db.sql.gz", size);
        var key = MinisignSecretKey.Parse(await File.ReadAllTextAsync(sk));
        var comment = MinisignSigner.DefaultTrustedComment(DateTimeOffset.UtcNow, "db.sql.gz");
        await File.WriteAllBytesAsync(file + ".minisig", (await SignInChunksAsync(file, key, comment)).Format());

        var (exit, stdout, stderr) = await MinisignAsync(["-V", "-H", "-m", file, "-p", pk]);

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains($"Trusted comment: {comment}", stdout);
        await File.AppendAllTextAsync(file, "x");
        var (tamperedExit, _, tamperedErr) = await MinisignAsync(["-V", "-m", file, "-p", pk]);
        Assert.Equal(1, tamperedExit);
        Assert.Contains("Signature verification failed", tamperedErr);
    }

    [Fact]
    public async Task What_minisign_signs_we_verify_with_its_trusted_comment_and_refuse_once_tampered()
    {
        var (sk, pk) = await MinisignKeyPairAsync("ms");
        var file = NewFile("db.sql.gz", 200_001);
        var (exit, stdout, stderr) = await MinisignAsync(["-S", "-s", sk, "-m", file, "-t", "timestamp:1\tfile:db.sql.gz\thashed", "-c", "from minisign"]);
        Assert.True(exit == 0, stdout + stderr);
        var publicKey = MinisignPublicKey.Parse(await File.ReadAllTextAsync(pk));

        var verified = await VerifyAsync(file, file + ".minisig", publicKey);

        Assert.Equal("timestamp:1\tfile:db.sql.gz\thashed", verified.TrustedComment);
        Assert.Equal(200_001, verified.Length);
        Assert.Equal("from minisign", MinisignSignature.Parse(await File.ReadAllBytesAsync(file + ".minisig")).UntrustedComment);
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[100_000] ^= 1;
        await File.WriteAllBytesAsync(file, bytes);
        var failure = await Assert.ThrowsAsync<MinisignException>(() => VerifyAsync(file, file + ".minisig", publicKey));
        Assert.Equal(MinisignFailure.BadSignature, failure.Failure);
    }

    [Fact]
    public async Task Minisigns_default_trusted_comment_verifies_and_a_changed_one_is_refused_by_both()
    {
        var (sk, pk) = await MinisignKeyPairAsync("ms");
        var file = NewFile("f", 10);
        var (exit, stdout, stderr) = await MinisignAsync(["-S", "-s", sk, "-m", file]);
        Assert.True(exit == 0, stdout + stderr);
        var publicKey = MinisignPublicKey.Parse(await File.ReadAllTextAsync(pk));
        Assert.Matches("^timestamp:[0-9]+\tfile:f\thashed$", (await VerifyAsync(file, file + ".minisig", publicKey)).TrustedComment);

        var text = await File.ReadAllTextAsync(file + ".minisig");
        await File.WriteAllTextAsync(file + ".minisig", text.Replace("file:f", "file:g"));

        var (minisignExit, _, minisignErr) = await MinisignAsync(["-V", "-m", file, "-p", pk]);
        Assert.Equal(1, minisignExit);
        Assert.Contains("Comment signature verification failed", minisignErr);
        var failure = await Assert.ThrowsAsync<MinisignException>(() => VerifyAsync(file, file + ".minisig", publicKey));
        Assert.Equal(MinisignFailure.BadTrustedComment, failure.Failure);
    }

    [Fact]
    public async Task Our_keys_are_minisigns_keys()
    {
        var key = MinisignSecretKey.Generate();
        MinisignKeyFiles.Write(At("obs.key"), At("obs.pub"), key, overwrite: false);
        var file = NewFile("f", 70_000);

        // an unencrypted key: minisign asks no password (its stdin is empty)
        var (signExit, signOut, signErr) = await MinisignAsync(["-S", "-s", At("obs.key"), "-m", file]);
        Assert.True(signExit == 0, signOut + signErr);
        var (verifyExit, verifyOut, verifyErr) = await MinisignAsync(["-V", "-H", "-m", file, "-p", At("obs.pub")]);
        Assert.True(verifyExit == 0, verifyOut + verifyErr);
        Assert.Equal(key.PublicKey, (await VerifyAsync(file, file + ".minisig", key.PublicKey)).Key);

        // minisign derives the same public key from our secret key file
        var (recreateExit, recreateOut, recreateErr) = await MinisignAsync(["-R", "-s", At("obs.key"), "-p", At("recreated.pub")]);
        Assert.True(recreateExit == 0, recreateOut + recreateErr);
        Assert.Equal(key.PublicKey.ToBase64(), (await File.ReadAllTextAsync(At("recreated.pub"))).Split('\n')[1]);
        Assert.Equal(key.PublicKey, MinisignPublicKey.Parse(await File.ReadAllTextAsync(At("recreated.pub"))));
    }

    [Fact]
    public async Task A_key_we_encrypt_opens_in_minisign_with_its_password()
    {
        var key = MinisignSecretKey.Generate();
        // libsodium's interactive limits, quick; minisign reads whatever limits the file holds
        await File.WriteAllTextAsync(At("enc.key"), key.Format("pass phrase", 524288, 16777216));
        await File.WriteAllTextAsync(At("enc.pub"), key.PublicKey.Format());
        var file = NewFile("f", 10);

        var (exit, stdout, stderr) = await MinisignAsync(["-S", "-s", At("enc.key"), "-m", file], "pass phrase\n");

        Assert.True(exit == 0, stdout + stderr);
        Assert.Equal(key.PublicKey, (await VerifyAsync(file, file + ".minisig", key.PublicKey)).Key);
        var (wrongExit, _, wrongErr) = await MinisignAsync(["-S", "-s", At("enc.key"), "-m", file], "another\n");
        Assert.NotEqual(0, wrongExit);
        Assert.Contains("Wrong password", wrongErr);
    }

    [Fact]
    public async Task A_key_minisign_encrypts_opens_here_with_its_password_and_asks_for_one_without()
    {
        var (exit, stdout, stderr) = await MinisignAsync(["-G", "-p", At("enc.pub"), "-s", At("enc.key")], "pass phrase\npass phrase\n");
        Assert.True(exit == 0, stdout + stderr);
        var text = await File.ReadAllTextAsync(At("enc.key"));

        Assert.True(MinisignSecretKey.IsEncrypted(text));
        Assert.Equal(MinisignFailure.PasswordRequired, Assert.Throws<MinisignException>(() => MinisignSecretKey.Parse(text)).Failure);
        var key = MinisignSecretKey.Parse(text, "pass phrase");

        Assert.Equal(MinisignPublicKey.Parse(await File.ReadAllTextAsync(At("enc.pub"))), key.PublicKey);
    }

    [Fact]
    public async Task A_legacy_signature_is_refused_as_minisign_refuses_it_when_asked_for_prehashed_ones()
    {
        var (sk, pk) = await MinisignKeyPairAsync("ms");
        var file = NewFile("f", 10);
        var (exit, stdout, stderr) = await MinisignAsync(["-S", "-l", "-s", sk, "-m", file]);
        Assert.True(exit == 0, stdout + stderr);

        var (minisignExit, _, minisignErr) = await MinisignAsync(["-V", "-H", "-m", file, "-p", pk]);
        Assert.Equal(1, minisignExit);
        Assert.Contains("Legacy", minisignErr);
        var failure = await Assert.ThrowsAsync<MinisignException>(() => VerifyAsync(file, file + ".minisig", MinisignPublicKey.Parse(File.ReadAllText(pk))));
        Assert.Equal(MinisignFailure.Legacy, failure.Failure);
    }

    [Fact]
    public async Task A_signature_by_another_key_names_the_same_key_ids_as_minisign()
    {
        var (sk, _) = await MinisignKeyPairAsync("signer");
        var (_, otherPk) = await MinisignKeyPairAsync("other");
        var file = NewFile("f", 10);
        var (exit, stdout, stderr) = await MinisignAsync(["-S", "-s", sk, "-m", file]);
        Assert.True(exit == 0, stdout + stderr);

        var (minisignExit, _, minisignErr) = await MinisignAsync(["-V", "-m", file, "-p", otherPk]);
        var failure = await Assert.ThrowsAsync<MinisignException>(() => VerifyAsync(file, file + ".minisig", MinisignPublicKey.Parse(File.ReadAllText(otherPk))));

        Assert.Equal(1, minisignExit);
        var ids = System.Text.RegularExpressions.Regex.Matches(minisignErr, "key id in .* is ([0-9A-F]+)").Select(m => MinisignKeyId.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(2, ids.Count);
        Assert.Equal(MinisignFailure.KeyMismatch, failure.Failure);
        Assert.Equal(ids[0], failure.SignatureKeyId);
        Assert.Equal([ids[1]], failure.TrustedKeyIds);
        Assert.Contains(ids[0].ToString(), failure.Message);
        Assert.Contains(ids[1].ToString(), failure.Message);
    }
}
