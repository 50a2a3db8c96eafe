using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace ObservatoryBackup.Encryption;

/// <summary>
/// An age X25519 recipient: a public key, written <c>age1…</c>. Encrypting to it needs nothing secret,
/// so a backup host holds only these.
/// </summary>
public sealed class AgeRecipient : IEquatable<AgeRecipient>
{
    internal const string Hrp = "age";
    internal const string StanzaType = "X25519";
    internal const string WrapInfo = "age-encryption.org/v1/X25519";

    private readonly byte[] _key;

    internal AgeRecipient(byte[] publicKey) => _key = publicKey;

    internal ReadOnlySpan<byte> PublicKey => _key;

    /// <summary>Reads an <c>age1…</c> recipient; null with the reason when <paramref name="text"/> is not one.</summary>
    public static AgeRecipient? TryParse(string text, out string why)
    {
        why = "";
        var trimmed = text.Trim();
        if (trimmed.StartsWith("age1pq1", StringComparison.OrdinalIgnoreCase))
        {
            why = "it is a post-quantum (age1pq) recipient; only X25519 recipients (age1…) are supported";
            return null;
        }
        if (Bech32.Decode(trimmed) is not { } decoded || decoded.Hrp != Hrp || trimmed != trimmed.ToLowerInvariant())
        {
            why = "it is not an age X25519 recipient (age1 followed by 58 Bech32 characters)";
            return null;
        }
        if (decoded.Data.Length != 32)
        {
            why = $"it encodes {decoded.Data.Length} bytes, not the 32 of an X25519 key";
            return null;
        }
        return new AgeRecipient(decoded.Data);
    }

    /// <summary>Reads an <c>age1…</c> recipient or throws a <see cref="FormatException"/> that says why.</summary>
    public static AgeRecipient Parse(string text) =>
        TryParse(text, out var why) ?? throw new FormatException($"'{text}' is not an age recipient: {why}.");

    /// <summary>Wraps <paramref name="fileKey"/> for this recipient with a fresh ephemeral key: the X25519 stanza.</summary>
    internal AgeStanza Wrap(ReadOnlySpan<byte> fileKey)
    {
        var ephemeral = RandomNumberGenerator.GetBytes(32);
        try
        {
            var share = new byte[32];
            X25519.ScalarMultBase(ephemeral, 0, share, 0);
            var shared = new byte[32];
            if (!X25519.CalculateAgreement(ephemeral, 0, _key, 0, shared, 0))
                throw new CryptographicException("The recipient's key is a low-order point: no secret can be shared with it.");
            var body = new byte[fileKey.Length + 16];
            using (var aead = new ChaCha20Poly1305(WrapKey(shared, share, _key)))
                aead.Encrypt(new byte[12], fileKey, body.AsSpan(0, fileKey.Length), body.AsSpan(fileKey.Length));
            return new AgeStanza(StanzaType, [AgeBase64.Encode(share)], body);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ephemeral);
        }
    }

    internal static byte[] WrapKey(byte[] shared, ReadOnlySpan<byte> share, ReadOnlySpan<byte> recipient)
    {
        try
        {
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, [.. share, .. recipient], "age-encryption.org/v1/X25519"u8.ToArray());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
        }
    }

    public override string ToString() => Bech32.Encode(Hrp, _key);

    public bool Equals(AgeRecipient? other) => other is not null && _key.AsSpan().SequenceEqual(other._key);
    public override bool Equals(object? obj) => Equals(obj as AgeRecipient);
    public override int GetHashCode() => BitConverter.ToInt32(_key, 0);
}
