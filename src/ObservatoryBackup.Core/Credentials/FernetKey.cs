using System.Security.Cryptography;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Credentials;

/// <summary>
/// A Fernet key: url-safe base64 of 32 bytes, the first 16 signing (HMAC-SHA256), the last 16
/// encrypting (AES-128-CBC), as Python's cryptography.fernet makes them. Never printed.
/// </summary>
public sealed class FernetKey
{
    private readonly byte[] _signing;
    private readonly byte[] _encryption;

    private FernetKey(byte[] key)
    {
        _signing = key[..16];
        _encryption = key[16..];
    }

    internal ReadOnlySpan<byte> SigningKey => _signing;
    internal byte[] EncryptionKey => _encryption;

    /// <summary>Parses a key; errors name the setting and never contain the key.</summary>
    public static FernetKey Parse(SettingValue value)
    {
        var text = value.Text;
        if (string.IsNullOrWhiteSpace(text))
            throw new ConfigurationException(value.Setting, value.Variable, "is required: a Fernet key (url-safe base64 of 32 bytes).", missing: true);
        var bytes = FernetBase64.TryDecode(text.Trim());
        if (bytes is not { Length: 32 })
            throw new ConfigurationException(value.Setting, value.Variable, "is not a Fernet key: it must be url-safe base64 of exactly 32 bytes.");
        return new FernetKey(bytes);
    }

    public static FernetKey Generate() => new(RandomNumberGenerator.GetBytes(32));

    /// <summary>The key's text, as Fernet.generate_key() prints it: only for handing a new key to its owner, never for a log.</summary>
    public string Export() => FernetBase64.Encode([.. _signing, .. _encryption]);

    /// <summary>Whether both keys are the same bytes (compared in constant time).</summary>
    public bool SameAs(FernetKey other) =>
        CryptographicOperations.FixedTimeEquals(_signing, other._signing) && CryptographicOperations.FixedTimeEquals(_encryption, other._encryption);

    public override string ToString() => "FernetKey(***)";
}
