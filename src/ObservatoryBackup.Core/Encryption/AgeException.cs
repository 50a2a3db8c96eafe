namespace ObservatoryBackup.Encryption;

/// <summary>Where an age file failed: the failures a reader tells apart.</summary>
public enum AgeFailure
{
    /// <summary>The header is not a valid age v1 header (or its MAC does not match).</summary>
    Header,
    /// <summary>A payload chunk fails authentication, or the payload is cut short or runs on.</summary>
    Payload,
    /// <summary>No identity given opens any of the file's recipient stanzas.</summary>
    NoMatch,
    /// <summary>A valid age feature this implementation does not have (passphrases, armor, post-quantum keys).</summary>
    Unsupported,
}

/// <summary>An age file (or key) that cannot be read, and why. Messages never hold key material.</summary>
public sealed class AgeException(AgeFailure failure, string message) : Exception(message)
{
    public AgeFailure Failure { get; } = failure;

    /// <summary>The recipients the file's header names (see <see cref="AgeHeader.RecipientHintType"/>), for a <see cref="AgeFailure.NoMatch"/>.</summary>
    public IReadOnlyList<string> Recipients { get; init; } = [];
}
