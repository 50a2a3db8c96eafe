using System.Buffers.Binary;
using System.Text;
using ObservatoryBackup.Signing;

namespace ObservatoryBackup.Tests.Signing;

/// <summary>Our minisign signatures among themselves: round trips, streaming, and every way to tamper with a file or its signature.</summary>
[Trait("Tier", "Fast")]
public sealed class MinisignSignatureTests
{
    private static readonly MinisignSecretKey Key = MinisignSecretKey.Generate();
    private const string Comment = "timestamp:1796416151\tfile:db_2026-12-04.sql.gz\thashed";

    private static byte[] File(int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        return data;
    }

    private static MinisignSignature Sign(byte[] file, MinisignSecretKey? key = null, string comment = Comment)
    {
        var signer = new MinisignSigner(key ?? Key);
        signer.Append(file);
        return signer.Finish(comment);
    }

    private static MinisignVerification Verify(byte[] file, byte[] signatureFile, params MinisignPublicKey[] trusted)
    {
        var verifier = new MinisignVerifier(MinisignSignature.Parse(signatureFile), trusted.Length == 0 ? [Key.PublicKey] : trusted);
        verifier.Append(file);
        return verifier.Verify();
    }

    /// <summary>The signature file with its line <paramref name="index"/> (0-3) replaced.</summary>
    private static byte[] WithLine(byte[] signatureFile, int index, Func<string, string> change)
    {
        var lines = Encoding.UTF8.GetString(signatureFile).Split('\n');
        lines[index] = change(lines[index]);
        return Encoding.UTF8.GetBytes(string.Join('\n', lines));
    }

    /// <summary>A base64 line with one bit of its byte <paramref name="at"/> flipped.</summary>
    private static Func<string, string> FlipByte(int at) => line =>
    {
        var bytes = Convert.FromBase64String(line);
        bytes[at] ^= 0x10;
        return Convert.ToBase64String(bytes);
    };

    public static TheoryData<int> Sizes => [0, 1, 127, 128, 129, 65536, 200_001];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void What_we_sign_verifies_with_its_trusted_comment_and_length(int size)
    {
        var file = File(size);
        var signature = Sign(file).Format();

        var verified = Verify(file, signature);

        Assert.Equal(Key.PublicKey, verified.Key);
        Assert.Equal(Comment, verified.TrustedComment);
        Assert.Equal(size, verified.Length);
        var text = Encoding.UTF8.GetString(signature);
        Assert.Matches("^untrusted comment: signature from minisign secret key\nRU[A-Za-z0-9+/]{97}=\ntrusted comment: " + Comment + "\n[A-Za-z0-9+/]{86}==\n$", text);
    }

    [Fact]
    public async Task Signing_and_verifying_stream_in_any_chunk_sizes()
    {
        var file = File(300_007);
        var whole = Sign(file);
        var signer = new MinisignSigner(Key);
        var verifier = new MinisignVerifier(whole, Key.PublicKey);
        var sizes = new[] { 1, 7, 4099, 63, 65536, 0, 3 };
        for (int at = 0, i = 0; at < file.Length; i++)
        {
            var n = Math.Min(sizes[i % sizes.Length], file.Length - at);
            signer.Append(file.AsSpan(at, n));
            verifier.Append(file.AsSpan(at, n));
            at += n;
        }
        var chunked = signer.Finish(Comment);

        Assert.Equal(file.Length, verifier.Verify().Length);
        // Ed25519 is deterministic: the same bytes in other chunks give the same signature
        Assert.Equal(whole.Format(), chunked.Format());
        Assert.Equal(file.Length, (await MinisignVerifier.VerifyAsync(new MemoryStream(file), chunked, [Key.PublicKey])).Length);
        Assert.Equal(whole.Format(), (await MinisignSigner.SignAsync(new MemoryStream(file), Key, Comment)).Format());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(99_999)]
    [InlineData(199_999)]
    public void One_changed_byte_of_the_file_fails_the_signature_naming_the_key(int at)
    {
        var file = File(200_000);
        var signature = Sign(file).Format();
        file[at] ^= 1;

        var failure = Assert.Throws<MinisignException>(() => Verify(file, signature));

        Assert.Equal(MinisignFailure.BadSignature, failure.Failure);
        Assert.Contains(Key.KeyId.ToString(), failure.Message);
    }

