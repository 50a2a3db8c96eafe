using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace ObservatoryBackup.Signing;

/// <summary>
/// A minisign secret key. Its file is an untrusted comment line and the base64 of: <c>Ed</c>; the key
/// derivation (<c>Sc</c> scrypt, or two zero bytes when not encrypted: <c>minisign -G -W</c>); <c>B2</c>;
/// the scrypt salt (32 bytes), opslimit and memlimit (8 bytes each, little-endian); then the key id (8),
/// the Ed25519 secret key (64: seed, then public key) and a checksum (32: BLAKE2b-256 of <c>Ed</c>, the key
/// id and the secret key), those 104 bytes XORed with scrypt of the password when encrypted.
/// The key material is never in a message or in <see cref="ToString"/>.
/// </summary>
public sealed class MinisignSecretKey
{
    private const int SeedSize = 32;
    private const int SecretSize = SeedSize + MinisignPublicKey.KeySize;
    private const int ChecksumSize = 32;
    private const int KeyNumSize = MinisignKeyId.Length + SecretSize + ChecksumSize;
    private const int HeaderSize = 2 + 2 + 2 + MinisignKeyEncryption.SaltSize + 8 + 8;
    private const int Size = HeaderSize + KeyNumSize;

    private readonly byte[] _seed;

    private MinisignSecretKey(MinisignKeyId keyId, byte[] seed)
    {
        _seed = seed;
        var publicKey = new byte[MinisignPublicKey.KeySize];
        Ed25519.GeneratePublicKey(seed, 0, publicKey, 0);
        PublicKey = new MinisignPublicKey(keyId, publicKey);
    }

    public MinisignKeyId KeyId => PublicKey.KeyId;

    /// <summary>The public key that verifies what this key signs.</summary>
    public MinisignPublicKey PublicKey { get; }

    /// <summary>A new key pair: seed and key id from the system's CSPRNG.</summary>
    public static MinisignSecretKey Generate() =>
        new(MinisignKeyId.Read(RandomNumberGenerator.GetBytes(MinisignKeyId.Length)), RandomNumberGenerator.GetBytes(SeedSize));

    /// <summary>Whether a secret key file is encrypted with a password (so <see cref="Parse"/> needs one).</summary>
    public static bool IsEncrypted(string text) => Decode(text).AsSpan(2, 2).SequenceEqual("Sc"u8);

    /// <summary>
    /// Reads a secret key file. An encrypted one needs <paramref name="password"/>
    /// (<see cref="MinisignFailure.PasswordRequired"/> without; <see cref="MinisignFailure.WrongPassword"/>
    /// when it does not open the key); the password of an unencrypted one is ignored.
    /// </summary>
    public static MinisignSecretKey Parse(string text, string? password = null)
    {
        var bytes = Decode(text);
        if (!bytes.AsSpan(4, 2).SequenceEqual("B2"u8))
            throw new MinisignException(MinisignFailure.Unsupported, $"the secret key's checksum is {MinisignSignature.AlgorithmName(bytes.AsSpan(4, 2))}, not B2 (BLAKE2b)");
        var keyNum = bytes.AsSpan(HeaderSize, KeyNumSize);
        var kdf = bytes.AsSpan(2, 2);
        var encrypted = kdf.SequenceEqual("Sc"u8);
        if (encrypted)
        {
            if (password is null)
                throw new MinisignException(MinisignFailure.PasswordRequired, "the secret key is encrypted with a password (made by minisign -G without -W) and no password was given");
            var salt = bytes.AsSpan(6, MinisignKeyEncryption.SaltSize);
            var limits = bytes.AsSpan(6 + MinisignKeyEncryption.SaltSize);
            var stream = MinisignKeyEncryption.Stream(password, salt, MinisignKeyEncryption.ReadLimit(limits), MinisignKeyEncryption.ReadLimit(limits[8..]), KeyNumSize);
            for (var i = 0; i < KeyNumSize; i++) keyNum[i] ^= stream[i];
        }
        else if (!kdf.SequenceEqual("\0\0"u8))
        {
            throw new MinisignException(MinisignFailure.Unsupported, $"the secret key's key derivation is {MinisignSignature.AlgorithmName(kdf)}, neither Sc (scrypt) nor none");
        }

        var keyId = MinisignKeyId.Read(keyNum);
        var secret = keyNum.Slice(MinisignKeyId.Length, SecretSize);
        var checksum = keyNum.Slice(MinisignKeyId.Length + SecretSize, ChecksumSize);
        // minisign -G -W leaves the checksum zero (it computes it only to encrypt); anything else must match
        var checksumHolds = checksum.SequenceEqual(Checksum(keyId, secret)) || (!encrypted && !checksum.ContainsAnyExcept((byte)0));
        if (!checksumHolds)
            throw encrypted
                ? new MinisignException(MinisignFailure.WrongPassword, "the password does not open the secret key (or the key file is damaged)")
                : new MinisignException(MinisignFailure.Malformed, "the secret key's checksum does not match: the key file is damaged");
        var key = new MinisignSecretKey(keyId, secret[..SeedSize].ToArray());
        if (!key.PublicKey.Key.SequenceEqual(secret[SeedSize..]))
            throw new MinisignException(MinisignFailure.Malformed, "the secret key's public half is not the seed's public key: the key file is damaged");
        CryptographicOperations.ZeroMemory(bytes);
        return key;
    }

