using System.Text;
using ObservatoryBackup.Signing;

namespace ObservatoryBackup.Tests.Signing;

/// <summary>minisign's key files as we read and write them, server-free.</summary>
[Trait("Tier", "Fast")]
public sealed class MinisignKeyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("obs-minisign-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // libsodium's "interactive" limits: quick enough for a test, the same code as minisign's 1 GiB ones
    private const ulong Ops = 524288, Mem = 16777216;

    private static string ReplaceKeyBytes(string keyFile, int at, params byte[] bytes)
    {
        var lines = keyFile.Split('\n');
        var raw = Convert.FromBase64String(lines[1]);
        bytes.CopyTo(raw, at);
        lines[1] = Convert.ToBase64String(raw);
        return string.Join('\n', lines);
    }

    // XOR, not a fixed value: a random key already holding that value would stay undamaged one time in 256.
    private static string FlipKeyByte(string keyFile, int at)
    {
        var lines = keyFile.Split('\n');
        var raw = Convert.FromBase64String(lines[1]);
        raw[at] ^= 0x01;
        lines[1] = Convert.ToBase64String(raw);
        return string.Join('\n', lines);
    }

    [Fact]
    public void A_key_pair_round_trips_through_its_files_and_never_shows_its_secret()
    {
        var key = MinisignSecretKey.Generate();
        var secretText = key.Format();

        var read = MinisignSecretKey.Parse(secretText);

        Assert.Equal(key.KeyId, read.KeyId);
        Assert.Equal(key.PublicKey, read.PublicKey);
        Assert.Equal(key.PublicKey, MinisignPublicKey.Parse(key.PublicKey.Format()));
        Assert.Equal(key.PublicKey, MinisignPublicKey.Parse(key.PublicKey.ToBase64()));
        Assert.False(MinisignSecretKey.IsEncrypted(secretText));
        Assert.StartsWith($"untrusted comment: minisign public key {key.KeyId}\nRW", key.PublicKey.Format());
        var secretLine = secretText.Split('\n')[1];
        Assert.DoesNotContain(secretLine[60..100], key.ToString());
        Assert.Equal($"minisign secret key {key.KeyId}", key.ToString());
    }

    [Fact]
    public void An_encrypted_key_needs_its_password_and_says_so()
    {
        var key = MinisignSecretKey.Generate();
        var encrypted = key.Format("correct horse", Ops, Mem);

        Assert.True(MinisignSecretKey.IsEncrypted(encrypted));
        var none = Assert.Throws<MinisignException>(() => MinisignSecretKey.Parse(encrypted));
        Assert.Equal(MinisignFailure.PasswordRequired, none.Failure);
        var wrong = Assert.Throws<MinisignException>(() => MinisignSecretKey.Parse(encrypted, "wrong horse"));
        Assert.Equal(MinisignFailure.WrongPassword, wrong.Failure);
        Assert.DoesNotContain("horse", wrong.Message);
        Assert.Equal(key.PublicKey, MinisignSecretKey.Parse(encrypted, "correct horse").PublicKey);
    }

    [Fact]
    public void An_encrypted_key_asking_more_than_minisign_ever_uses_is_refused_without_running_scrypt()
    {
        var encrypted = MinisignSecretKey.Generate().Format("pw", Ops, Mem);
        // memlimit (8 bytes LE) after Ed, Sc, B2, the salt and opslimit
        var greedy = ReplaceKeyBytes(encrypted, 2 + 2 + 2 + 32 + 8, 0, 0, 0, 0, 0, 0, 0, 1);

        Assert.Equal(MinisignFailure.Unsupported, Assert.Throws<MinisignException>(() => MinisignSecretKey.Parse(greedy, "pw")).Failure);
    }

    [Theory]
    [InlineData(0, "Ex", MinisignFailure.Unsupported)] // signature algorithm
    [InlineData(2, "Ar", MinisignFailure.Unsupported)] // key derivation
    [InlineData(4, "B3", MinisignFailure.Unsupported)] // checksum
    public void A_secret_key_of_another_algorithm_is_refused(int at, string algorithm, MinisignFailure expected)
    {
        var text = ReplaceKeyBytes(MinisignSecretKey.Generate().Format(), at, Encoding.ASCII.GetBytes(algorithm));

        Assert.Equal(expected, Assert.Throws<MinisignException>(() => MinisignSecretKey.Parse(text, "pw")).Failure);
    }

    [Fact]
    public void A_damaged_unencrypted_key_is_refused_but_minisigns_zero_checksum_is_read()
    {
        var key = MinisignSecretKey.Generate();
        const int keyNum = 2 + 2 + 2 + 32 + 8 + 8;
        var zeroChecksum = ReplaceKeyBytes(key.Format(), keyNum + 8 + 64, new byte[32]);
        var badChecksum = FlipKeyByte(key.Format(), keyNum + 8 + 64);
        var badSeed = FlipKeyByte(zeroChecksum, keyNum + 8);

        Assert.Equal(key.PublicKey, MinisignSecretKey.Parse(zeroChecksum).PublicKey);
        Assert.Equal(MinisignFailure.Malformed, Assert.Throws<MinisignException>(() => MinisignSecretKey.Parse(badChecksum)).Failure);
        Assert.Equal(MinisignFailure.Malformed, Assert.Throws<MinisignException>(() => MinisignSecretKey.Parse(badSeed)).Failure);
    }

    [Fact]
    public void Truncated_or_foreign_key_files_are_refused_as_malformed()
    {
        var key = MinisignSecretKey.Generate();
        var secret = key.Format();
        var pub = key.PublicKey.Format();
        foreach (var cut in new[] { 0, 10, secret.IndexOf('\n'), secret.Length - 10 })
            Assert.Equal(MinisignFailure.Malformed, Assert.Throws<MinisignException>(() => MinisignSecretKey.Parse(secret[..cut])).Failure);
        foreach (var cut in new[] { 0, 10, pub.IndexOf('\n'), pub.Length - 10 })
            Assert.Equal(MinisignFailure.Malformed, Assert.Throws<MinisignException>(() => MinisignPublicKey.Parse(pub[..cut])).Failure);
        Assert.Equal(MinisignFailure.Malformed, Assert.Throws<MinisignException>(() => MinisignPublicKey.Parse(secret)).Failure);
        Assert.Equal(MinisignFailure.Malformed, Assert.Throws<MinisignException>(() => MinisignSecretKey.Parse(pub)).Failure);
        Assert.Equal(MinisignFailure.Malformed, Assert.Throws<MinisignException>(() => MinisignPublicKey.Parse("age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq")).Failure);
        var other = ReplaceKeyBytes(pub, 0, (byte)'E', (byte)'X');
        Assert.Equal(MinisignFailure.Unsupported, Assert.Throws<MinisignException>(() => MinisignPublicKey.Parse(other)).Failure);
    }

    [Fact]
    public void Key_ids_read_and_print_as_minisign_does()
    {
        Assert.Equal("0000000000ABCDEF", new MinisignKeyId(0xABCDEF).ToString());
        Assert.Equal(new MinisignKeyId(0xABCDEF), MinisignKeyId.Parse("ABCDEF"));
        Assert.Equal(new MinisignKeyId(0x33F42033F7DBFD37), MinisignKeyId.Parse("33F42033F7DBFD37"));
        // minisign 0.11's public key: RWQ then the id's bytes, little-endian
        Assert.Equal(new MinisignKeyId(0x33F42033F7DBFD37), MinisignPublicKey.Parse("RWQ3/dv3MyD0M1PB2Qfp/cWxEUVzivnAVQuXMMYGXM5h/LsSVQA4m1od").KeyId);
        Assert.Throws<MinisignException>(() => MinisignKeyId.Parse("0x12"));
        Assert.Throws<MinisignException>(() => MinisignKeyId.Parse("1234567890ABCDEF0"));
    }

    [Fact]
    public void Libsodiums_limits_map_to_its_scrypt_parameters()
    {
        Assert.Equal((20, 8, 1), MinisignKeyEncryption.PickParams(33554432, 1073741824)); // sensitive: minisign's
        Assert.Equal((14, 8, 1), MinisignKeyEncryption.PickParams(524288, 16777216)); // interactive
    }

    [Fact]
    public void Key_files_are_written_owner_only_and_never_over_existing_ones_unless_asked()
    {
        var sk = Path.Combine(_dir, "obs.key");
        var pk = Path.Combine(_dir, "obs.pub");
        var first = MinisignSecretKey.Generate();

        MinisignKeyFiles.Write(sk, pk, first, overwrite: false);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(sk));
        Assert.Equal(first.PublicKey, MinisignSecretKey.Parse(File.ReadAllText(sk)).PublicKey);
        Assert.Equal(first.PublicKey, MinisignPublicKey.Parse(File.ReadAllText(pk)));
        var second = MinisignSecretKey.Generate();
        Assert.Throws<IOException>(() => MinisignKeyFiles.Write(sk, Path.Combine(_dir, "new.pub"), second, overwrite: false));
        Assert.False(File.Exists(Path.Combine(_dir, "new.pub")));
        Assert.Equal(first.PublicKey, MinisignSecretKey.Parse(File.ReadAllText(sk)).PublicKey);

        File.SetUnixFileMode(sk, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        MinisignKeyFiles.Write(sk, pk, second, overwrite: true);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(sk));
        Assert.Equal(second.PublicKey, MinisignSecretKey.Parse(File.ReadAllText(sk)).PublicKey);
        Assert.Equal(second.PublicKey, MinisignPublicKey.Parse(File.ReadAllText(pk)));
    }
}
