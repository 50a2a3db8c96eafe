using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace ObservatoryBackup.Encryption;

/// <summary>
/// An age X25519 identity: the private key, written <c>AGE-SECRET-KEY-1…</c>, that opens what was
/// encrypted to its <see cref="Recipient"/>. Its text is never in a message or in <see cref="ToString"/>.
/// </summary>
public sealed class AgeIdentity
{
    private const string Hrp = "age-secret-key-";
    private readonly byte[] _secret;

    private AgeIdentity(byte[] secret)
    {
        _secret = secret;
        var pub = new byte[32];
        X25519.ScalarMultBase(secret, 0, pub, 0);
        Recipient = new AgeRecipient(pub);
    }

    /// <summary>The public key that encrypts to this identity.</summary>
    public AgeRecipient Recipient { get; }

    /// <summary>A new identity from the system's CSPRNG.</summary>
    public static AgeIdentity Generate() => new(RandomNumberGenerator.GetBytes(32));

    /// <summary>Reads an <c>AGE-SECRET-KEY-1…</c> line; the exception never quotes it.</summary>
    public static AgeIdentity Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("AGE-SECRET-KEY-PQ-", StringComparison.OrdinalIgnoreCase))
            throw new AgeException(AgeFailure.Unsupported, "it is a post-quantum (AGE-SECRET-KEY-PQ-) identity; only X25519 identities (AGE-SECRET-KEY-1…) are supported");
        if (trimmed.StartsWith("AGE-PLUGIN-", StringComparison.OrdinalIgnoreCase))
            throw new AgeException(AgeFailure.Unsupported, "it is an age plugin identity; only X25519 identities (AGE-SECRET-KEY-1…) are supported");
        if (Bech32.Decode(trimmed) is not { } decoded || decoded.Hrp != Hrp || trimmed != trimmed.ToUpperInvariant() || decoded.Data.Length != 32)
            throw new AgeException(AgeFailure.Header, "it is not an age X25519 identity (AGE-SECRET-KEY-1 followed by 58 Bech32 characters)");
        return new AgeIdentity(decoded.Data);
    }

    /// <summary>The identity as age writes it: the secret. For writing a new identity file only.</summary>
    public string ToSecretString() => Bech32.Encode(Hrp, _secret, upper: true);

    /// <summary>Names the identity by its public key, never its secret.</summary>
    public override string ToString() => $"age identity of {Recipient}";

    /// <summary>
    /// The file key in <paramref name="stanza"/> when it is an X25519 stanza addressed to this identity;
    /// null when it is not for this identity. A malformed X25519 stanza fails the header.
    /// </summary>
    internal byte[]? Unwrap(AgeStanza stanza)
    {
        if (stanza.Type != AgeRecipient.StanzaType) return null;
        if (stanza.Arguments.Count != 1)
            throw new AgeException(AgeFailure.Header, $"an X25519 stanza has {stanza.Arguments.Count + 1} arguments, not 2");
        if (AgeBase64.Decode(stanza.Arguments[0]) is not { Length: 32 } share)
            throw new AgeException(AgeFailure.Header, "an X25519 stanza's share is not the canonical base64 of 32 bytes");
        if (stanza.Body.Length != 32)
            throw new AgeException(AgeFailure.Header, $"an X25519 stanza's body is {stanza.Body.Length} bytes, not 32");
        var shared = new byte[32];
        if (!X25519.CalculateAgreement(_secret, 0, share, 0, shared, 0))
            throw new AgeException(AgeFailure.Header, "an X25519 stanza's share is a low-order point (the shared secret would be zero)");
        var fileKey = new byte[16];
        using var aead = new ChaCha20Poly1305(AgeRecipient.WrapKey(shared, share, Recipient.PublicKey));
        try
        {
            aead.Decrypt(new byte[12], stanza.Body.AsSpan(0, 16), stanza.Body.AsSpan(16), fileKey);
            return fileKey;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
