using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ObservatoryBackup.Encryption;

/// <summary>
/// The payload's STREAM construction: 64 KiB chunks of ChaCha20-Poly1305 under a key derived from the
/// file key and a 16-byte nonce, each chunk's nonce its big-endian counter and a final-chunk flag.
/// </summary>
internal sealed class AgePayload : IDisposable
{
    public const int ChunkSize = 64 * 1024;
    public const int TagSize = 16;
    public const int NonceSize = 16;
    public const int EncryptedChunkSize = ChunkSize + TagSize;

    private readonly ChaCha20Poly1305 _aead;
    private readonly byte[] _nonce = new byte[12];
    private ulong _counter;

    public AgePayload(ReadOnlySpan<byte> fileKey, ReadOnlySpan<byte> payloadNonce) =>
        _aead = new ChaCha20Poly1305(HKDF.DeriveKey(HashAlgorithmName.SHA256, fileKey.ToArray(), 32, payloadNonce.ToArray(), "payload"u8.ToArray()));

    /// <summary>Chunks sealed or opened so far.</summary>
    public ulong Chunks => _counter;

    /// <summary>Encrypts the next chunk into <paramref name="output"/> (plaintext length + 16 bytes).</summary>
    public void Seal(ReadOnlySpan<byte> plaintext, Span<byte> output, bool last)
    {
        _aead.Encrypt(NextNonce(last), plaintext, output[..plaintext.Length], output.Slice(plaintext.Length, TagSize));
        _counter++;
    }

    /// <summary>Decrypts the next chunk; false when it does not authenticate as a chunk of that place (and finality).</summary>
    public bool TryOpen(ReadOnlySpan<byte> chunk, Span<byte> plaintext, bool last)
    {
        try
        {
            _aead.Decrypt(NextNonce(last), chunk[..^TagSize], chunk[^TagSize..], plaintext[..(chunk.Length - TagSize)]);
            _counter++;
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            plaintext.Clear();
            return false;
        }
    }

    private byte[] NextNonce(bool last)
    {
        // 11-byte big-endian counter: the top three bytes stay zero for any file under 2^64 chunks
        BinaryPrimitives.WriteUInt64BigEndian(_nonce.AsSpan(3, 8), _counter);
        _nonce[11] = last ? (byte)1 : (byte)0;
        return _nonce;
    }

    public void Dispose() => _aead.Dispose();
}
