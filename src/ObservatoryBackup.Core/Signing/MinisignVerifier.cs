using Org.BouncyCastle.Crypto.Digests;

namespace ObservatoryBackup.Signing;

/// <summary>
/// Verifies a file against its minisign signature while the file's bytes pass: everything that does
/// not need the file is settled when it is created (the algorithm, the key id against the trusted keys,
/// the global signature over the trusted comment), so a signature that cannot hold is refused before
/// the first byte; then it is fed the file in chunks of any size, hashing them (BLAKE2b-512), and
/// <see cref="Verify"/> checks the signature over the hash. Memory does not grow with the file.
/// </summary>
/// <remarks>
/// Only prehashed (<c>ED</c>) signatures are accepted, as <c>minisign -V -H</c> does. A legacy one signs
/// the file itself, and Ed25519 as the well-kept libraries offer it (BouncyCastle here, libsodium in
/// minisign) takes the message whole: the file in memory, which a backup of gigabytes cannot be.
/// minisign has not written one unless asked (<c>-l</c>) since 0.8, and a second algorithm for the same
/// key would only give a forger a second thing to try.
/// </remarks>
public sealed class MinisignVerifier
{
    private readonly MinisignSignature _signature;
    private readonly List<MinisignPublicKey> _candidates;
    private readonly Blake2bDigest _hash = new(512);
    private bool _finished;

    /// <summary>
    /// A verifier of a file signed by <paramref name="signature"/>, which one of <paramref name="trustedKeys"/>
    /// must have made. Throws <see cref="MinisignException"/>: <see cref="MinisignFailure.Legacy"/>,
    /// <see cref="MinisignFailure.KeyMismatch"/> (naming the signature's key id and the trusted ones),
    /// <see cref="MinisignFailure.BadTrustedComment"/>.
    /// </summary>
    public MinisignVerifier(MinisignSignature signature, IReadOnlyCollection<MinisignPublicKey> trustedKeys)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (trustedKeys.Count == 0) throw new ArgumentException("no trusted public key was given", nameof(trustedKeys));
        if (signature.Algorithm != MinisignAlgorithm.Prehashed)
            throw new MinisignException(MinisignFailure.Legacy,
                $"the signature by key {signature.KeyId} is a legacy (Ed, not prehashed ED) one; only prehashed signatures are accepted (sign with minisign 0.8 or later, without -l)");
        _signature = signature;
        _candidates = trustedKeys.Where(k => k.KeyId == signature.KeyId).ToList();
        if (_candidates.Count == 0)
        {
            var trusted = trustedKeys.Select(k => k.KeyId).Distinct().ToList();
            throw new MinisignException(MinisignFailure.KeyMismatch,
                $"the signature was made by key {signature.KeyId}, which is not trusted (trusted: {string.Join(", ", trusted)})")
            {
                SignatureKeyId = signature.KeyId,
                TrustedKeyIds = trusted,
            };
        }
        _candidates.RemoveAll(k => !signature.GlobalSignatureHolds(k));
        if (_candidates.Count == 0)
            throw new MinisignException(MinisignFailure.BadTrustedComment,
                $"the global signature by key {signature.KeyId} does not match the trusted comment: the comment or the signature was changed");
    }

    /// <summary>A verifier with one trusted key.</summary>
    public MinisignVerifier(MinisignSignature signature, MinisignPublicKey trustedKey) : this(signature, [trustedKey])
    {
    }

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
    /// Checks the signature over the bytes fed; returns what it proves, or throws
    /// <see cref="MinisignException"/> (<see cref="MinisignFailure.BadSignature"/>).
    /// </summary>
    public MinisignVerification Verify()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _finished = true;
        var hash = new byte[64];
        _hash.DoFinal(hash);
        var key = _candidates.FirstOrDefault(k => k.Verify(_signature.Signature, hash))
            ?? throw new MinisignException(MinisignFailure.BadSignature,
                $"the signature by key {_signature.KeyId} does not match the file's {Length} bytes: the file or its signature was changed");
        return new MinisignVerification(key, _signature.TrustedComment, Length);
    }

    /// <summary>Verifies all of <paramref name="file"/>, read to its end.</summary>
    public static async Task<MinisignVerification> VerifyAsync(Stream file, MinisignSignature signature, IReadOnlyCollection<MinisignPublicKey> trustedKeys, CancellationToken cancellationToken = default)
    {
        var verifier = new MinisignVerifier(signature, trustedKeys);
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            verifier.Append(buffer.AsSpan(0, n));
        return verifier.Verify();
    }
}
