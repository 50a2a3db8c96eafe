using System.Globalization;
using Org.BouncyCastle.Crypto.Digests;

namespace ObservatoryBackup.Signing;

/// <summary>
/// Signs a file as <c>minisign -S</c> does (prehashed <c>ED</c>): fed the file's bytes in chunks of any
/// size as they pass, it hashes them (BLAKE2b-512), then signs the hash and the trusted comment. Memory
/// does not grow with the file. One signer signs one file.
/// </summary>
public sealed class MinisignSigner(MinisignSecretKey key)
{
    private readonly Blake2bDigest _hash = new(512);
    private bool _finished;

    /// <summary>How many bytes of the file were fed.</summary>
    public long Length { get; private set; }

    /// <summary>Feeds the next bytes of the file.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _hash.BlockUpdate(data);
        Length += data.Length;
    }

    /// <summary>
    /// The signature of the bytes fed. <paramref name="trustedComment"/> is signed with it (one line of
    /// UTF-8, at most 8173 bytes, no control character but tab); <paramref name="untrustedComment"/> is not.
    /// </summary>
    public MinisignSignature Finish(string trustedComment, string untrustedComment = "signature from minisign secret key")
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        var trusted = MinisignText.CommentBytes(trustedComment, MinisignText.MaxTrustedComment, "trusted comment");
        MinisignText.CommentBytes(untrustedComment, MinisignText.MaxCommentLine - MinisignText.UntrustedPrefix.Length, "untrusted comment");
        _finished = true;
        var hash = new byte[64];
        _hash.DoFinal(hash);
        var signature = key.Sign(hash);
        var global = key.Sign(MinisignSignature.GlobalMessage(signature, trusted));
        return new MinisignSignature(MinisignAlgorithm.Prehashed, key.KeyId, signature, untrustedComment, trusted, global);
    }

    /// <summary>Signs all of <paramref name="file"/>, read to its end.</summary>
    public static async Task<MinisignSignature> SignAsync(Stream file, MinisignSecretKey key, string trustedComment, CancellationToken cancellationToken = default)
    {
        var signer = new MinisignSigner(key);
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            signer.Append(buffer.AsSpan(0, n));
        return signer.Finish(trustedComment);
    }

    /// <summary>minisign's default trusted comment: <c>timestamp:&lt;unix seconds&gt;\tfile:&lt;name&gt;\thashed</c>.</summary>
    public static string DefaultTrustedComment(DateTimeOffset time, string fileName) =>
        string.Create(CultureInfo.InvariantCulture, $"timestamp:{time.ToUnixTimeSeconds()}\tfile:{fileName}\thashed");
}