    /// <summary>The text of an unencrypted secret key file (<c>minisign -G -W</c>'s kind), with its checksum.</summary>
    public string Format() => Format(null, 0, 0);

    /// <summary>An encrypted secret key file; minisign itself writes opslimit 33554432, memlimit 1073741824.</summary>
    internal string Format(string? password, ulong opsLimit, ulong memLimit)
    {
        var bytes = new byte[Size];
        "Ed"u8.CopyTo(bytes);
        (password is null ? "\0\0"u8 : "Sc"u8).CopyTo(bytes.AsSpan(2));
        "B2"u8.CopyTo(bytes.AsSpan(4));
        var keyNum = bytes.AsSpan(HeaderSize, KeyNumSize);
        KeyId.Write(keyNum);
        _seed.CopyTo(keyNum[MinisignKeyId.Length..]);
        PublicKey.Key.CopyTo(keyNum[(MinisignKeyId.Length + SeedSize)..]);
        Checksum(KeyId, keyNum.Slice(MinisignKeyId.Length, SecretSize)).CopyTo(keyNum[(MinisignKeyId.Length + SecretSize)..]);
        if (password is not null)
        {
            var salt = RandomNumberGenerator.GetBytes(MinisignKeyEncryption.SaltSize);
            salt.CopyTo(bytes, 6);
            MinisignKeyEncryption.WriteLimit(bytes.AsSpan(6 + MinisignKeyEncryption.SaltSize), opsLimit);
            MinisignKeyEncryption.WriteLimit(bytes.AsSpan(6 + MinisignKeyEncryption.SaltSize + 8), memLimit);
            var stream = MinisignKeyEncryption.Stream(password, salt, opsLimit, memLimit, KeyNumSize);
            for (var i = 0; i < KeyNumSize; i++) keyNum[i] ^= stream[i];
        }
        var comment = password is null ? "minisign unencrypted secret key" : "minisign encrypted secret key";
        var text = $"{MinisignText.UntrustedPrefix}{comment} {KeyId}\n{Convert.ToBase64String(bytes)}\n";
        CryptographicOperations.ZeroMemory(bytes);
        return text;
    }

    /// <summary>The Ed25519 signature of <paramref name="message"/>.</summary>
    internal byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signature = new byte[MinisignSignature.SignatureSize];
        Ed25519.Sign(_seed, 0, message.ToArray(), 0, message.Length, signature, 0);
        return signature;
    }

    private static byte[] Decode(string text)
    {
        var lines = MinisignText.Lines(Encoding.UTF8.GetBytes(text.Trim()));
        if (lines.Count != 2 || !lines[0].AsSpan().StartsWith("untrusted comment:"u8) || lines[0].Length > MinisignText.MaxCommentLine)
            throw new MinisignException(MinisignFailure.Malformed, "a minisign secret key file is an \"untrusted comment:\" line and a base64 line");
        var bytes = MinisignText.Base64(lines[1], Size)
            ?? throw new MinisignException(MinisignFailure.Malformed, $"a minisign secret key is the base64 of {Size} bytes");
        if (!bytes.AsSpan(0, 2).SequenceEqual(MinisignPublicKey.Algorithm))
            throw new MinisignException(MinisignFailure.Unsupported, $"the secret key's algorithm is {MinisignSignature.AlgorithmName(bytes.AsSpan(0, 2))}, not Ed (Ed25519)");
        return bytes;
    }

    private static byte[] Checksum(MinisignKeyId keyId, ReadOnlySpan<byte> secret)
    {
        var digest = new Blake2bDigest(ChecksumSize * 8);
        digest.BlockUpdate(MinisignPublicKey.Algorithm);
        Span<byte> id = stackalloc byte[MinisignKeyId.Length];
        keyId.Write(id);
        digest.BlockUpdate(id);
        digest.BlockUpdate(secret);
        var sum = new byte[ChecksumSize];
        digest.DoFinal(sum);
        return sum;
    }

    public override string ToString() => $"minisign secret key {KeyId}";
}
