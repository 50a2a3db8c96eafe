using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ObservatoryBackup.Credentials;

/// <summary>
/// The Fernet token format (version 0x80 ‖ 64-bit big-endian timestamp ‖ 128-bit IV ‖ AES-128-CBC
/// ciphertext with PKCS7 padding ‖ HMAC-SHA256 of all of that), url-safe base64 encoded.
/// The HMAC is checked in constant time before anything is decrypted.
/// </summary>
public static class FernetToken
{
    private const byte Version = 0x80;
    private const int HeaderLength = 1 + 8 + 16;
    private const int MacLength = 32;
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(60);

    public static string Encrypt(FernetKey key, ReadOnlySpan<byte> plaintext, DateTimeOffset? now = null, byte[]? iv = null)
    {
        iv ??= RandomNumberGenerator.GetBytes(16);
        if (iv.Length != 16) throw new ArgumentException("A Fernet IV is 16 bytes.", nameof(iv));
        using var aes = Aes.Create();
        aes.Key = key.EncryptionKey;
        var ciphertext = aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7);

        var token = new byte[HeaderLength + ciphertext.Length + MacLength];
        token[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(token.AsSpan(1), (now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds());
        iv.CopyTo(token, 9);
        ciphertext.CopyTo(token, HeaderLength);
        HMACSHA256.HashData(key.SigningKey, token.AsSpan(0, token.Length - MacLength), token.AsSpan(token.Length - MacLength));
        return FernetBase64.Encode(token);
    }

    /// <summary>
    /// Decrypts a token, or returns null when it is not a valid token for <paramref name="key"/>.
    /// With <paramref name="ttl"/>, tokens older than it, or stamped over a minute in the future, are refused too.
    /// </summary>
    public static byte[]? TryDecrypt(FernetKey key, string token, TimeSpan? ttl = null, DateTimeOffset? now = null)
    {
        var data = FernetBase64.TryDecode(token.Trim());
        if (data is null || data.Length < HeaderLength + 16 + MacLength || data[0] != Version) return null;
        var ciphertextLength = data.Length - HeaderLength - MacLength;
        if (ciphertextLength % 16 != 0) return null;

        Span<byte> mac = stackalloc byte[MacLength];
        HMACSHA256.HashData(key.SigningKey, data.AsSpan(0, data.Length - MacLength), mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, data.AsSpan(data.Length - MacLength))) return null;

        if (ttl is { } maxAge)
        {
            var stamped = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(data.AsSpan(1)));
            var at = now ?? DateTimeOffset.UtcNow;
            if (stamped + maxAge < at || stamped > at + MaxClockSkew) return null;
        }

        using var aes = Aes.Create();
        aes.Key = key.EncryptionKey;
        try
        {
            return aes.DecryptCbc(data.AsSpan(HeaderLength, ciphertextLength), data.AsSpan(9, 16), PaddingMode.PKCS7);
        }
        catch (CryptographicException)
        {
            return null; // bad padding
        }
    }
}
