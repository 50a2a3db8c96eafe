using System.Text;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace ObservatoryBackup.Signing;

/// <summary>
/// A minisign public key: <c>Ed</c>, the key id (8 bytes) and the Ed25519 public key (32 bytes), in
/// base64. Its file is an untrusted comment line and that base64 line, as <c>minisign -G</c> writes it.
/// </summary>
public sealed class MinisignPublicKey : IEquatable<MinisignPublicKey>
{
    internal const int KeySize = 32;
    internal const int Size = 2 + MinisignKeyId.Length + KeySize;
    internal static ReadOnlySpan<byte> Algorithm => "Ed"u8;

    private readonly byte[] _key;

    internal MinisignPublicKey(MinisignKeyId keyId, byte[] key)
    {
        KeyId = keyId;
        _key = key;
    }

    public MinisignKeyId KeyId { get; }

    /// <summary>The Ed25519 public key.</summary>
    public ReadOnlySpan<byte> Key => _key;

    /// <summary>
    /// Reads a public key file (its comment line, then the key line) or the key line alone (what
    /// <c>minisign -P</c> takes).
    /// </summary>
    public static MinisignPublicKey Parse(string text)
    {
        var lines = MinisignText.Lines(Encoding.UTF8.GetBytes(text.Trim()));
        if (lines.Count == 2 && lines[0].Length > MinisignText.MaxCommentLine)
            throw new MinisignException(MinisignFailure.Malformed, "the public key's comment line is longer than minisign reads");
        if (lines.Count is not (1 or 2) || (lines.Count == 2 && !lines[0].AsSpan().StartsWith("untrusted comment:"u8)))
            throw new MinisignException(MinisignFailure.Malformed, "a minisign public key is an \"untrusted comment:\" line and a base64 line, or the base64 line alone");
        if (MinisignText.Base64(lines[^1], Size) is not { } bytes)
            throw new MinisignException(MinisignFailure.Malformed, $"a minisign public key is the base64 of {Size} bytes");
        if (!bytes.AsSpan(0, 2).SequenceEqual(Algorithm))
            throw new MinisignException(MinisignFailure.Unsupported, $"the public key's algorithm is {MinisignSignature.AlgorithmName(bytes.AsSpan(0, 2))}, not Ed (Ed25519)");
        return new MinisignPublicKey(MinisignKeyId.Read(bytes.AsSpan(2)), bytes[(2 + MinisignKeyId.Length)..]);
    }

    /// <summary>The key line: what <c>minisign -P</c> takes.</summary>
    public string ToBase64()
    {
        var bytes = new byte[Size];
        Algorithm.CopyTo(bytes);
        KeyId.Write(bytes.AsSpan(2));
        _key.CopyTo(bytes, 2 + MinisignKeyId.Length);
        return Convert.ToBase64String(bytes);
    }

    /// <summary>The text of a public key file, as <c>minisign -G</c> writes it.</summary>
    public string Format() => $"{MinisignText.UntrustedPrefix}minisign public key {KeyId}\n{ToBase64()}\n";

    internal bool Verify(ReadOnlySpan<byte> signature, ReadOnlySpan<byte> message) =>
        Ed25519.Verify(signature.ToArray(), 0, _key, 0, message.ToArray(), 0, message.Length);

    public bool Equals(MinisignPublicKey? other) => other is not null && KeyId == other.KeyId && _key.AsSpan().SequenceEqual(other._key);

    public override bool Equals(object? obj) => Equals(obj as MinisignPublicKey);

    public override int GetHashCode() => KeyId.GetHashCode();

    public override string ToString() => $"minisign public key {KeyId}";
}
