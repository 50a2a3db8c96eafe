namespace ObservatoryBackup.Restore;

/// <summary>The outcome of a restore.</summary>
public sealed record RestoreResult
{
    public required string ObjectName { get; init; }
    public required string Bucket { get; init; }
    public required string Database { get; init; }
    public required string Server { get; init; }
    public required RestoreMode Mode { get; init; }

    /// <summary>True when a database of that name existed and was replaced.</summary>
    public required bool Replaced { get; init; }
    public required long Size { get; init; }
    public required long SqlSize { get; init; }
    public required TimeSpan Duration { get; init; }

    /// <summary>The globals backup restored first (the object itself, for a globals restore); null when none was.</summary>
    public string? Globals { get; init; }

    /// <summary>Roles the globals restore created.</summary>
    public IReadOnlyList<string> RolesCreated { get; init; } = [];

    /// <summary>Roles of the globals backup that existed already and were left as they were.</summary>
    public IReadOnlyList<string> RolesLeft { get; init; } = [];

    /// <summary>Tablespaces the globals restore created.</summary>
    public IReadOnlyList<string> TablespacesCreated { get; init; } = [];
}