    [Fact]
    public void A_file_cut_short_or_run_on_fails_the_signature()
    {
        var file = File(1000);
        var signature = Sign(file).Format();

        Assert.Equal(MinisignFailure.BadSignature, Assert.Throws<MinisignException>(() => Verify(file[..999], signature)).Failure);
        Assert.Equal(MinisignFailure.BadSignature, Assert.Throws<MinisignException>(() => Verify([.. file, 0], signature)).Failure);
    }

    [Fact]
    public void A_changed_trusted_comment_is_refused_before_any_byte_of_the_file()
    {
        var signature = WithLine(Sign(File(10)).Format(), 2, line => line.Replace("file:db_", "file:xb_"));

        var failure = Assert.Throws<MinisignException>(() => new MinisignVerifier(MinisignSignature.Parse(signature), Key.PublicKey));

        Assert.Equal(MinisignFailure.BadTrustedComment, failure.Failure);
        Assert.Contains(Key.KeyId.ToString(), failure.Message);
    }

    [Theory]
    [InlineData(1, 10)] // a byte of the signature over the file (after ED and the key id)
    [InlineData(1, 73)]
    [InlineData(3, 0)] // a byte of the global signature
    [InlineData(3, 63)]
    public void A_changed_byte_of_either_signature_is_refused_before_any_byte_of_the_file(int line, int at)
    {
        var signature = WithLine(Sign(File(10)).Format(), line, FlipByte(at));

        var failure = Assert.Throws<MinisignException>(() => new MinisignVerifier(MinisignSignature.Parse(signature), Key.PublicKey));

        Assert.Equal(MinisignFailure.BadTrustedComment, failure.Failure);
    }

    [Fact]
    public void The_untrusted_comment_is_not_signed()
    {
        var file = File(10);
        var signature = WithLine(Sign(file).Format(), 0, _ => "untrusted comment: anything at all");

        Assert.Equal(Comment, Verify(file, signature).TrustedComment);
        Assert.Equal("anything at all", MinisignSignature.Parse(signature).UntrustedComment);
    }

    [Fact]
    public void A_signature_by_another_key_is_refused_naming_both_key_ids()
    {
        var other = MinisignSecretKey.Generate();
        var third = MinisignSecretKey.Generate();
        var file = File(10);

        var failure = Assert.Throws<MinisignException>(() => Verify(file, Sign(file, other).Format(), Key.PublicKey, third.PublicKey));

        Assert.Equal(MinisignFailure.KeyMismatch, failure.Failure);
        Assert.Equal(other.KeyId, failure.SignatureKeyId);
        Assert.Equal([Key.KeyId, third.KeyId], failure.TrustedKeyIds);
        Assert.Contains(other.KeyId.ToString(), failure.Message);
        Assert.Contains(Key.KeyId.ToString(), failure.Message);
        Assert.Contains(third.KeyId.ToString(), failure.Message);
        // among several trusted keys, the one that signed is found
        Assert.Equal(other.PublicKey, Verify(file, Sign(file, other).Format(), Key.PublicKey, other.PublicKey).Key);
    }

    [Fact]
    public void Another_key_claiming_the_trusted_key_id_is_refused()
    {
        var forger = MinisignSecretKey.Generate();
        var file = File(10);
        var keyId = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(keyId, Key.KeyId.Value);
        var signature = WithLine(Sign(file, forger).Format(), 1, line =>
        {
            var bytes = Convert.FromBase64String(line);
            keyId.CopyTo(bytes, 2);
            return Convert.ToBase64String(bytes);
        });
        Assert.Equal(Key.KeyId, MinisignSignature.Parse(signature).KeyId);

        var failure = Assert.Throws<MinisignException>(() => Verify(file, signature));

        Assert.Equal(MinisignFailure.BadTrustedComment, failure.Failure);
    }

