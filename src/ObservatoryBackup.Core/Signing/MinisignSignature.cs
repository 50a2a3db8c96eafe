using System.Text;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace ObservatoryBackup.Signing;

/// <summary>What a minisign signature signs: the file's BLAKE2b-512 hash, or (legacy) the file itself.</summary>
public enum MinisignAlgorithm
{
    /// <summary><c>ED</c>: Ed25519 over the file's BLAKE2b-512 hash; minisign's default since 0.8.</summary>
    Prehashed,
    /// <summary><c>Ed</c>: Ed25519 over the whole file (<c>minisign -S -l</c>).</summary>
    Legacy,
}

/// <summary>
/// A minisign signature file (<c>.minisig</c>): an untrusted comment line; the base64 of the algorithm,
/// the key id (8 bytes) and the Ed25519 signature (64); a trusted comment line; the base64 of the
/// global signature, Ed25519 over the signature and the trusted comment, which binds the comment to it.
/// Parsing checks the form only: <see cref="MinisignVerifier"/> decides whether it holds.
/// </summary>
public sealed class MinisignSignature
{
    /// <summary>The longest signature file this reads: minisign's own line limits, with their line breaks.</summary>
    public const int MaxFileLength = MinisignText.MaxCommentLine + 2 + 100 + 2 + 17 + MinisignText.MaxTrustedComment + 2 + 88 + 2;

    internal const int SignatureSize = 64;
    private const int Size = 2 + MinisignKeyId.Length + SignatureSize;

    private readonly byte[] _signature;
    private readonly byte[] _trustedComment;
    private readonly byte[] _globalSignature;

    internal MinisignSignature(MinisignAlgorithm algorithm, MinisignKeyId keyId, byte[] signature, string untrustedComment, byte[] trustedComment, byte[] globalSignature)
    {
        Algorithm = algorithm;
        KeyId = keyId;
        _signature = signature;
        UntrustedComment = untrustedComment;
        _trustedComment = trustedComment;
        _globalSignature = globalSignature;
    }

    public MinisignAlgorithm Algorithm { get; }

    /// <summary>The id of the key that claims to have made the signature.</summary>
    public MinisignKeyId KeyId { get; }

    /// <summary>The comment outside the signatures: anyone may have written it.</summary>
    public string UntrustedComment { get; }

    /// <summary>The trusted comment as the file holds it; trust it only from what <see cref="MinisignVerifier.Verify"/> returns.</summary>
    public string TrustedComment => Encoding.UTF8.GetString(_trustedComment);

    internal ReadOnlySpan<byte> Signature => _signature;

    /// <summary>Reads a signature file. Throws <see cref="MinisignException"/> (<see cref="MinisignFailure.Malformed"/> or <see cref="MinisignFailure.Unsupported"/>).</summary>
    public static MinisignSignature Parse(ReadOnlySpan<byte> file)
    {
        if (file.Length > MaxFileLength)
            throw Malformed($"it is {file.Length} bytes, more than a signature file can be ({MaxFileLength})");
        var lines = MinisignText.Lines(file);
        if (lines.Count != 4)
            throw Malformed($"it has {lines.Count} lines, not 4 (untrusted comment, signature, trusted comment, global signature)");
        if (!lines[0].AsSpan().StartsWith(Encoding.ASCII.GetBytes(MinisignText.UntrustedPrefix)))
            throw Malformed($"its first line does not start with \"{MinisignText.UntrustedPrefix}\"");
        if (lines[0].Length > MinisignText.MaxCommentLine)
            throw Malformed("its untrusted comment is longer than minisign reads");
        var untrusted = MinisignText.Printable(lines[0].AsSpan(MinisignText.UntrustedPrefix.Length))
            ?? throw Malformed("its untrusted comment holds a control character or is not UTF-8");
        if (MinisignText.Base64(lines[1], Size) is not { } bytes)
            throw Malformed($"its second line is not the base64 of {Size} bytes");
        var algorithm = bytes.AsSpan(0, 2) switch
        {
            var a when a.SequenceEqual("ED"u8) => MinisignAlgorithm.Prehashed,
            var a when a.SequenceEqual("Ed"u8) => MinisignAlgorithm.Legacy,
            var a => throw new MinisignException(MinisignFailure.Unsupported, $"the signature's algorithm is {AlgorithmName(a)}, neither ED (Ed25519 over BLAKE2b-512) nor Ed"),
        };
        if (!lines[2].AsSpan().StartsWith(Encoding.ASCII.GetBytes(MinisignText.TrustedPrefix)))
            throw Malformed($"its third line does not start with \"{MinisignText.TrustedPrefix}\"");
        var trusted = lines[2][MinisignText.TrustedPrefix.Length..];
        if (trusted.Length > MinisignText.MaxTrustedComment)
            throw Malformed("its trusted comment is longer than minisign reads");
        if (MinisignText.Printable(trusted) is null)
            throw Malformed("its trusted comment holds a control character or is not UTF-8");
        if (MinisignText.Base64(lines[3], SignatureSize) is not { } global)
            throw Malformed($"its fourth line is not the base64 of a {SignatureSize}-byte global signature");
        return new MinisignSignature(algorithm, MinisignKeyId.Read(bytes.AsSpan(2)), bytes[(2 + MinisignKeyId.Length)..], untrusted, trusted, global);
    }

    /// <summary>The signature file, as <c>minisign -S</c> writes it.</summary>
    public byte[] Format()
    {
        var bytes = new byte[Size];
        (Algorithm == MinisignAlgorithm.Prehashed ? "ED"u8 : "Ed"u8).CopyTo(bytes);
        KeyId.Write(bytes.AsSpan(2));
        _signature.CopyTo(bytes, 2 + MinisignKeyId.Length);
        var file = new MemoryStream();
        file.Write(Encoding.UTF8.GetBytes(MinisignText.UntrustedPrefix + UntrustedComment + "\n"));
        file.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(bytes) + "\n"));
        file.Write(Encoding.ASCII.GetBytes(MinisignText.TrustedPrefix));
        file.Write(_trustedComment);
        file.Write(Encoding.ASCII.GetBytes("\n" + Convert.ToBase64String(_globalSignature) + "\n"));
        return file.ToArray();
    }

    /// <summary>What the global signature signs: the signature, then the trusted comment's bytes.</summary>
    internal static byte[] GlobalMessage(ReadOnlySpan<byte> signature, ReadOnlySpan<byte> trustedComment) => [.. signature, .. trustedComment];

    /// <summary>Whether <paramref name="key"/> made the global signature over this signature and its trusted comment.</summary>
    internal bool GlobalSignatureHolds(MinisignPublicKey key) => key.Verify(_globalSignature, GlobalMessage(_signature, _trustedComment));

    /// <summary>Two algorithm bytes for a message: as text when printable ASCII, else in hex.</summary>
    internal static string AlgorithmName(ReadOnlySpan<byte> algorithm) =>
        algorithm.ToArray().All(b => b is >= 0x21 and < 0x7f) ? Encoding.ASCII.GetString(algorithm) : "0x" + Convert.ToHexString(algorithm);

    private static MinisignException Malformed(string problem) => new(MinisignFailure.Malformed, $"not a minisign signature: {problem}");

    public override string ToString() => $"minisign signature by key {KeyId}";
}
