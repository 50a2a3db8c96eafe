namespace ObservatoryBackup.Credentials;

/// <summary>What a key rotation did (or, on a dry run, would do).</summary>
public sealed record KeyRotationResult
{
    public required string Table { get; init; }
    public required bool DryRun { get; init; }

    /// <summary>Rows decrypted with the old key and written with the new one.</summary>
    public required int ReEncrypted { get; init; }

    /// <summary>Rows that already decrypt with the new key, left alone.</summary>
    public required int AlreadyOnNewKey { get; init; }

    /// <summary>JSONB objects: unencrypted development entries, left alone.</summary>
    public required int Unencrypted { get; init; }

    /// <summary>NULL values, left alone.</summary>
    public required int Empty { get; init; }
    public required int Total { get; init; }
    public required TimeSpan Duration { get; init; }
}