    [Theory]
    [InlineData("Ed", MinisignFailure.Legacy)]
    [InlineData("EX", MinisignFailure.Unsupported)]
    [InlineData("\0\0", MinisignFailure.Unsupported)]
    public void A_signature_of_another_algorithm_is_refused(string algorithm, MinisignFailure expected)
    {
        var signature = WithLine(Sign(File(10)).Format(), 1, line =>
        {
            var bytes = Convert.FromBase64String(line);
            Encoding.ASCII.GetBytes(algorithm).CopyTo(bytes, 0);
            return Convert.ToBase64String(bytes);
        });

        var failure = Assert.Throws<MinisignException>(() => new MinisignVerifier(MinisignSignature.Parse(signature), Key.PublicKey));

        Assert.Equal(expected, failure.Failure);
    }

    [Fact]
    public void A_signature_file_cut_anywhere_is_refused_as_malformed()
    {
        var signature = Sign(File(10)).Format();
        var ends = new List<int>();
        for (var i = 0; i < signature.Length; i++) if (signature[i] == '\n') ends.Add(i);

        for (var cut = 0; cut < signature.Length; cut++)
        {
            // without its last newline, the file is whole
            if (cut == ends[^1]) continue;
            var part = signature[..cut];
            var failure = Assert.Throws<MinisignException>(() => MinisignSignature.Parse(part));
            Assert.True(failure.Failure == MinisignFailure.Malformed, $"cut at {cut}: {failure.Failure} {failure.Message}");
        }
        Assert.Equal(signature, MinisignSignature.Parse(signature[..ends[^1]]).Format());
    }

    [Theory]
    [InlineData(2, "trusted comment: a\rb")]
    [InlineData(2, "trusted comment: a\u001bb")]
    [InlineData(0, "untrusted comment: a\u0085b")]
    [InlineData(2, "trusted: a")]
    [InlineData(0, "comment: a")]
    [InlineData(1, "RUQ")]
    public void A_signature_file_with_a_bad_line_is_refused_as_malformed(int line, string text)
    {
        var signature = WithLine(Sign(File(10)).Format(), line, _ => text);

        Assert.Equal(MinisignFailure.Malformed, Assert.Throws<MinisignException>(() => MinisignSignature.Parse(signature)).Failure);
    }

    [Fact]
    public void Invalid_utf8_or_an_overlong_file_is_refused_as_malformed()
    {
        var signature = Sign(File(10)).Format();
        var at = signature.AsSpan().IndexOf("\ntrusted comment: "u8) + 18;
        var invalid = (byte[])signature.Clone();
        invalid[at] = 0xff;

        Assert.Equal(MinisignFailure.Malformed, Assert.Throws<MinisignException>(() => MinisignSignature.Parse(invalid)).Failure);
        Assert.Equal(MinisignFailure.Malformed, Assert.Throws<MinisignException>(() => MinisignSignature.Parse(new byte[MinisignSignature.MaxFileLength + 1])).Failure);
    }

    [Theory]
    [InlineData("two\nlines")]
    [InlineData("a\rb")]
    [InlineData("bell\u0007")]
    public void A_trusted_comment_that_minisign_could_not_read_back_is_not_signed(string comment)
    {
        Assert.Throws<ArgumentException>(() => Sign(File(1), comment: comment));
    }

    [Fact]
    public void Trusted_comments_up_to_minisigns_limit_are_signed_and_read()
    {
        var file = File(1);
        var longest = new string('x', 8173);
        Assert.Equal(longest, Verify(file, Sign(file, comment: longest).Format()).TrustedComment);
        Assert.Throws<ArgumentException>(() => Sign(file, comment: longest + "x"));
        Assert.Equal("ünïcode\tand tabs", Verify(file, Sign(file, comment: "ünïcode\tand tabs").Format()).TrustedComment);
    }

    [Fact]
    public void A_verifier_or_signer_is_used_once()
    {
        var signer = new MinisignSigner(Key);
        var signature = signer.Finish(Comment);
        Assert.Throws<ObjectDisposedException>(() => signer.Append([1]));
        var verifier = new MinisignVerifier(signature, Key.PublicKey);
        verifier.Verify();
        Assert.Throws<ObjectDisposedException>(() => verifier.Verify());
    }

    [Fact]
    public void The_default_trusted_comment_is_minisigns()
    {
        Assert.Equal("timestamp:1796416151\tfile:f\thashed", MinisignSigner.DefaultTrustedComment(DateTimeOffset.FromUnixTimeSeconds(1796416151), "f"));
    }
}
