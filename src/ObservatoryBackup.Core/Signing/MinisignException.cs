namespace ObservatoryBackup.Signing;

/// <summary>Why a minisign key or signature was refused: the failures a caller tells apart.</summary>
public enum MinisignFailure
{
    /// <summary>Not a minisign key or signature file: a line missing, too long, not base64, the wrong length.</summary>
    Malformed,
    /// <summary>An algorithm (signature, key derivation, checksum) this implementation does not know.</summary>
    Unsupported,
    /// <summary>A legacy (<c>Ed</c>) signature over the file itself, not over its BLAKE2b-512 hash.</summary>
    Legacy,
    /// <summary>The signature was made by a key that is not among the trusted ones.</summary>
    KeyMismatch,
    /// <summary>The signature does not match the file's bytes: the file (or the signature) was changed.</summary>
    BadSignature,
    /// <summary>The global signature does not match the trusted comment: the comment (or the signature) was changed.</summary>
    BadTrustedComment,
    /// <summary>The secret key is encrypted with a password and none was given.</summary>
    PasswordRequired,
    /// <summary>The password does not open the encrypted secret key (or the key file is damaged).</summary>
    WrongPassword,
}

/// <summary>A minisign key or signature that cannot be used, and why. Messages never hold key material.</summary>
public sealed class MinisignException(MinisignFailure failure, string message) : Exception(message)
{
    public MinisignFailure Failure { get; } = failure;

    /// <summary>The key id of the signature, for a <see cref="MinisignFailure.KeyMismatch"/>.</summary>
    public MinisignKeyId? SignatureKeyId { get; init; }

    /// <summary>The key ids that were trusted, for a <see cref="MinisignFailure.KeyMismatch"/>.</summary>
    public IReadOnlyList<MinisignKeyId> TrustedKeyIds { get; init; } = [];
}
