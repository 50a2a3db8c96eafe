namespace ObservatoryBackup.Signing;

/// <summary>What a verified signature proves: which trusted key signed how many bytes, and the comment it signed with them.</summary>
public sealed record MinisignVerification(MinisignPublicKey Key, string TrustedComment, long Length);
